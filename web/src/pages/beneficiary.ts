/** Beneficiary: my payments, newest first, in plain words, with what to do next. Mobile first. */
import { api } from '../api.js';
import { h, mount } from '../h.js';
import { L, loc, money } from '../i18n.js';
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

const WAIT_HINT: Localized = {
  vi: 'Tiền đang trên đường đến. Bạn không cần làm gì.',
  en: 'The money is on its way. You do not need to do anything.',
};

export async function mePage(root: HTMLElement, _s: Session): Promise<void> {
  mount(root, title(L('Tiền trợ cấp của tôi', 'My allowance')), notice('info', L('Đang tải…', 'Loading…')));
  let me: MyPayments;
  try {
    me = await api<MyPayments>('GET', '/v1/me/payments');
  } catch (err) {
    mount(root, title(L('Tiền trợ cấp của tôi', 'My allowance')), notice('error', errorText(err)));
    return;
  }
  const [latest] = me.payments;
  mount(
    root,
    title(L('Tiền trợ cấp của tôi', 'My allowance')),
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
