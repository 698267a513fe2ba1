/** Finance officers: load a bank statement, follow its reconciliation, drill into each mismatch, export; the cycle dashboard. */
import { ApiError, api, openDownload, uploadFile } from '../api.js';
import { barChart, SEVERITY_COLORS } from '../charts.js';
import { h, mount } from '../h.js';
import { count, date, dateTime, L, loc, money } from '../i18n.js';
import { pagedList, statusOptions } from '../listing.js';
import { hasRole, type Session } from '../session.js';
import { button, errorText, notice, poll, table, title } from '../ui.js';
import { paidVsSettled } from './finance.js';

interface OutcomeTotal {
  outcome: string;
  label: { vi: string; en: string };
  severity: number;
  count: number;
  amount: number;
  payments?: { paymentId: string; amount: number; state: string }[];
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
    problems?: { code: string; message?: { vi: string; en: string } }[];
  }[];
  fileProblemCount: number;
  outcomes: OutcomeTotal[];
  failure?: { message?: { vi: string; en: string } };
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
const QUIET = new Set(['MATCHED', 'AWAITING_BOOKING', 'STATUS_APPLIED', 'REJECTED', 'NOT_FINAL']);

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
export function statementPage(root: HTMLElement, _s: Session, importId: string): () => void {
  let view: ImportView | undefined;
  let picked = '';
  let lines: any[] = [];
  let error = '';

  const pick = async (o: string) => {
    picked = o;
    try {
      const r = await api<{ lines: any[] }>('GET', `/v1/statements/${importId}/lines?outcome=${o}&limit=200`);
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
      v.statements.map((st) =>
        (st.problems ?? []).map((p) => notice('error', `${st.statementId ?? ''}: ${loc(p.message) || p.code}`)),
      ),
      done &&
        h(
          'section',
          { 'aria-labelledby': 'res-h' },
          h('h2', { id: 'res-h' }, L('Kết quả đối chiếu', 'Reconciliation outcomes')),
          outcomeBars(v.outcomes, (o) => void pick(o)),
          table(
            L('Theo kết quả', 'By outcome'),
            [L('Kết quả', 'Outcome'), L('Số dòng', 'Lines'), L('Số tiền', 'Amount'), ''],
            v.outcomes.map((o) => [
              h('span', { class: `sev sev${o.severity}` }, loc(o.label)),
              count(o.count),
              money(o.amount),
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
              l.paymentId ??
                l.endToEndId ??
                (l.suggestions?.length ? `${L('Gợi ý', 'Suggested')}: ${l.suggestions.join(', ')}` : '—'),
              money(l.amount),
              l.expectedAmount !== undefined ? money(l.expectedAmount) : '',
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

/** `#/reconciliation/<cycleId>`: every approved payment in one outcome, balanced against the approval; trends. */
export function reconciliationPage(root: HTMLElement, s: Session, cycleId: string): () => void {
  let report:
    | {
        cycleId: string;
        asOf: string;
        approved?: { count: number; amount: number };
        outcomes: OutcomeTotal[];
        balanced?: { count: boolean; amount: boolean };
      }
    | undefined;
  let picked = '';
  let error = '';
  const trend = h('div', { id: 'trend' });

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
      h('p', null, h('a', { href: `#/cycles/${r.cycleId}` }, L('← Về kỳ chi trả', '← Back to the cycle'))),
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
        [L('Kết quả', 'Outcome'), L('Số khoản', 'Payments'), L('Số tiền', 'Amount'), ''],
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
          table(
            L('Các khoản chi', 'Payments'),
            [L('Mã thanh toán', 'Payment id'), L('Số tiền', 'Amount'), L('Trạng thái', 'State')],
            (sel.payments ?? []).map((p) => [p.paymentId, money(p.amount), p.state]),
            { numeric: [1] },
          ),
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

  render();
  const stop = poll(async () => {
    try {
      report = await api('GET', `/v1/disbursement-cycles/${cycleId}/reconciliation`);
      error = '';
    } catch (err) {
      error = errorText(err);
      render();
      return true;
    }
    render();
    const p = /-(\d{4}-\d{2})-(\d+)$/.exec(cycleId);
    if (p?.[1] && p[2] && (s.jurisdiction ?? p[2])) {
      const t = await paidVsSettled(p[2], p[1]);
      mount(trend, t.chart, t.table);
    }
    return true;
  }, 1000);
  return stop;
}
