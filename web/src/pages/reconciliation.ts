/** Finance officers: load a bank statement, follow its reconciliation, drill into each mismatch, export; the cycle dashboard. */
import { ApiError, api, openDownload, uploadFile } from '../api.js';
import { barChart, groupedColumns, SEVERITY_COLORS, stackedBars } from '../charts.js';
import { h, mount } from '../h.js';
import { count, date, dateTime, L, loc, money, period } from '../i18n.js';
import { pagedList, statusOptions } from '../listing.js';
import { hasRole, type Session } from '../session.js';
import { button, errorText, notice, poll, table, title } from '../ui.js';
import { CYCLE_STATUS, cycleIdOf, PAYMENT_STATE, previousPeriod } from './finance.js';

interface OutcomeTotal {
  outcome: string;
  label: { vi: string; en: string };
  severity: number;
  count: number;
  amount: number;
  payments?: { paymentId: string; amount: number; state: string }[];
}
/** One statement line behind an outcome (`GET /v1/statements/<id>/lines`). */
interface StatementLine {
  paymentId?: string;
  endToEndId?: string;
  suggestions?: string[];
  amount: number;
  expectedAmount?: number;
  currency?: string;
  foreignAmount?: string;
  bookingDate?: string;
  reasonCode?: string;
  note?: string;
}

interface ImportView {
  importId: string;
  status: string;
  fileName: string;
  format?: string;
  createdAt: string;
  finishedAt?: string;
  entriesProcessed: number;
  lines?: number;
  statements: {
    statementId?: string;
    debits?: number;
    credits?: number;
    currency?: string;
    foreign?: { openingBalance?: string; closingBalance?: string; credits: string; debits: string };
    problems?: { code: string; message?: { vi: string; en: string } }[];
  }[];
  fileProblemCount: number;
  outcomes: OutcomeTotal[];
  failure?: { message?: { vi: string; en: string } };
  /** Ledger changes the file proposes; they apply only once another finance officer confirms them. */
  proposal?: { status: string; changes: number; hash: string; label: { vi: string; en: string } };
}

const IMPORT_STATUS: Record<string, { vi: string; en: string }> = {
  RECEIVED: { vi: 'Đã nhận tệp', en: 'File received' },
  RECONCILING: { vi: 'Đang đối chiếu', en: 'Reconciling' },
  COMPLETED: { vi: 'Đã đối chiếu xong', en: 'Reconciled' },
  FAILED: { vi: 'Không đọc được', en: 'Could not be read' },
};

interface StatementSummary {
  importId: string;
  createdAt: string;
  status: string;
  fileName: string;
  lines?: number;
  outcomes: { outcome: string; count: number; amount: number }[];
}
/** Outcomes that ask nothing of the officer (severity 0 in functions/reconciliation/outcomes.ts). */
const QUIET = new Set(['MATCHED', 'LINKED', 'AWAITING_BOOKING', 'STATUS_APPLIED', 'REJECTED', 'NOT_FINAL']);

/** `#/statements`: load a statement (preparer, approver), the statements of the jurisdiction. */
export function statementsPage(root: HTMLElement, s: Session): void {
  const canLoad = hasRole(s, 'finance_preparer', 'finance_approver');
  const progress = h('progress', {
    id: 'statement-progress',
    max: '100',
    value: '0',
    'aria-label': L('Tiến độ tải lên', 'Upload progress'),
  }) as HTMLProgressElement;
  const message = h('div');
  const onSubmit = async (ev: Event) => {
    ev.preventDefault();
    const file = (document.getElementById('statement-file') as HTMLInputElement).files?.[0];
    if (!file) return mount(message, notice('error', L('Hãy chọn tệp sao kê.', 'Choose a statement file.')));
    try {
      const r = await uploadFile<ImportView>('/v1/statements', file, (f) => {
        progress.value = Math.round(f * 100);
      });
      location.hash = `#/statements/${r.importId}`;
    } catch (err) {
      mount(message, notice('error', errorText(err)));
    }
  };
  mount(
    root,
    title(L('Sao kê ngân hàng', 'Bank statements')),
    canLoad &&
      h(
        'section',
        { 'aria-labelledby': 'load-h' },
        h('h2', { id: 'load-h' }, L('Nạp sao kê', 'Load a statement')),
        h(
          'form',
          { onSubmit },
          h(
            'label',
            { for: 'statement-file' },
            L(
              'Tệp sao kê (camt.053, camt.054, MT940, CSV của ngân hàng, pain.002)',
              'Statement file (camt.053, camt.054, MT940, bank CSV, pain.002)',
            ),
          ),
          h('input', { id: 'statement-file', type: 'file', accept: '.xml,.csv,.txt,.sta,.mt940', required: true }),
          h('div', { class: 'progress-row' }, progress),
          h('button', { type: 'submit', id: 'load-statement' }, L('Nạp và đối chiếu', 'Load and reconcile')),
        ),
        message,
      ),
    h(
      'section',
      { 'aria-labelledby': 'mine-h' },
      h('h2', { id: 'mine-h' }, L('Sao kê đã nạp', 'Loaded statements')),
      pagedList<StatementSummary>(s, {
        id: 'statements',
        path: '/v1/statements',
        caption: L('Sao kê đã nạp, mới nhất trước', 'Loaded statements, newest first'),
        head: [
          L('Ngày nạp', 'Loaded'),
          L('Tệp', 'File'),
          L('Trạng thái', 'Status'),
          L('Số dòng', 'Lines'),
          L('Cần xử lý', 'To act on'),
        ],
        numeric: [3, 4],
        row: (st) => [
          date(st.createdAt),
          h('a', { href: `#/statements/${st.importId}` }, st.fileName || st.importId),
          loc(IMPORT_STATUS[st.status]) || st.status,
          st.lines === undefined ? '' : count(st.lines),
          count(st.outcomes.filter((o) => !QUIET.has(o.outcome)).reduce((n, o) => n + o.count, 0)),
        ],
        filters: [{ name: 'status', label: L('Trạng thái', 'Status'), options: statusOptions(IMPORT_STATUS) }],
      }),
    ),
  );
}

function outcomeBars(outcomes: OutcomeTotal[], onPick: (o: string) => void) {
  return barChart(
    L('Số tiền theo kết quả đối chiếu', 'Amount by reconciliation outcome'),
    outcomes.map((o) => ({
      label: loc(o.label),
      value: Math.abs(o.amount),
      text: money(o.amount),
      color: SEVERITY_COLORS[o.severity],
      onClick: () => onPick(o.outcome),
    })),
  );
}

/** `#/statements/<id>`: progress, outcomes (chart and table), the lines behind each outcome, export. */
export function statementPage(root: HTMLElement, s: Session, importId: string): () => void {
  let view: ImportView | undefined;
  let picked = '';
  let lines: StatementLine[] = [];
  let error = '';

  const pick = async (o: string) => {
    picked = o;
    try {
      const r = await api<{ lines: StatementLine[] }>('GET', `/v1/statements/${importId}/lines?outcome=${o}&limit=200`);
      lines = r.lines;
    } catch (err) {
      error = errorText(err);
    }
    render();
    document.getElementById('lines-h')?.focus();
  };
  const exportAs = async (format: 'xlsx' | 'csv') => {
    try {
      openDownload(
        (await api<{ downloadUrl: string }>('GET', `/v1/statements/${importId}/report?format=${format}`)).downloadUrl,
      );
    } catch (err) {
      error = errorText(err);
      render();
    }
  };

  function render() {
    if (!view) {
      mount(
        root,
        title(L('Sao kê', 'Statement')),
        error ? notice('error', error) : notice('info', L('Đang tải…', 'Loading…')),
      );
      return;
    }
    const v = view;
    const done = v.status === 'COMPLETED';
    const pickedTotal = v.outcomes.find((o) => o.outcome === picked);
    mount(
      root,
      title(L('Sao kê', 'Statement'), h('span', { class: 'sub' }, ` ${v.fileName}`)),
      h('p', { class: 'meta' }, `${v.importId} · ${v.format ?? ''} · ${dateTime(v.createdAt)}`),
      error && notice('error', error),
      h(
        'div',
        { class: 'progress-row' },
        done
          ? h('progress', { max: '1', value: '1', 'aria-label': L('Tiến độ', 'Progress') })
          : h('progress', { 'aria-label': L('Tiến độ', 'Progress') }),
        h(
          'span',
          { role: 'status', id: 'import-status' },
          `${loc(IMPORT_STATUS[v.status]) || v.status} · ${count(v.entriesProcessed)} ${L('bút toán', 'entries')}`,
        ),
      ),
      v.status === 'FAILED' && notice('error', loc(v.failure?.message)),
      v.proposal &&
        v.proposal.status !== 'NONE' &&
        notice(
          v.proposal.status === 'CONFIRMED' ? 'ok' : 'info',
          `${L('Thay đổi sổ cái', 'Ledger changes')}: ${count(v.proposal.changes)} — ${loc(v.proposal.label)} (${v.proposal.hash})`,
        ),
      v.statements.map((st) =>
        (st.problems ?? []).map((p) => notice('error', `${st.statementId ?? ''}: ${loc(p.message) || p.code}`)),
      ),
      // A statement in another currency: said in its own unit, never as dong, and outside every VND total.
      v.statements.map(
        (st) =>
          st.foreign &&
          notice(
            'info',
            `${st.statementId ?? ''}: ${L('Sao kê bằng ngoại tệ', 'Foreign-currency statement')} ${st.currency} · ${L('ghi có', 'credits')} ${st.foreign.credits} · ${L('ghi nợ', 'debits')} ${st.foreign.debits}${st.foreign.closingBalance !== undefined ? ` · ${L('số dư cuối', 'closing')} ${st.foreign.closingBalance}` : ''} ${st.currency} — ${L('không tính vào tổng VND', 'not in the VND totals')}`,
          ),
      ),
      done &&
        h(
          'section',
          { 'aria-labelledby': 'res-h' },
          h('h2', { id: 'res-h' }, L('Kết quả đối chiếu', 'Reconciliation outcomes')),
          outcomeBars(v.outcomes, (o) => void pick(o)),
          table(
            L('Theo kết quả', 'By outcome'),
            [L('Kết quả', 'Outcome'), L('Số dòng', 'Lines'), L('Số tiền', 'Amount'), L('Chi tiết', 'Details')],
            v.outcomes.map((o) => [
              h('span', { class: `sev sev${o.severity}` }, loc(o.label)),
              count(o.count),
              o.outcome === 'FOREIGN_CURRENCY' ? '—' : money(o.amount),
              button(L('Xem chi tiết', 'Details'), () => void pick(o.outcome), {
                class: 'link',
                'data-outcome': o.outcome,
              }),
            ]),
            { numeric: [1, 2] },
          ),
          h(
            'div',
            { class: 'actions' },
            button(L('Xuất báo cáo (.xlsx)', 'Export report (.xlsx)'), () => void exportAs('xlsx'), {
              id: 'export-xlsx',
            }),
            button(L('Xuất báo cáo (.csv)', 'Export report (.csv)'), () => void exportAs('csv'), {
              class: 'secondary',
            }),
          ),
        ),
      picked &&
        h(
          'section',
          { 'aria-labelledby': 'lines-h' },
          h(
            'h2',
            { id: 'lines-h', tabindex: '-1' },
            `${L('Chi tiết', 'Details')}: ${loc(pickedTotal?.label) || picked}`,
          ),
          table(
            L('Các dòng sao kê', 'Statement lines'),
            [
              L('Mã thanh toán', 'Payment id'),
              L('Số tiền', 'Amount'),
              L('Dự kiến', 'Expected'),
              L('Ngày hạch toán', 'Booked'),
              L('Ghi chú', 'Note'),
            ],
            lines.map((l) => [
              l.paymentId || l.endToEndId
                ? paymentCell(s, (l.paymentId || l.endToEndId) as string)
                : l.suggestions?.length
                  ? `${L('Gợi ý', 'Suggested')}: ${l.suggestions.join(', ')}`
                  : '—',
              l.currency ? `${l.foreignAmount ?? ''} ${l.currency}` : money(l.amount),
              l.currency ? '' : l.expectedAmount !== undefined ? money(l.expectedAmount) : '',
              date(l.bookingDate),
              [l.reasonCode, l.note].filter(Boolean).join(' · '),
            ]),
            { numeric: [1, 2] },
          ),
        ),
    );
  }

  render();
  return poll(async () => {
    try {
      view = await api<ImportView>('GET', `/v1/statements/${importId}`);
      error = '';
    } catch (err) {
      error = errorText(err);
      render();
      return err instanceof ApiError && [403, 404].includes(err.status);
    }
    render();
    return ['COMPLETED', 'FAILED'].includes(view.status);
  }, 1000);
}

interface OutcomeCount {
  outcome: string;
  count: number;
  amount: number;
}
interface CategoryRow {
  category: string;
  label: { vi: string; en: string };
  count: number;
  amount: number;
  outcomes: OutcomeCount[];
}
interface Listed {
  paymentId: string;
  amount: number;
  state: string;
  categoryCode: string;
  communeCode?: string;
}
interface CycleReport {
  cycleId: string;
  asOf: string;
  approved?: { count: number; amount: number };
  outcomes: (OutcomeTotal & { payments?: Listed[] })[];
  /** False when the payments listed were cut short by the server's read budget (the counts are whole). */
  listsComplete?: boolean;
  byCategory: CategoryRow[];
  byState: Record<string, { count: number; amount: number }>;
  balanced?: { count: boolean; amount: boolean };
}

const SEVERITY_NAMES: { vi: string; en: string }[] = [
  { vi: 'Không cần xử lý', en: 'Nothing to do' },
  { vi: 'Cần theo dõi', en: 'To follow up' },
  { vi: 'Cần kiểm tra', en: 'To check' },
  { vi: 'Cần xử lý ngay', en: 'Act now' },
  { vi: 'Tiền không giải thích được', en: 'Unexplained money' },
];

/** `dc-tcxh_hang_thang-2026-05-79` → its programme, period and jurisdiction. */
function cycleParts(cycleId: string) {
  const m = /^dc-([a-z0-9_]+)-(\d{4}-\d{2})-(\d{2,5})$/.exec(cycleId);
  return m ? { programme: (m[1] as string).toUpperCase(), period: m[2] as string, jurisdiction: m[3] as string } : {};
}

/** The severity colours present among `outcomes`, as a chart legend. */
function severityLegend(outcomes: { severity: number }[]) {
  return [...new Set(outcomes.map((o) => o.severity))]
    .sort()
    .map((sev) => ({ label: loc(SEVERITY_NAMES[sev]), color: SEVERITY_COLORS[sev] ?? '#000' }));
}

/** One bar per row (category or province), its VND split by outcome, coloured by severity, least severe first. */
function outcomeStack(
  chartTitle: string,
  rows: { label: string; amount: number; outcomes: OutcomeCount[]; onPick?: (outcome: string) => void }[],
  known: OutcomeTotal[],
) {
  const meta = new Map(known.map((o) => [o.outcome, o]));
  const sev = (o: string) => meta.get(o)?.severity ?? 0;
  return stackedBars(
    chartTitle,
    rows.map((r) => ({
      label: r.label,
      text: money(r.amount),
      segments: [...r.outcomes]
        .sort((a, b) => sev(a.outcome) - sev(b.outcome))
        .map((o) => ({
          value: o.amount,
          color: SEVERITY_COLORS[sev(o.outcome)] ?? '#000',
          label: loc(meta.get(o.outcome)?.label) || o.outcome,
          ...(r.onPick ? { onClick: () => r.onPick?.(o.outcome) } : {}),
        })),
    })),
    severityLegend(known),
    money,
  );
}

/** `#/reconciliation/<cycleId>`: every approved payment in one outcome, by category, balanced against the approval; trends. */
export function reconciliationPage(root: HTMLElement, s: Session, param: string): () => void {
  if (param.startsWith('period/')) return periodPage(root, s, param.slice('period/'.length));
  const cycleId = param;
  const parts = cycleParts(cycleId);
  let report: CycleReport | undefined;
  let picked = '';
  let drill: { category: string; outcome: string; payments: Listed[] } | undefined;
  let error = '';
  const trend = h('div', { id: 'trend' });

  const labelOf = (outcome: string) => loc(report?.outcomes.find((o) => o.outcome === outcome)?.label) || outcome;
  const categoryOf = (code: string) => loc(report?.byCategory.find((c) => c.category === code)?.label) || code;

  function render() {
    if (!report) {
      mount(
        root,
        title(L('Đối soát', 'Reconciliation')),
        error ? notice('error', error) : notice('info', L('Đang tải…', 'Loading…')),
      );
      return;
    }
    const r = report;
    const sel = r.outcomes.find((o) => o.outcome === picked);
    mount(
      root,
      title(L('Đối soát kỳ chi trả', 'Cycle reconciliation')),
      h('p', { class: 'meta' }, `${r.cycleId} · ${L('tính đến', 'as of')} ${date(r.asOf)}`),
      h(
        'p',
        { class: 'actions' },
        h('a', { href: `#/cycles/${r.cycleId}` }, L('← Về kỳ chi trả', '← Back to the cycle')),
        parts.period &&
          h(
            'a',
            { href: `#/reconciliation/period/${parts.period}`, id: 'to-period' },
            L(`Kỳ ${period(parts.period)} theo tỉnh →`, `${period(parts.period)} by province →`),
          ),
      ),
      error && notice('error', error),
      h(
        'dl',
        { class: 'kpis' },
        h(
          'div',
          null,
          h('dt', null, L('Đã phê duyệt', 'Approved')),
          h('dd', null, `${count(r.approved?.count)} · ${money(r.approved?.amount)}`),
        ),
        h(
          'div',
          null,
          h('dt', null, L('Cân đối', 'Balanced')),
          h(
            'dd',
            { id: 'balanced' },
            r.balanced?.count && r.balanced.amount ? L('Khớp', 'Yes') : L('Không khớp', 'No'),
          ),
        ),
      ),
      h('h2', null, L('Kết quả theo khoản chi', 'Outcomes by payment')),
      barChart(
        L('Số tiền theo kết quả', 'Amount by outcome'),
        r.outcomes.map((o) => ({
          label: loc(o.label),
          value: o.amount,
          text: money(o.amount),
          color: SEVERITY_COLORS[o.severity],
          onClick: () => pick(o.outcome),
        })),
      ),
      table(
        L('Theo kết quả', 'By outcome'),
        [L('Kết quả', 'Outcome'), L('Số khoản', 'Payments'), L('Số tiền', 'Amount'), L('Chi tiết', 'Details')],
        r.outcomes.map((o) => [
          h('span', { class: `sev sev${o.severity}` }, loc(o.label)),
          count(o.count),
          money(o.amount),
          o.payments?.length
            ? button(L('Xem chi tiết', 'Details'), () => pick(o.outcome), { class: 'link', 'data-outcome': o.outcome })
            : '',
        ]),
        { numeric: [1, 2] },
      ),
      sel &&
        h(
          'section',
          { 'aria-labelledby': 'pay-h' },
          h('h2', { id: 'pay-h', tabindex: '-1' }, `${L('Chi tiết', 'Details')}: ${loc(sel.label)}`),
          paymentsTable(s, sel.payments ?? []),
          r.listsComplete === false ? partialNote() : '',
        ),
      h(
        'section',
        { 'aria-labelledby': 'cat-h', id: 'by-category' },
        h('h2', { id: 'cat-h' }, L('Kết quả đối soát theo đối tượng', 'Outcomes by category')),
        outcomeStack(
          L('Số tiền theo đối tượng và kết quả', 'Amount by category and outcome'),
          r.byCategory.map((c) => ({ ...c, label: loc(c.label), onPick: (o) => void drillInto(c.category, o) })),
          r.outcomes,
        ),
        table(
          L('Theo đối tượng', 'By category'),
          [L('Đối tượng', 'Category'), L('Số khoản', 'Payments'), L('Số tiền', 'Amount'), L('Kết quả', 'Outcomes')],
          r.byCategory.map((c) => [
            h('span', { title: c.category }, loc(c.label)),
            count(c.count),
            money(c.amount),
            h(
              'ul',
              { class: 'cells' },
              c.outcomes.map((o) =>
                h(
                  'li',
                  null,
                  button(
                    `${labelOf(o.outcome)}: ${count(o.count)} · ${money(o.amount)}`,
                    () => void drillInto(c.category, o.outcome),
                    {
                      class: `link sev sev${r.outcomes.find((x) => x.outcome === o.outcome)?.severity ?? 0}`,
                      'data-category': c.category,
                      'data-outcome': o.outcome,
                    },
                  ),
                ),
              ),
            ),
          ]),
          { numeric: [1, 2] },
        ),
      ),
      drill &&
        h(
          'section',
          { 'aria-labelledby': 'drill-h' },
          h(
            'h2',
            { id: 'drill-h', tabindex: '-1' },
            `${L('Chi tiết', 'Details')}: ${categoryOf(drill.category)} · ${labelOf(drill.outcome)}`,
          ),
          paymentsTable(s, drill.payments),
        ),
      h('h2', null, L('Theo thời gian', 'Over time')),
      trend,
    );
  }
  const pick = (o: string) => {
    picked = o;
    render();
    document.getElementById('pay-h')?.focus();
  };
  /** The payments behind one category × outcome cell (the first 100 of each outcome of the category). */
  const drillInto = async (category: string, outcome: string) => {
    try {
      const q = new URLSearchParams({ asOf: report?.asOf ?? '', category });
      const got = await api<CycleReport>('GET', `/v1/disbursement-cycles/${cycleId}/reconciliation?${q}`);
      drill = { category, outcome, payments: got.outcomes.find((o) => o.outcome === outcome)?.payments ?? [] };
      error = '';
    } catch (err) {
      error = errorText(err);
    }
    render();
    document.getElementById('drill-h')?.focus();
  };

  render();
  const stop = poll(async () => {
    try {
      report = await api<CycleReport>('GET', `/v1/disbursement-cycles/${cycleId}/reconciliation`);
      error = '';
    } catch (err) {
      error = errorText(err);
      render();
      return true;
    }
    render();
    if (parts.period && parts.jurisdiction) {
      const t = await paidVsSettled(parts.jurisdiction, parts.period, report);
      mount(trend, t.chart, t.table);
    }
    return true;
  }, 1000);
  return stop;
}

/** A payment id, linked to its trace for those who may read one (auditors; labour officers). */
function paymentCell(s: Session, paymentId: string) {
  return hasRole(s, 'auditor', 'labor_officer') && /^[PR]\d{6}[A-Z2-7]{24}$/.test(paymentId)
    ? h('a', { href: `#/trace/${paymentId}`, 'data-trace': paymentId }, paymentId)
    : paymentId;
}

function paymentsTable(s: Session, payments: Listed[]) {
  return table(
    L('Các khoản chi', 'Payments'),
    [L('Mã thanh toán', 'Payment id'), L('Số tiền', 'Amount'), L('Trạng thái', 'State'), L('Xã/phường', 'Commune')],
    payments.map((p) => [
      paymentCell(s, p.paymentId),
      money(p.amount),
      loc(PAYMENT_STATE[p.state]) || p.state,
      p.communeCode ?? '',
    ]),
    { numeric: [1] },
  );
}

/** Said under a list the server cut short: the counts above are whole, the list is not. */
const partialNote = () =>
  h(
    'p',
    { class: 'note' },
    L(
      'Danh sách chưa đầy đủ (chỉ đọc một phần khoản chi); số liệu tổng vẫn đầy đủ.',
      'Partial list (only part of the payments was read); the totals are complete.',
    ),
  );

/**
 * Paid vs settled per month, for the cycles of the last `n` months that exist and were approved: approved,
 * paid (the bank's status says settled, returns excluded) and settled on the bank's statement (booked at the
 * right amount), from each cycle's live reconciliation. (Read from the cycle's closing snapshot, as it was, a
 * payment returned after the cycle closed stayed "paid" and returns never showed.)
 */
async function paidVsSettled(jurisdiction: string, fromPeriod: string, current: CycleReport, n = 6) {
  const periods: string[] = [fromPeriod];
  while (periods.length < n) periods.unshift(previousPeriod(periods[0] as string));
  const reports = await Promise.all(
    periods.map((p) =>
      p === fromPeriod
        ? current
        : api<CycleReport>(
            'GET',
            `/v1/disbursement-cycles/${cycleIdOf(p, jurisdiction)}/reconciliation?listed=0`,
          ).catch(() => undefined),
    ),
  );
  const rows = periods
    .map((p, i) => ({ period: p, r: reports[i] }))
    .filter((x): x is { period: string; r: CycleReport } => !!x.r?.approved && x.r.outcomes.length > 0);
  const amountOf = (r: CycleReport, outcome: string) => r.outcomes.find((o) => o.outcome === outcome)?.amount ?? 0;
  const series = [
    L('Đã duyệt', 'Approved'),
    L('Đã chi (ngân hàng báo)', 'Paid (bank status)'),
    L('Đã hạch toán khớp (sao kê)', 'Settled (statement)'),
  ];
  const chartTitle = L('Đã chi và đã hạch toán theo tháng', 'Paid vs settled by month');
  return {
    chart: groupedColumns(
      chartTitle,
      series,
      rows.map(({ period: p, r }) => ({
        label: period(p),
        values: [r.approved?.amount ?? 0, r.byState.SETTLED?.amount ?? 0, amountOf(r, 'MATCHED')],
      })),
      money,
    ),
    table: table(
      chartTitle,
      [L('Tháng', 'Month'), ...series, L('Trả lại/từ chối', 'Returned/rejected')],
      rows.map(({ period: p, r }) => [
        period(p),
        money(r.approved?.amount),
        money(r.byState.SETTLED?.amount),
        money(amountOf(r, 'MATCHED')),
        money((r.byState.RETURNED?.amount ?? 0) + (r.byState.REJECTED?.amount ?? 0)),
      ]),
      { numeric: [1, 2, 3, 4] },
    ),
  };
}

interface ProvinceRow {
  jurisdiction: string;
  name: string;
  cycleId: string;
  status: string;
  approved?: { count: number; amount: number };
  balanced?: { count: boolean; amount: boolean };
  outcomes: OutcomeTotal[];
  byCategory: CategoryRow[];
}
interface PeriodReport {
  period: string;
  programme: string;
  asOf: string;
  provinces: ProvinceRow[];
  total: {
    approved: { count: number; amount: number };
    balanced: { count: boolean; amount: boolean };
    outcomes: OutcomeTotal[];
    byCategory: CategoryRow[];
  };
}

const balancedText = (b?: { count: boolean; amount: boolean }) =>
  !b ? '—' : b.count && b.amount ? L('Khớp', 'Yes') : L('Không khớp', 'No');

/** `#/reconciliation/period/<YYYY-MM>`: the period's cycles of the caller's provinces, by province and category. */
function periodPage(root: HTMLElement, _s: Session, periodParam: string): () => void {
  let report: PeriodReport | undefined;
  let error = '';
  const onSubmit = (ev: Event) => {
    ev.preventDefault();
    const value = (document.getElementById('period-input') as HTMLInputElement).value;
    if (/^\d{4}-\d{2}$/.test(value)) location.hash = `#/reconciliation/period/${value}`;
  };
  function render() {
    const r = report;
    const known = r?.total.outcomes ?? [];
    const needsAction = (outcomes: OutcomeTotal[]) =>
      outcomes.filter((o) => o.severity > 0).reduce((s, o) => s + o.amount, 0);
    mount(
      root,
      title(
        L('Đối soát theo tỉnh', 'Reconciliation by province'),
        h('span', { class: 'sub' }, ` ${period(periodParam)}`),
      ),
      h(
        'form',
        { onSubmit, class: 'inline' },
        h('label', { for: 'period-input' }, L('Kỳ (tháng)', 'Period (month)')),
        h('input', { id: 'period-input', type: 'month', value: periodParam, required: true }),
        h('button', { type: 'submit' }, L('Xem', 'Show')),
      ),
      error && notice('error', error),
      !r && !error && notice('info', L('Đang tải…', 'Loading…')),
      r &&
        h(
          'dl',
          { class: 'kpis' },
          h(
            'div',
            null,
            h('dt', null, L('Đã phê duyệt', 'Approved')),
            h('dd', { id: 'period-approved' }, `${count(r.total.approved.count)} · ${money(r.total.approved.amount)}`),
          ),
          h('div', null, h('dt', null, L('Cân đối', 'Balanced')), h('dd', null, balancedText(r.total.balanced))),
        ),
      r &&
        h(
          'section',
          { 'aria-labelledby': 'prov-h', id: 'by-province' },
          h('h2', { id: 'prov-h' }, L('Kết quả đối soát theo tỉnh', 'Outcomes by province')),
          r.provinces.length === 0 &&
            notice('info', L('Chưa có kỳ chi trả nào của kỳ này.', 'No cycle for this period yet.')),
          outcomeStack(
            L('Số tiền theo tỉnh và kết quả', 'Amount by province and outcome'),
            r.provinces.map((p) => ({ label: p.name, amount: p.approved?.amount ?? 0, outcomes: p.outcomes })),
            known,
          ),
          table(
            L('Theo tỉnh', 'By province'),
            [
              L('Tỉnh', 'Province'),
              L('Kỳ chi trả', 'Cycle'),
              L('Đã phê duyệt', 'Approved'),
              L('Khớp', 'Matched'),
              L('Cần xử lý', 'Needs action'),
              L('Cân đối', 'Balanced'),
            ],
            r.provinces.map((p) => [
              p.name,
              h('a', { href: `#/reconciliation/${p.cycleId}` }, loc(CYCLE_STATUS[p.status]) || p.status),
              money(p.approved?.amount),
              money(p.outcomes.find((o) => o.outcome === 'MATCHED')?.amount),
              money(needsAction(p.outcomes)),
              balancedText(p.balanced),
            ]),
            { numeric: [2, 3, 4] },
          ),
          table(
            L('Theo tỉnh và đối tượng', 'By province and category'),
            [
              L('Tỉnh', 'Province'),
              L('Đối tượng', 'Category'),
              L('Số khoản', 'Payments'),
              L('Số tiền', 'Amount'),
              L('Kết quả', 'Outcomes'),
            ],
            r.provinces.flatMap((p) =>
              p.byCategory.map((c) => [
                h('a', { href: `#/reconciliation/${p.cycleId}` }, p.name),
                loc(c.label),
                count(c.count),
                money(c.amount),
                c.outcomes
                  .map(
                    (o) => `${loc(known.find((k) => k.outcome === o.outcome)?.label) || o.outcome}: ${count(o.count)}`,
                  )
                  .join(' · '),
              ]),
            ),
            { numeric: [2, 3] },
          ),
          table(
            L('Cả kỳ theo đối tượng', 'The period by category'),
            [L('Đối tượng', 'Category'), L('Số khoản', 'Payments'), L('Số tiền', 'Amount')],
            r.total.byCategory.map((c) => [loc(c.label), count(c.count), money(c.amount)]),
            { numeric: [1, 2] },
          ),
        ),
    );
  }
  render();
  return poll(async () => {
    try {
      report = await api<PeriodReport>('GET', `/v1/reconciliation/periods/${encodeURIComponent(periodParam)}`);
      error = '';
    } catch (err) {
      error = errorText(err);
    }
    render();
    return true;
  }, 1000);
}
