/**
 * Beneficiary: my payments, newest first, in plain words, with what to do next; my cases (a payment that did not
 * arrive) with their progress and what I was told; "Tôi chưa nhận được / I have not received it" on each payment.
 * Mobile first.
 */
import { api } from '../api.js';
import { h, mount } from '../h.js';
import { dateTime, L, loc, money, period } from '../i18n.js';
import type { Session } from '../session.js';
import { errorText, notice, title } from '../ui.js';

interface Localized {
  vi: string;
  en: string;
}
interface Payment {
  period: string;
  periodLabel: string;
  monthsLabel: string;
  programmeName: Localized;
  funeralSupport: boolean;
  amountVnd: number;
  channel: string;
  channelLabel: Localized;
  status: string;
  statusLabel: Localized;
  statusDate: string;
  bankAccount: string | null;
  failure: { code: string; reason: Localized } | null;
  nextStep: Localized | null;
  ageChange?: Localized;
}
interface MyPayments {
  account: {
    status: string;
    statusLabel: Localized;
    channel: string;
    channelLabel: Localized;
    bankAccount: string | null;
  } | null;
  payments: Payment[];
}

const TONE: Record<string, string> = {
  SETTLED: 'ok',
  REJECTED: 'bad',
  RETURNED: 'bad',
  NOT_SENT: 'bad',
  UNKNOWN: 'wait',
  PENDING: 'wait',
  SENT: 'wait',
  ACCEPTED: 'wait',
};

interface MyCase {
  caseId: string;
  period: string;
  months: string[];
  amount: number;
  state: string;
  stateLabel: Localized;
  reason: Localized;
  nextStep: Localized | null;
  openedAt: string;
  progress: { kind: string; label: Localized; at: string }[];
}
interface MyCases {
  cases: MyCase[];
  messages: { text: string; channel: string; status: string; at: string }[];
}

/** A case's state in the person's words (the officers' labels are for officers). */
const CASE_WORDS: Record<string, Localized> = {
  OPEN: { vi: 'Đã ghi nhận, đang chờ cán bộ xử lý', en: 'Recorded, waiting for an officer' },
  ACTION_TAKEN: { vi: 'Cán bộ đã xử lý, sắp chi lại', en: 'An officer acted on it; it will be paid again soon' },
  REISSUED: { vi: 'Đã chi lại, đang chờ ngân hàng', en: 'Paid again, waiting for the bank' },
  CLOSED: { vi: 'Đã xong', en: 'Done' },
  WRITTEN_OFF: { vi: 'Khoản này sẽ không được chi', en: 'This payment will not be made' },
};

const WAIT_HINT: Localized = {
  vi: 'Tiền đang trên đường đến. Bạn không cần làm gì.',
  en: 'The money is on its way. You do not need to do anything.',
};

export async function mePage(root: HTMLElement, s: Session, flash?: { kind: 'ok' | 'error'; text: string }) {
  if (!flash) mount(root, title(L('Tiền trợ cấp của tôi', 'My allowance')), notice('info', L('Đang tải…', 'Loading…')));
  let me: MyPayments;
  let mine: MyCases;
  try {
    [me, mine] = await Promise.all([api<MyPayments>('GET', '/v1/me/payments'), api<MyCases>('GET', '/v1/me/cases')]);
  } catch (err) {
    mount(root, title(L('Tiền trợ cấp của tôi', 'My allowance')), notice('error', errorText(err)));
    return;
  }
  const [latest] = me.payments;
  /** "I have not received it": joins (or opens) that month's case; the page shows the answer. */
  const report = async (p: Payment, button: HTMLButtonElement) => {
    button.disabled = true;
    let next: { kind: 'ok' | 'error'; text: string };
    try {
      await api('POST', '/v1/me/grievances', { period: p.period });
      next = {
        kind: 'ok',
        text: L(
          `Đã gửi phản ánh về khoản tháng ${p.periodLabel}. Cán bộ UBND xã, phường sẽ kiểm tra và trả lời bạn tại đây.`,
          `Your report about ${p.periodLabel} was sent. The commune officer will check it and answer you here.`,
        ),
      };
    } catch (err) {
      next = { kind: 'error', text: errorText(err) };
    }
    await mePage(root, s, next);
    document.getElementById('me-message')?.focus();
  };
  mount(
    root,
    title(L('Tiền trợ cấp của tôi', 'My allowance')),
    flash &&
      h(
        'p',
        {
          id: 'me-message',
          tabindex: '-1',
          class: `notice ${flash.kind}`,
          role: flash.kind === 'error' ? 'alert' : 'status',
        },
        flash.text,
      ),
    !me.account &&
      notice(
        'info',
        L(
          'Bạn chưa có tài khoản an sinh xã hội. Hãy liên hệ UBND xã nơi bạn ở.',
          'You do not have a social security account yet. Contact your commune office.',
        ),
      ),
    me.account &&
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'acct-h' },
        h('h2', { id: 'acct-h' }, L('Tài khoản nhận tiền', 'Where your money goes')),
        h('p', null, `${loc(me.account.channelLabel)}${me.account.bankAccount ? ` · ${me.account.bankAccount}` : ''}`),
        h('p', null, `${L('Tình trạng', 'Status')}: ${loc(me.account.statusLabel)}`),
      ),
    latest &&
      h(
        'section',
        { class: `card latest ${TONE[latest.status] ?? ''}`, 'aria-labelledby': 'latest-h', id: 'latest-payment' },
        h('h2', { id: 'latest-h' }, `${L('Tháng', 'Month')} ${latest.periodLabel}`),
        h('p', { class: 'amount' }, money(latest.amountVnd)),
        h('p', { class: 'status' }, loc(latest.statusLabel), ` · ${latest.statusDate}`),
        latest.failure && h('p', null, `${L('Lý do', 'Reason')}: ${loc(latest.failure.reason)}`),
        h(
          'p',
          { class: 'next' },
          h('strong', null, `${L('Việc cần làm', 'What to do')}: `),
          loc(latest.nextStep ?? (TONE[latest.status] === 'wait' ? WAIT_HINT : null)) ||
            L('Không cần làm gì.', 'Nothing to do.'),
        ),
      ),
    mine.cases.length > 0 &&
      h(
        'section',
        { 'aria-labelledby': 'cases-h', id: 'my-cases' },
        h('h2', { id: 'cases-h' }, L('Khoản chưa đến tay bạn', 'Payments that did not reach you')),
        h(
          'ul',
          { class: 'history' },
          mine.cases.map((c) =>
            h(
              'li',
              {
                class: `card ${c.state === 'CLOSED' ? 'ok' : c.state === 'WRITTEN_OFF' ? 'bad' : 'wait'}`,
                'data-case-period': c.period,
              },
              h(
                'div',
                { class: 'row' },
                h('h3', null, `${L('Tháng', 'Month')} ${c.months.map(period).join(', ')}`),
                h('span', { class: 'amount' }, money(c.amount)),
              ),
              h('p', { class: 'status' }, loc(CASE_WORDS[c.state]) || loc(c.stateLabel)),
              h('p', null, `${L('Lý do', 'Reason')}: ${loc(c.reason)}`),
              c.nextStep &&
                c.state === 'OPEN' &&
                h('p', { class: 'next' }, h('strong', null, `${L('Việc cần làm', 'What to do')}: `), loc(c.nextStep)),
              h(
                'ol',
                { class: 'progress', 'aria-label': L('Tiến độ', 'Progress') },
                c.progress.map((p) => h('li', null, `${dateTime(p.at)} · ${loc(p.label)}`)),
              ),
            ),
          ),
        ),
      ),
    mine.messages.length > 0 &&
      h(
        'section',
        { 'aria-labelledby': 'msgs-h', id: 'my-messages' },
        h('h2', { id: 'msgs-h' }, L('Tin nhắn đã gửi cho bạn', 'Messages sent to you')),
        h(
          'ul',
          { class: 'history' },
          mine.messages.map((m) =>
            h('li', { class: 'card' }, h('p', { class: 'status' }, dateTime(m.at)), h('p', { lang: 'vi' }, m.text)),
          ),
        ),
      ),
    h(
      'section',
      { 'aria-labelledby': 'hist-h' },
      h('h2', { id: 'hist-h' }, L('Lịch sử chi trả', 'Payment history')),
      me.payments.length
        ? h(
            'ul',
            { class: 'history' },
            me.payments.map((p) =>
              h(
                'li',
                { class: `card ${TONE[p.status] ?? ''}` },
                h(
                  'div',
                  { class: 'row' },
                  h('strong', null, `${L('Tháng', 'Month')} ${p.periodLabel}`),
                  h('span', { class: 'amount' }, money(p.amountVnd)),
                ),
                h(
                  'p',
                  null,
                  loc(p.programmeName),
                  p.monthsLabel && p.monthsLabel !== p.periodLabel ? ` (${p.monthsLabel})` : '',
                  p.funeralSupport ? ` · ${L('gồm mai táng phí', 'includes funeral support')}` : '',
                ),
                h('p', { class: 'status' }, `${loc(p.statusLabel)} · ${p.statusDate}`),
                h('p', null, `${loc(p.channelLabel)}${p.bankAccount ? ` · ${p.bankAccount}` : ''}`),
                p.ageChange && h('p', { class: 'change' }, loc(p.ageChange)),
                p.failure && h('p', null, `${L('Lý do', 'Reason')}: ${loc(p.failure.reason)}`),
                p.nextStep &&
                  h('p', { class: 'next' }, h('strong', null, `${L('Việc cần làm', 'What to do')}: `), loc(p.nextStep)),
                p.status !== 'PENDING' &&
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary small',
                      'data-grievance': p.period,
                      'aria-label': `${L('Tôi chưa nhận được', 'I have not received it')} — ${L('tháng', 'month')} ${p.periodLabel}`,
                      onClick: (e: Event) => void report(p, e.currentTarget as HTMLButtonElement),
                    },
                    L('Tôi chưa nhận được', 'I have not received it'),
                  ),
              ),
            ),
          )
        : h('p', null, L('Chưa có khoản chi trả nào.', 'No payments yet.')),
    ),
    h(
      'p',
      { class: 'help' },
      L(
        'Cần hỗ trợ? Liên hệ cán bộ chính sách tại UBND xã nơi bạn ở.',
        'Need help? Contact the social policy officer at your commune office.',
      ),
    ),
  );
}
