/**
 * `#/trace/<paymentId>`: one payment as a timeline, from the list row that enrolled the person to the bank line
 * that booked it, the case and what the person was told (GET /v1/payments/{id}/trace). Reached from a case, a
 * statement line, a reconciliation's payment list. The API masks the identity number and bank accounts and sends
 * no name; a step with nothing recorded says so, so a gap in the trail shows.
 */
import { api } from '../api.js';
import { type Child, h, mount } from '../h.js';
import { date, dateTime, L, loc, money, period } from '../i18n.js';
import { hasRole, type Session } from '../session.js';
import { errorText, notice, table, title } from '../ui.js';
import { CASE_STATE } from './cases.js';
import { PAYMENT_STATE } from './finance.js';

// biome-ignore lint/suspicious/noExplicitAny: a step's fields are as trace-model.ts builds them; its renderer below reads its own.
type Fields = Record<string, any>;
type Step = Fields & { step: string; recorded: boolean };
interface Trace {
  paymentId: string;
  period: string;
  programme: string;
  socialAccount: string;
  amount: number;
  state: string;
  channel: string;
  creditorAccount?: string;
  steps: Step[];
}

const TITLES: Record<string, { vi: string; en: string }> = {
  LIST_ROW: { vi: 'Danh sách và dòng ghi danh', en: 'Enrolling list and row' },
  ACCOUNT: { vi: 'Tài khoản và các thay đổi', en: 'Account and its changes' },
  ENTITLEMENT: { vi: 'Các dòng hưởng', en: 'Entitlement lines' },
  CYCLE: { vi: 'Kỳ chi trả và phê duyệt', en: 'Cycle and approval' },
  PAIN001: { vi: 'Lệnh chuyển tiền pain.001', en: 'pain.001 message and block' },
  STATUSES: { vi: 'Các trạng thái', en: 'Statuses' },
  STATEMENT_LINES: { vi: 'Dòng sao kê', en: 'Statement lines' },
  RECONCILIATION: { vi: 'Kết quả đối soát', en: 'Reconciliation outcome' },
  CASE: { vi: 'Hồ sơ xử lý', en: 'Case' },
  NOTIFICATIONS: { vi: 'Thông báo cho người hưởng', en: 'Notifications to the beneficiary' },
};

const SOURCE: Record<string, { vi: string; en: string }> = {
  'bank-callback': { vi: 'ngân hàng gọi lại', en: 'bank callback' },
  'bank-query': { vi: 'hỏi ngân hàng', en: 'bank query' },
  pain002: { vi: 'pain.002', en: 'pain.002' },
};

/** `key: value` pairs, ISO times shown dd/mm/yyyy hh:mm. */
function pairs(rows: [string, Child][]): Child {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  if (!shown.length) return null;
  return h(
    'dl',
    { class: 'facts' },
    shown.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
}

const when = (iso: unknown) => (typeof iso === 'string' ? (/T/.test(iso) ? dateTime(iso) : date(iso)) : '');
const traceLink = (paymentId: string) => h('a', { href: `#/trace/${paymentId}` }, paymentId);

function stepBody(st: Step, s: Session): Child {
  const officer = hasRole(s, 'labor_officer');
  const finance = hasRole(s, 'finance_preparer', 'finance_approver', 'auditor');
  switch (st.step) {
    case 'LIST_ROW':
      return pairs([
        [
          L('Danh sách', 'List'),
          st.listId && (officer ? h('a', { href: `#/lists/${st.listId}` }, st.listId) : st.listId),
        ],
        [L('Dòng', 'Row'), st.line],
        [L('Tệp', 'File'), st.fileName],
        [L('Ngày tải lên', 'Uploaded'), when(st.uploadedAt)],
        [L('Kết quả', 'Outcome'), st.outcome],
        [L('Đối tượng', 'Category'), st.categoryCode],
        [L('Ngày quyết định', 'Decision date'), when(st.decisionDate)],
      ]);
    case 'ACCOUNT':
      return [
        pairs([
          [L('Tài khoản an sinh', 'Social account'), st.accountNumber],
          [L('Số định danh', 'Identity number'), h('span', { class: 'masked' }, st.identityNumber)],
          [L('Tình trạng', 'Status'), st.status],
          [
            L('Cách nhận tiền', 'Paid through'),
            st.paymentMethod &&
              [
                st.paymentMethod.kind,
                st.paymentMethod.bankBin,
                st.paymentMethod.bankAccount,
                st.paymentMethod.communeCode,
              ]
                .filter(Boolean)
                .join(' · '),
          ],
        ]),
        !!st.changes?.length &&
          table(
            L('Các thay đổi tài khoản', 'Account changes'),
            [L('Thời gian', 'Time'), L('Thay đổi', 'Change'), L('Người làm', 'By'), L('Chi tiết', 'Detail')],
            st.changes.map((c: Fields) => [
              when(c.at),
              c.action,
              c.by ?? '',
              [
                c.reason,
                c.after && `→ ${[c.after.kind, c.after.bankBin, c.after.bankAccount].filter(Boolean).join(' ')}`,
                c.listId && `${c.listId} #${c.line}`,
              ]
                .filter(Boolean)
                .join(' · '),
            ]),
          ),
      ];
    case 'ENTITLEMENT':
      return [
        pairs([
          [L('Các tháng', 'Months'), (st.months ?? []).map(period).join(', ')],
          [L('Số tiền', 'Amount'), money(st.amount)],
          [L('Phiên bản quy định', 'Rules version'), st.rulesVersion],
        ]),
        !!st.lines?.length &&
          table(
            L('Dòng hưởng', 'Entitlement lines'),
            [L('Tháng', 'Month'), L('Loại', 'Kind'), L('Đối tượng', 'Category'), L('Số tiền', 'Amount')],
            st.lines.map((l: Fields) => [period(l.month), l.kind, l.categoryCode ?? '', money(l.amount)]),
            { numeric: [3] },
          ),
      ];
    case 'CYCLE':
      return [
        pairs([
          [
            L('Kỳ chi trả', 'Cycle'),
            st.cycleId && (finance ? h('a', { href: `#/cycles/${st.cycleId}` }, st.cycleId) : st.cycleId),
          ],
          [
            L('Loại kỳ', 'Kind'),
            st.kind === 'SUPPLEMENTARY' ? L('Bổ sung (chi lại)', 'Supplementary (re-issue)') : st.kind,
          ],
          [L('Chi lại cho khoản', 'Replaces payment'), st.replaces && traceLink(st.replaces)],
          [L('Lập bởi', 'Created by'), st.createdBy],
          [L('Gửi duyệt bởi', 'Submitted by'), st.submittedBy],
          [L('Phê duyệt bởi', 'Approved by'), st.approvedBy],
          [L('Phê duyệt lúc', 'Approved at'), when(st.approvedAt)],
          [L('Mã băm đã duyệt', 'Approved hash'), st.approvedHash && h('code', { class: 'hash' }, st.approvedHash)],
        ]),
      ];
    case 'PAIN001':
      return pairs([
        ['MsgId', st.msgId],
        ['PmtInfId', st.paymentInfoId],
        ['EndToEndId', st.endToEndId],
        [L('Lô', 'Chunk'), st.chunk],
      ]);
    case 'STATUSES':
      return table(
        L('Các trạng thái theo thứ tự', 'Statuses in order'),
        ['#', L('Trạng thái', 'State'), L('Thời gian', 'Time'), L('Nguồn', 'Source'), L('Mã ngân hàng', 'Bank code')],
        (st.statuses ?? []).map((x: Fields) => [
          x.seq,
          loc(PAYMENT_STATE[x.state]) || x.state,
          when(x.at),
          loc(SOURCE[x.source]) || x.source || '',
          [x.bankStatus, x.reason].filter(Boolean).join(' '),
        ]),
      );
    case 'STATEMENT_LINES':
      return table(
        L('Dòng sao kê', 'Statement lines'),
        [
          L('Sao kê', 'Statement'),
          L('Dòng', 'Line'),
          L('Kết quả', 'Outcome'),
          L('Số tiền', 'Amount'),
          L('Ngày hạch toán', 'Booked'),
        ],
        (st.lines ?? []).map((l: Fields) => [
          finance ? h('a', { href: `#/statements/${l.importId}` }, l.importId) : l.importId,
          l.position,
          l.outcome,
          money(l.amount),
          when(l.bookingDate),
        ]),
      );
    case 'RECONCILIATION':
      return pairs([[L('Kết quả', 'Outcome'), st.outcome]]);
    case 'CASE':
      return [
        pairs([
          [L('Hồ sơ', 'Case'), st.caseId && h('a', { href: `#/cases/${st.caseId}`, id: 'trace-case' }, st.caseId)],
          [L('Trạng thái', 'State'), loc(CASE_STATE[st.state]) || st.state],
          [L('Lý do', 'Reason'), st.reason && `${loc(st.reason)} (${st.reasonCode})`],
          [L('Khoản chi lại', 'Re-issued as'), st.reissue && traceLink(st.reissue.paymentId)],
        ]),
        !!st.actions?.length &&
          h(
            'ol',
            { class: 'case-actions' },
            st.actions.map((a: Fields) => h('li', null, `${when(a.at)} · ${a.kind}${a.note ? ` · ${a.note}` : ''}`)),
          ),
      ];
    case 'NOTIFICATIONS':
      return table(
        L('Tin đã gửi', 'Messages'),
        [L('Thời gian', 'Time'), L('Kênh', 'Channel'), L('Tình trạng', 'Status'), L('Nội dung', 'Text')],
        (st.messages ?? []).map((m: Fields) => [
          when(m.sentAt ?? m.createdAt),
          m.channel,
          `${m.status}${m.suppressedBecause ? ` (${m.suppressedBecause})` : ''}`,
          m.text,
        ]),
      );
    default:
      return null;
  }
}

export async function tracePage(root: HTMLElement, s: Session, paymentId: string): Promise<void> {
  mount(root, title(L('Truy vết khoản chi', 'Payment trace')), notice('info', L('Đang tải…', 'Loading…')));
  let t: Trace;
  try {
    t = await api<Trace>('GET', `/v1/payments/${encodeURIComponent(paymentId)}/trace`);
  } catch (err) {
    mount(root, title(L('Truy vết khoản chi', 'Payment trace')), notice('error', errorText(err)));
    return;
  }
  mount(
    root,
    title(`${L('Truy vết khoản chi', 'Payment trace')} ${t.paymentId}`),
    h(
      'dl',
      { class: 'kpis' },
      h('div', null, h('dt', null, L('Tháng', 'Month')), h('dd', null, period(t.period))),
      h('div', null, h('dt', null, L('Số tiền', 'Amount')), h('dd', null, money(t.amount))),
      h(
        'div',
        null,
        h('dt', null, L('Trạng thái', 'State')),
        h('dd', { id: 'trace-state' }, loc(PAYMENT_STATE[t.state]) || t.state),
      ),
      t.creditorAccount &&
        h('div', null, h('dt', null, L('Tài khoản nhận', 'Paid to')), h('dd', null, t.creditorAccount)),
    ),
    h(
      'ol',
      { class: 'timeline', id: 'trace-steps' },
      t.steps.map((st, i) =>
        h(
          'li',
          { class: st.recorded ? 'done' : 'missing', 'data-step': st.step },
          h(
            'h2',
            null,
            `${i + 1}. ${loc(TITLES[st.step]) || st.step}`,
            !st.recorded && h('span', { class: 'sub' }, ` — ${L('chưa có', 'none')}`),
          ),
          stepBody(st, s),
        ),
      ),
    ),
  );
}
