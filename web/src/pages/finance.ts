/** Finance officers: create a cycle, review and submit its totals, approve it as another officer, follow dispatch. */
import { ApiError, api } from '../api.js';
import { barChart } from '../charts.js';
import { type Child, h, mount } from '../h.js';
import { count, date, dateTime, L, loc, money, period } from '../i18n.js';
import { pagedList, statusOptions } from '../listing.js';
import { hasRole, type RoleId, roleLabel, type Session } from '../session.js';
import { button, errorText, notice, poll, table, title } from '../ui.js';

const ROLE_NAMES = new Set(['labor_officer', 'finance_preparer', 'finance_approver', 'auditor', 'beneficiary']);

export const CYCLE_STATUS: Record<string, { vi: string; en: string }> = {
  COMPUTING: { vi: 'Đang tính toán', en: 'Computing' },
  DRAFT: { vi: 'Bản nháp, chờ gửi duyệt', en: 'Draft, to submit' },
  SUBMITTED: { vi: 'Đã gửi, chờ phê duyệt', en: 'Submitted, awaiting approval' },
  APPROVED: { vi: 'Đã phê duyệt', en: 'Approved' },
  DISPATCHING: { vi: 'Đang chuyển tiền', en: 'Dispatching' },
  COLLECTING: { vi: 'Đang nhận kết quả từ ngân hàng', en: 'Collecting bank statuses' },
  CLOSED: { vi: 'Đã kết thúc', en: 'Closed' },
  FAILED: { vi: 'Thất bại', en: 'Failed' },
};

export const PAYMENT_STATE: Record<string, { vi: string; en: string }> = {
  PENDING: { vi: 'Chờ gửi', en: 'Pending' },
  SENT: { vi: 'Đã gửi ngân hàng', en: 'Sent' },
  ACCEPTED: { vi: 'Ngân hàng đã nhận', en: 'Accepted' },
  SETTLED: { vi: 'Đã chi trả', en: 'Settled' },
  REJECTED: { vi: 'Bị từ chối', en: 'Rejected' },
  RETURNED: { vi: 'Bị trả lại', en: 'Returned' },
  UNKNOWN: { vi: 'Chưa rõ kết quả', en: 'Unknown' },
  NOT_SENT: { vi: 'Không gửi đi (hết hạn chốt)', en: 'Not sent (cut-off)' },
};

/** Closing rows beside the payment states: approved payments whose chunk never reached the ledger. */
const NOT_DISPATCHED = { vi: 'Chưa chuyển đi (không có bản ghi)', en: 'Never dispatched (no record)' };

/** States (and closing rows) with nothing more to wait for in this cycle. */
const ANSWERED = ['SETTLED', 'REJECTED', 'RETURNED', 'UNKNOWN', 'NOT_SENT', 'notDispatched'];

const CHANNEL: Record<string, { vi: string; en: string }> = {
  BANK: { vi: 'Ngân hàng', en: 'Bank' },
  POST_OFFICE: { vi: 'Bưu điện', en: 'Post office' },
};
const KIND: Record<string, { vi: string; en: string }> = {
  MONTHLY: { vi: 'Hằng tháng', en: 'Monthly' },
  ARREARS: { vi: 'Truy lĩnh', en: 'Arrears' },
  ADVANCE: { vi: 'Chi trước', en: 'Advance' },
  FUNERAL: { vi: 'Mai táng phí', en: 'Funeral support' },
};

/** Why the population registry check held a payee (functions/disbursement-cycles/registry-check.ts). */
const HELD_REASON: Record<string, { vi: string; en: string }> = {
  NOT_IN_REGISTRY: { vi: 'Không còn trong CSDL quốc gia về dân cư', en: 'No longer in the population registry' },
  DEATH_DATE_UNKNOWN: { vi: 'Đã mất, chưa rõ ngày mất', en: 'Deceased, date of death unknown' },
};

interface Row {
  key: string;
  people: number;
  lines: number;
  amount: number;
}
/** Why a cycle failed, in plain words, for the errors a person can act on. */
const FAILURES: Record<string, { vi: string; en: string }> = {
  RegistryUnavailable: {
    vi: 'CSDL quốc gia về dân cư không trả lời nên chưa thể kiểm tra người hưởng. Hãy tính lại khi kết nối ổn định.',
    en: 'The population registry did not answer, so payees could not be checked. Compute again once it does.',
  },
  RegistryCircuitOpen: {
    vi: 'CSDL quốc gia về dân cư không trả lời nên chưa thể kiểm tra người hưởng. Hãy tính lại khi kết nối ổn định.',
    en: 'The population registry did not answer, so payees could not be checked. Compute again once it does.',
  },
  RUN_ABORTED: { vi: 'Quy trình chi trả đã bị dừng thủ công.', en: 'The disbursement run was stopped by hand.' },
  RUN_ABANDONED: {
    vi: 'Quy trình chi trả dừng giữa chừng nhiều lần.',
    en: 'The disbursement run ended early too many times.',
  },
};

interface Cycle {
  cycleId: string;
  kind?: string;
  period: string;
  months: string[];
  jurisdiction: string;
  status: string;
  createdBy: string;
  createdAt: string;
  contentHash?: string;
  ruleVersion?: string;
  totals?: {
    people: number;
    payees: number;
    amount: number;
    byCategory: Row[];
    byCommune: Row[];
    byChannel: Row[];
    byKind: Row[];
    /** Changes by age taking effect this month (absent from older drafts). */
    byAgeChange?: { key: string; from: string; to?: string; people: number }[];
    /** Payees not paid because of the population registry check (absent from older drafts). */
    held?: { people: number; amount: number; byReason: { reason: string; people: number; amount: number }[] };
  };
  submittedBy?: string;
  submittedHash?: string;
  approvedBy?: string;
  approvedHash?: string;
  approvedAt?: string;
  failure?: { error: string; cause?: string };
  closing?: Record<string, { count: number; amount: number }> & { balanced?: { count: boolean; amount: boolean } };
  progress?: { chunks: number; chunksDispatched: number; byState: Record<string, number> };
  audit?: { at: string; action: string; role: string }[];
}

const PROGRAMME = 'tcxh_hang_thang';
export const cycleIdOf = (p: string, jurisdiction: string) => `dc-${PROGRAMME}-${p}-${jurisdiction}`;

export function previousPeriod(p: string): string {
  const [y, m] = p.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function thisMonth(): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
  }).format(new Date());
  return parts.slice(0, 7);
}

interface CycleSummary {
  cycleId: string;
  createdAt: string;
  status: string;
  programme: string;
  period: string;
  payees?: number;
  amount?: number;
}

/** `#/cycles`: create a cycle (preparer); the cycles of the jurisdiction (an auditor picks one), by month and status. */
export function cyclesPage(root: HTMLElement, s: Session): void {
  const message = h('div');
  const create = async (ev: Event) => {
    ev.preventDefault();
    const p = (document.getElementById('period') as HTMLInputElement).value;
    const kind = (document.getElementById('cycle-kind') as HTMLSelectElement).value;
    if (!/^\d{4}-\d{2}$/.test(p))
      return mount(message, notice('error', L('Hãy chọn tháng (mm/yyyy).', 'Choose a month.')));
    try {
      const cycle = await api<Cycle>('POST', '/v1/disbursement-cycles', {
        period: p,
        ...(kind === 'SUPPLEMENTARY' ? { kind } : {}),
      });
      location.hash = `#/cycles/${cycle.cycleId}`;
    } catch (err) {
      mount(message, notice('error', errorText(err)));
    }
  };
  mount(
    root,
    title(L('Kỳ chi trả', 'Payment cycles')),
    hasRole(s, 'finance_preparer') &&
      h(
        'section',
        { 'aria-labelledby': 'new-h' },
        h('h2', { id: 'new-h' }, L('Lập kỳ chi trả', 'Create a cycle')),
        h(
          'form',
          { onSubmit: create },
          h('label', { for: 'period' }, L('Tháng chi trả', 'Month to pay')),
          h('input', { id: 'period', type: 'month', required: true, value: thisMonth() }),
          h('label', { for: 'cycle-kind' }, L('Loại kỳ', 'Kind of cycle')),
          h(
            'select',
            { id: 'cycle-kind', 'aria-describedby': 'cycle-kind-help' },
            h('option', { value: 'MONTHLY' }, L('Hằng tháng', 'Monthly')),
            h('option', { value: 'SUPPLEMENTARY' }, L('Bổ sung: chi lại khoản chưa đến', 'Supplementary: re-issue')),
          ),
          h(
            'p',
            { id: 'cycle-kind-help', class: 'help' },
            L(
              'Kỳ bổ sung chi lại trong tháng các khoản bị từ chối, trả lại hoặc không gửi được mà cán bộ đã xử lý hồ sơ.',
              'A supplementary cycle re-issues within the month the failed payments whose case an officer has acted on.',
            ),
          ),
          h('button', { type: 'submit', id: 'create-cycle' }, L('Lập kỳ chi trả', 'Create cycle')),
        ),
        message,
      ),
    h(
      'section',
      { 'aria-labelledby': 'list-h' },
      h('h2', { id: 'list-h' }, L('Các kỳ chi trả', 'Cycles')),
      pagedList<CycleSummary>(s, {
        id: 'cycles',
        path: '/v1/disbursement-cycles',
        caption: L('Kỳ chi trả, mới nhất trước', 'Cycles, newest first'),
        head: [
          L('Tháng', 'Month'),
          L('Trạng thái', 'Status'),
          L('Người hưởng', 'Payees'),
          L('Tổng tiền', 'Total'),
          L('Ngày lập', 'Created'),
        ],
        numeric: [2, 3],
        row: (c) => [
          h('a', { href: `#/cycles/${c.cycleId}`, 'data-cycle': c.cycleId }, `${period(c.period)} · ${c.programme}`),
          loc(CYCLE_STATUS[c.status]) || c.status,
          c.payees === undefined ? '' : count(c.payees),
          c.amount === undefined ? '' : money(c.amount),
          date(c.createdAt),
        ],
        filters: [
          { name: 'period', label: L('Tháng', 'Month'), month: true },
          { name: 'status', label: L('Trạng thái', 'Status'), options: statusOptions(CYCLE_STATUS) },
        ],
      }),
    ),
  );
}

function totalsTable(caption: string, rows: Row[], label: (k: string) => string, previous?: Row[]) {
  const prev = new Map((previous ?? []).map((r) => [r.key, r]));
  return table(
    caption,
    [
      L('Nhóm', 'Group'),
      L('Số người', 'People'),
      L('Số tiền', 'Amount'),
      ...(previous ? [L('So với tháng trước', 'vs last month')] : []),
    ],
    rows.map((r) => {
      const before = prev.get(r.key)?.amount ?? 0;
      const delta = r.amount - before;
      return [
        label(r.key),
        count(r.people),
        money(r.amount),
        ...(previous ? [delta === 0 ? '—' : `${delta > 0 ? '+' : '−'}${money(Math.abs(delta))}`] : []),
      ];
    }),
    { numeric: [1, 2, 3] },
  );
}

/** `#/cycles/<id>`: the draft, maker-checker, live dispatch, the closing. */
export function cyclePage(root: HTMLElement, s: Session, cycleId: string): () => void {
  let cycle: Cycle | undefined;
  let previous: Cycle | null | undefined;
  let shown = '';
  let error = '';
  let confirmed = false;
  let busy = false;

  const act = async (action: 'submit' | 'approve', hash: string) => {
    busy = true;
    render();
    try {
      await api('POST', `/v1/disbursement-cycles/${cycleId}/${action}`, { contentHash: hash });
      error = '';
      cycle = await api<Cycle>('GET', `/v1/disbursement-cycles/${cycleId}`);
    } catch (err) {
      error = errorText(err);
    }
    busy = false;
    render();
  };

  const retry = async () => {
    busy = true;
    render();
    try {
      await api('POST', `/v1/disbursement-cycles/${cycleId}/retry`);
      // The page stopped following a failed cycle: open it again to follow the new run.
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      error = errorText(err);
      busy = false;
      render();
    }
  };

  /** Why the cycle failed, and, before approval (nothing paid), the preparer's way to run it again. */
  function failed(c: Cycle): Child {
    if (c.status !== 'FAILED') return null;
    return h(
      'section',
      { 'aria-labelledby': 'failed-h', class: 'panel', id: 'failed-panel' },
      h('h2', { id: 'failed-h' }, L('Kỳ chi trả bị lỗi', 'The cycle failed')),
      h(
        'p',
        { id: 'failure' },
        loc(FAILURES[c.failure?.error ?? '']) ||
          L('Lỗi không lường trước; xem chi tiết bên dưới.', 'An unexpected error; see the detail below.'),
      ),
      h('p', { class: 'meta' }, `${c.failure?.error ?? ''}${c.failure?.cause ? `: ${c.failure.cause}` : ''}`),
      c.approvedAt
        ? h(
            'p',
            null,
            L(
              'Kỳ đã được duyệt nên có thể đã chi một phần: không chạy lại. Khoản chưa chi sẽ được truy lĩnh ở kỳ sau.',
              'It was approved and may have paid some people: it is not run again. What it did not pay is owed in the next cycle.',
            ),
          )
        : hasRole(s, 'finance_preparer') &&
            button(L('Tính lại kỳ chi trả', 'Compute the cycle again'), () => void retry(), {
              id: 'retry-cycle',
              ...(busy ? { disabled: '' } : {}),
            }),
    );
  }

  function makerChecker(c: Cycle): Child {
    const t = c.totals;
    if (!t) return null;
    if (c.status === 'DRAFT' && hasRole(s, 'finance_preparer')) {
      return h(
        'section',
        { 'aria-labelledby': 'mc-h', class: 'panel' },
        h('h2', { id: 'mc-h' }, L('Gửi duyệt', 'Submit for approval')),
        h(
          'p',
          null,
          L('Bạn gửi đúng nội dung có mã băm:', 'You submit exactly the content with hash:'),
          ' ',
          h('code', { class: 'hash' }, c.contentHash ?? ''),
        ),
        button(L('Gửi phê duyệt', 'Submit for approval'), () => void act('submit', c.contentHash ?? ''), {
          id: 'submit-cycle',
          ...(busy ? { disabled: '' } : {}),
        }),
      );
    }
    if (c.status === 'SUBMITTED' && hasRole(s, 'finance_approver')) {
      const own = c.submittedBy === s.subject;
      return h(
        'section',
        { 'aria-labelledby': 'mc-h', class: 'panel', id: 'approval-panel' },
        h('h2', { id: 'mc-h' }, L('Phê duyệt', 'Approve')),
        h('p', null, L('Bạn đang phê duyệt chính xác nội dung sau:', 'You are approving exactly this content:')),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, L('Mã băm nội dung', 'Content hash')),
          h('dd', null, h('code', { class: 'hash', id: 'approve-hash' }, c.submittedHash ?? '')),
          h('dt', null, L('Số người hưởng', 'Payees')),
          h('dd', { id: 'approve-payees' }, count(t.payees)),
          h('dt', null, L('Tổng số tiền', 'Total amount')),
          h('dd', { id: 'approve-amount' }, money(t.amount)),
          h('dt', null, L('Phiên bản quy định', 'Rules version')),
          h('dd', null, c.ruleVersion ?? ''),
          t.byChannel.map((r) => [
            h('dt', null, loc(CHANNEL[r.key]) || r.key),
            h('dd', null, `${count(r.people)} · ${money(r.amount)}`),
          ]),
        ),
        c.submittedHash !== c.contentHash &&
          notice(
            'error',
            L(
              'Nội dung đã thay đổi sau khi gửi; không thể phê duyệt.',
              'The content changed after submission; it cannot be approved.',
            ),
          ),
        own
          ? notice(
              'error',
              L('Bạn đã lập kỳ này nên không thể tự phê duyệt.', 'You prepared this cycle, so you cannot approve it.'),
            )
          : [
              h(
                'div',
                { class: 'check' },
                h('input', {
                  type: 'checkbox',
                  id: 'confirm-approve',
                  ...(confirmed ? { checked: true } : {}),
                  onChange: (e: Event) => {
                    confirmed = (e.target as HTMLInputElement).checked;
                    const approve = document.getElementById('approve-cycle') as HTMLButtonElement | null;
                    if (approve) approve.disabled = !confirmed || busy;
                  },
                }),
                h(
                  'label',
                  { for: 'confirm-approve' },
                  L(
                    'Tôi đã kiểm tra số người, số tiền và mã băm ở trên',
                    'I have checked the payees, amount and hash above',
                  ),
                ),
              ),
              button(L('Phê duyệt chi trả', 'Approve payment'), () => void act('approve', c.submittedHash ?? ''), {
                id: 'approve-cycle',
                ...(!confirmed || busy ? { disabled: '' } : {}),
              }),
            ],
      );
    }
    return null;
  }

  function dispatch(c: Cycle): Child {
    if (!['APPROVED', 'DISPATCHING', 'COLLECTING', 'CLOSED'].includes(c.status)) return null;
    const payees = c.totals?.payees ?? 0;
    const rows: Record<string, { vi: string; en: string }> = {
      ...PAYMENT_STATE,
      ...(c.closing?.notDispatched?.count ? { notDispatched: NOT_DISPATCHED } : {}),
    };
    const states = c.closing
      ? Object.fromEntries(Object.keys(rows).map((k) => [k, c.closing?.[k]?.count ?? 0]))
      : (c.progress?.byState ?? {});
    const answered = ANSWERED.reduce((n, k) => n + (states[k] ?? 0), 0);
    return h(
      'section',
      { 'aria-labelledby': 'disp-h' },
      h('h2', { id: 'disp-h' }, L('Chuyển tiền', 'Dispatch')),
      h(
        'div',
        { class: 'progress-row' },
        h('progress', {
          id: 'dispatch-progress',
          max: String(Math.max(payees, 1)),
          value: String(answered),
          'aria-label': L('Tiến độ chi trả', 'Payment progress'),
        }),
        h(
          'span',
          { role: 'status', id: 'dispatch-status' },
          `${count(answered)}/${count(payees)} ${L('khoản đã có kết quả', 'payments answered')}`,
        ),
      ),
      c.progress &&
        h('p', null, `${L('Lô đã gửi', 'Chunks sent')}: ${c.progress.chunksDispatched}/${c.progress.chunks}`),
      table(
        L('Khoản chi theo trạng thái', 'Payments by state'),
        [L('Trạng thái', 'State'), L('Số khoản', 'Payments'), ...(c.closing ? [L('Số tiền', 'Amount')] : [])],
        Object.entries(rows).map(([k, label]) => [
          loc(label),
          count(states[k] ?? 0),
          ...(c.closing ? [money(c.closing[k]?.amount ?? 0)] : []),
        ]),
        { numeric: [1, 2] },
      ),
      c.closing &&
        (c.closing.balanced?.count && c.closing.balanced.amount
          ? notice(
              'ok',
              L(
                'Đã kết thúc: khớp với số đã phê duyệt (số khoản và số tiền).',
                'Closed: balances with the approval (count and amount).',
              ),
            )
          : notice(
              'error',
              L(
                'Đã kết thúc nhưng không khớp với số đã phê duyệt.',
                'Closed, but it does not balance with the approval.',
              ),
            )),
      c.closing?.notFinal?.count
        ? notice(
            'error',
            `${count(c.closing.notFinal.count)} ${L(
              'khoản chưa có kết quả cuối cùng khi kết thúc kỳ (chưa rõ hoặc không gửi đi): cần kiểm tra.',
              'payments had no final answer at the close (unknown or never sent): to be checked.',
            )}`,
          )
        : null,
      c.status === 'CLOSED' &&
        h(
          'p',
          null,
          h(
            'a',
            { href: `#/reconciliation/${c.cycleId}`, id: 'to-reconciliation' },
            L('Xem đối soát của kỳ này →', 'See this cycle’s reconciliation →'),
          ),
        ),
    );
  }

  function render() {
    if (!cycle) {
      mount(
        root,
        title(L('Kỳ chi trả', 'Payment cycle')),
        error ? notice('error', error) : notice('info', L('Đang tải…', 'Loading…')),
      );
      return;
    }
    const c = cycle;
    const t = c.totals;
    const prevT = previous?.totals;
    mount(
      root,
      title(
        `${c.kind === 'SUPPLEMENTARY' ? L('Kỳ chi bổ sung', 'Supplementary cycle') : L('Kỳ chi trả', 'Payment cycle')} ${period(c.period)}`,
      ),
      h('p', { class: 'meta' }, `${c.cycleId} · ${L('Tỉnh/xã', 'Jurisdiction')} ${c.jurisdiction}`),
      c.kind === 'SUPPLEMENTARY' &&
        h(
          'p',
          { class: 'help', id: 'cycle-kind' },
          L(
            'Chi lại các khoản chưa đến của tháng này (mỗi khoản một mã EndToEndId mới, ghi khoản nó thay thế); lập và duyệt bởi hai người như mọi kỳ.',
            'Re-issues this month’s payments that did not arrive (each a new EndToEndId recording the payment it replaces); prepared and approved by two people like any cycle.',
          ),
        ),
      h(
        'p',
        null,
        h('strong', null, `${L('Trạng thái', 'Status')}: `),
        h('span', { id: 'cycle-status', role: 'status' }, loc(CYCLE_STATUS[c.status]) || c.status),
      ),
      error && notice('error', error),
      t &&
        h(
          'section',
          { 'aria-labelledby': 'tot-h' },
          h('h2', { id: 'tot-h' }, L('Tổng hợp', 'Totals')),
          h(
            'dl',
            { class: 'kpis' },
            h('div', null, h('dt', null, L('Người hưởng', 'Payees')), h('dd', { id: 'total-payees' }, count(t.payees))),
            h('div', null, h('dt', null, L('Tổng tiền', 'Total')), h('dd', { id: 'total-amount' }, money(t.amount))),
            prevT &&
              h(
                'div',
                null,
                h('dt', null, L('So với tháng trước', 'vs last month')),
                h('dd', null, `${t.amount - prevT.amount >= 0 ? '+' : '−'}${money(Math.abs(t.amount - prevT.amount))}`),
              ),
          ),
          t.held &&
            t.held.people > 0 &&
            h(
              'p',
              { id: 'total-held', class: 'help' },
              h(
                'strong',
                null,
                `${L('Tạm giữ, không chi', 'Held, not paid')}: ${count(t.held.people)} · ${money(t.held.amount)} — `,
              ),
              t.held.byReason
                .map((r) => `${loc(HELD_REASON[r.reason]) || r.reason}: ${count(r.people)} (${money(r.amount)})`)
                .join('; '),
            ),
          previous === null &&
            c.kind !== 'SUPPLEMENTARY' &&
            h(
              'p',
              { class: 'help' },
              L('Tháng trước chưa có kỳ chi trả để so sánh.', 'No cycle last month to compare with.'),
            ),
          barChart(
            L('Số tiền theo đối tượng', 'Amount by category'),
            t.byCategory.map((r) => ({ label: r.key, value: r.amount, text: money(r.amount) })),
          ),
          totalsTable(L('Theo đối tượng', 'By category'), t.byCategory, (k) => k, prevT?.byCategory),
          totalsTable(L('Theo xã/phường', 'By commune'), t.byCommune, (k) => k, prevT?.byCommune),
          totalsTable(L('Theo kênh chi trả', 'By channel'), t.byChannel, (k) => loc(CHANNEL[k]) || k, prevT?.byChannel),
          totalsTable(L('Theo loại khoản', 'By kind'), t.byKind, (k) => loc(KIND[k]) || k, prevT?.byKind),
          !!t.byAgeChange?.length &&
            table(
              L('Thay đổi theo tuổi từ tháng này', 'Changes by age from this month'),
              [L('Thay đổi', 'Change'), L('Số người', 'People')],
              t.byAgeChange.map((r) => [`${r.from} → ${r.to ?? L('thôi hưởng', 'ends')}`, count(r.people)]),
              { numeric: [1] },
            ),
        ),
      failed(c),
      makerChecker(c),
      c.approvedBy &&
        h(
          'p',
          { class: 'notice ok' },
          `${L('Đã phê duyệt lúc', 'Approved at')} ${dateTime(c.approvedAt)} · ${L('mã băm', 'hash')} `,
          h('code', { class: 'hash' }, c.approvedHash ?? ''),
        ),
      dispatch(c),
      !!c.audit?.length &&
        table(
          L('Nhật ký', 'Audit trail'),
          [L('Thời gian', 'Time'), L('Thao tác', 'Action'), L('Vai trò', 'Role')],
          c.audit.map((a) => [
            dateTime(a.at),
            a.action,
            ROLE_NAMES.has(a.role) ? loc(roleLabel(a.role as RoleId)) : a.role,
          ]),
        ),
    );
  }

  render();
  return poll(async () => {
    try {
      const next = await api<Cycle>('GET', `/v1/disbursement-cycles/${cycleId}`);
      cycle = next;
      error = '';
      if (previous === undefined && next.kind === 'SUPPLEMENTARY') previous = null;
      if (previous === undefined) {
        previous = await api<Cycle>(
          'GET',
          `/v1/disbursement-cycles/${cycleIdOf(previousPeriod(next.period), next.jurisdiction)}`,
        ).catch(() => null);
      }
    } catch (err) {
      error = errorText(err);
      render();
      return err instanceof ApiError && [403, 404].includes(err.status);
    }
    const { audit: _a, ...key } = cycle;
    const snapshot = JSON.stringify(key);
    if (snapshot !== shown) {
      shown = snapshot;
      render();
    }
    return ['CLOSED', 'FAILED'].includes(cycle.status);
  }, 1500);
}
