/** Labour officer: the list template, uploading a list, its verification and outcomes, the result file. */
import { ApiError, api, downloadFrom, openDownload, uploadFile } from '../api.js';
import { h, mount } from '../h.js';
import { count, date, dateTime, L, loc } from '../i18n.js';
import { pagedList, statusOptions } from '../listing.js';
import type { Session } from '../session.js';
import { button, errorText, maskId, notice, poll, table, title } from '../ui.js';

export const OUTCOMES: Record<string, { vi: string; en: string }> = {
  ACCEPTED: { vi: 'Hợp lệ, đã mở tài khoản', en: 'Accepted, account opened' },
  INVALID_ROW: { vi: 'Dòng không hợp lệ', en: 'Invalid row' },
  INVALID_IDENTITY_NUMBER: { vi: 'Số định danh không hợp lệ', en: 'Invalid identity number' },
  DUPLICATE_IN_FILE: { vi: 'Trùng trong tệp', en: 'Duplicate in file' },
  ALREADY_ENROLLED: { vi: 'Đã hưởng chương trình', en: 'Already enrolled' },
  NOT_IN_REGISTRY: { vi: 'Không có trong CSDL dân cư', en: 'Not in the population registry' },
  NAME_MISMATCH: { vi: 'Họ tên không khớp', en: 'Name does not match' },
  NAME_REVIEW: { vi: 'Họ tên cần kiểm tra', en: 'Name needs review' },
  DATE_OF_BIRTH_MISMATCH: { vi: 'Ngày sinh không khớp', en: 'Date of birth does not match' },
  GENDER_MISMATCH: { vi: 'Giới tính không khớp', en: 'Gender does not match' },
  CATEGORY_AGE_MISMATCH: { vi: 'Tuổi không thuộc đối tượng', en: 'Age outside the category' },
  DECEASED: { vi: 'Đã chết', en: 'Deceased' },
  REGISTRY_UNAVAILABLE: { vi: 'Chưa đối chiếu được', en: 'Registry unavailable' },
};

const STATUS: Record<string, { vi: string; en: string }> = {
  RECEIVED: { vi: 'Đã nhận tệp', en: 'File received' },
  PROCESSING: { vi: 'Đang đối chiếu với CSDL dân cư', en: 'Verifying against the population registry' },
  COMPLETED: { vi: 'Đã xử lý xong', en: 'Finished' },
  FAILED: { vi: 'Không xử lý được', en: 'Could not be processed' },
};

/** One row of a list as `GET …/rows` gives it (the identity number is masked before it is shown). */
interface ListRow {
  line: number;
  fullName?: string;
  personalId: string;
  outcome: string;
  findings?: RowFinding[];
  flags?: RowFinding[];
}

interface RowFinding {
  code: string;
  message?: { vi: string; en: string };
}

interface ListView {
  listId: string;
  status: string;
  fileName: string;
  createdAt: string;
  updatedAt: string;
  totals?: { rows: number; byOutcome: Record<string, number>; flagged: number; accountsOpened: number };
  failure?: { code?: string; message?: { vi: string; en: string } };
}

interface ListSummary {
  listId: string;
  createdAt: string;
  status: string;
  fileName: string;
  rows?: number;
  byOutcome?: Record<string, number>;
  accountsOpened?: number;
}

/** `#/lists`: template, upload, the lists of the officer's jurisdiction (or the auditor's choice). */
export function listsPage(root: HTMLElement, s: Session): void {
  const progress = h('progress', {
    id: 'upload-progress',
    max: '100',
    value: '0',
    'aria-label': L('Tiến độ tải lên', 'Upload progress'),
  }) as HTMLProgressElement;
  const progressText = h('span', { 'aria-live': 'polite' });
  const message = h('div');
  const input = h('input', {
    id: 'list-file',
    type: 'file',
    name: 'file',
    accept: '.csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    required: true,
    'aria-describedby': 'list-file-help',
  }) as HTMLInputElement;

  const onSubmit = async (ev: Event) => {
    ev.preventDefault();
    const file = input.files?.[0];
    if (!file) return mount(message, notice('error', L('Hãy chọn tệp danh sách.', 'Choose a list file.')));
    mount(message);
    const submit = (ev.target as HTMLFormElement).querySelector('button[type=submit]') as HTMLButtonElement;
    submit.disabled = true;
    try {
      const list = await uploadFile<ListView>('/v1/beneficiary-lists', file, (f) => {
        progress.value = Math.round(f * 100);
        progressText.textContent = `${Math.round(f * 100)}%`;
      });
      location.hash = `#/lists/${list.listId}`;
    } catch (err) {
      mount(message, notice('error', errorText(err)));
    } finally {
      submit.disabled = false;
    }
  };

  mount(
    root,
    title(L('Danh sách người hưởng', 'Beneficiary lists')),
    h(
      'section',
      { 'aria-labelledby': 'tpl-h' },
      h('h2', { id: 'tpl-h' }, L('1. Tải mẫu danh sách', '1. Download the template')),
      h(
        'p',
        null,
        L(
          'Điền danh sách theo mẫu (ngày dạng dd/mm/yyyy).',
          'Fill in the list using the template (dates as dd/mm/yyyy).',
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        button(
          L('Tải mẫu Excel (.xlsx)', 'Download Excel template (.xlsx)'),
          () => void downloadFrom('/v1/beneficiary-lists/template?format=xlsx', 'mau-danh-sach-tro-cap.xlsx'),
        ),
        button(
          L('Tải mẫu CSV', 'Download CSV template'),
          () => void downloadFrom('/v1/beneficiary-lists/template?format=csv', 'mau-danh-sach-tro-cap.csv'),
          { class: 'secondary' },
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'up-h' },
      h('h2', { id: 'up-h' }, L('2. Tải lên danh sách', '2. Upload the list')),
      h(
        'form',
        { onSubmit, novalidate: true },
        h(
          'label',
          { for: 'list-file' },
          L('Tệp danh sách (CSV hoặc XLSX, tối đa 50 MB)', 'List file (CSV or XLSX, up to 50 MB)'),
        ),
        input,
        h(
          'p',
          { id: 'list-file-help', class: 'help' },
          L('Tải lại cùng một tệp sẽ mở lại danh sách đã tải.', 'Uploading the same file again opens the first list.'),
        ),
        h('div', { class: 'progress-row' }, progress, progressText),
        h('button', { type: 'submit' }, L('Tải lên', 'Upload')),
      ),
      message,
    ),
    h(
      'section',
      { 'aria-labelledby': 'mine-h' },
      h('h2', { id: 'mine-h' }, L('Danh sách đã tải', 'Uploaded lists')),
      pagedList<ListSummary>(s, {
        id: 'lists',
        path: '/v1/beneficiary-lists',
        caption: L('Danh sách đã tải, mới nhất trước', 'Uploaded lists, newest first'),
        head: [
          L('Ngày tải', 'Uploaded'),
          L('Tệp', 'File'),
          L('Trạng thái', 'Status'),
          L('Số dòng', 'Rows'),
          L('Hợp lệ', 'Accepted'),
          L('Tài khoản đã mở', 'Accounts opened'),
        ],
        numeric: [3, 4, 5],
        row: (l) => [
          date(l.createdAt),
          h('a', { href: `#/lists/${l.listId}` }, l.fileName || l.listId),
          loc(STATUS[l.status]) || l.status,
          l.rows === undefined ? '' : count(l.rows),
          l.byOutcome ? count(l.byOutcome.ACCEPTED) : '',
          l.accountsOpened === undefined ? '' : count(l.accountsOpened),
        ],
        filters: [
          { name: 'status', label: L('Trạng thái', 'Status'), options: statusOptions(STATUS) },
          ...(s.roles.includes('labor_officer')
            ? [{ name: 'mine', label: L('Chỉ danh sách tôi tải', 'Only lists I uploaded'), checkbox: true }]
            : []),
        ],
      }),
    ),
  );
}

/** `#/lists/<id>`: verification progress, outcomes with filters and reasons, the result file, accounts. */
export function listPage(root: HTMLElement, _s: Session, listId: string): () => void {
  let list: ListView | undefined;
  let filter = '';
  let rows: ListRow[] = [];
  let cursor: string | undefined;
  let checkedSoFar = '';
  let error = '';

  const loadRows = async (more = false) => {
    const q = new URLSearchParams({ limit: '100' });
    if (filter) q.set('outcome', filter);
    if (more && cursor) q.set('cursor', cursor);
    const page = await api<{ rows: ListRow[]; nextCursor?: string }>(
      'GET',
      `/v1/beneficiary-lists/${listId}/rows?${q}`,
    );
    rows = more ? [...rows, ...page.rows] : page.rows;
    cursor = page.nextCursor;
    render();
  };

  const download = async (format: 'xlsx' | 'csv') => {
    try {
      const r = await api<{ downloadUrl: string }>('GET', `/v1/beneficiary-lists/${listId}/result?format=${format}`);
      openDownload(r.downloadUrl);
    } catch (err) {
      error = errorText(err);
      render();
    }
  };

  function render() {
    if (!list) {
      mount(
        root,
        title(L('Danh sách', 'List')),
        error ? notice('error', error) : notice('info', L('Đang tải…', 'Loading…')),
      );
      return;
    }
    const done = list.status === 'COMPLETED';
    const steps = ['RECEIVED', 'PROCESSING', 'COMPLETED'];
    const at = steps.indexOf(list.status);
    const t = list.totals;
    mount(
      root,
      title(L('Danh sách', 'List'), h('span', { class: 'sub' }, ` ${list.fileName}`)),
      h(
        'p',
        { class: 'meta' },
        `${L('Mã', 'Id')}: ${list.listId} · ${L('Tải lên', 'Uploaded')}: ${dateTime(list.createdAt)}`,
      ),
      error && notice('error', error),
      h(
        'section',
        { 'aria-labelledby': 'prog-h' },
        h('h2', { id: 'prog-h' }, L('Tiến độ đối chiếu', 'Verification progress')),
        h(
          'ol',
          { class: 'steps' },
          steps.map((st, i) =>
            h(
              'li',
              { class: i < at || done ? 'done' : i === at ? 'current' : '', 'aria-current': i === at ? 'step' : null },
              loc(STATUS[st]),
            ),
          ),
        ),
        list.status === 'FAILED'
          ? notice('error', `${loc(STATUS.FAILED)}: ${loc(list.failure?.message) || list.failure?.code || ''}`)
          : h(
              'div',
              { class: 'progress-row' },
              done
                ? h('progress', {
                    id: 'verify-progress',
                    max: '100',
                    value: '100',
                    'aria-label': L('Tiến độ đối chiếu', 'Verification progress'),
                  })
                : h('progress', {
                    id: 'verify-progress',
                    'aria-label': L('Tiến độ đối chiếu', 'Verification progress'),
                  }),
              h(
                'span',
                { role: 'status', id: 'list-status' },
                loc(STATUS[list.status]),
                checkedSoFar && !done ? ` · ${checkedSoFar}` : '',
              ),
            ),
      ),
      t &&
        h(
          'section',
          { 'aria-labelledby': 'out-h' },
          h('h2', { id: 'out-h' }, L('Kết quả', 'Outcomes')),
          h(
            'dl',
            { class: 'kpis' },
            h('div', null, h('dt', null, L('Số dòng', 'Rows')), h('dd', null, count(t.rows))),
            h('div', null, h('dt', null, L('Hợp lệ', 'Accepted')), h('dd', null, count(t.byOutcome.ACCEPTED))),
            h(
              'div',
              null,
              h('dt', null, L('Tài khoản đã mở', 'Accounts opened')),
              h('dd', { id: 'accounts-opened' }, count(t.accountsOpened)),
            ),
            h('div', null, h('dt', null, L('Cần xem lại', 'Flagged')), h('dd', null, count(t.flagged))),
          ),
          h(
            'div',
            { class: 'actions' },
            button(L('Tải kết quả (.xlsx)', 'Download result (.xlsx)'), () => void download('xlsx'), {
              id: 'download-result',
            }),
            button(L('Tải kết quả (.csv)', 'Download result (.csv)'), () => void download('csv'), {
              class: 'secondary',
            }),
          ),
          h(
            'div',
            { class: 'filters', role: 'group', 'aria-label': L('Lọc theo kết quả', 'Filter by outcome') },
            button(`${L('Tất cả', 'All')} (${count(t.rows)})`, () => setFilter(''), {
              'aria-pressed': String(filter === ''),
              class: 'chip',
            }),
            Object.entries(t.byOutcome)
              .filter(([, n]) => n)
              .map(([o, n]) =>
                button(`${loc(OUTCOMES[o]) || o} (${count(n)})`, () => setFilter(o), {
                  'aria-pressed': String(filter === o),
                  class: 'chip',
                  'data-outcome': o,
                }),
              ),
          ),
          table(
            filter ? `${L('Các dòng', 'Rows')}: ${loc(OUTCOMES[filter])}` : L('Các dòng', 'Rows'),
            [
              L('Dòng', 'Row'),
              L('Họ và tên', 'Full name'),
              L('Số định danh', 'Identity no.'),
              L('Kết quả', 'Outcome'),
              L('Lý do', 'Reason'),
            ],
            rows.map((r) => [
              String(r.line),
              r.fullName ?? '',
              maskId(r.personalId),
              loc(OUTCOMES[r.outcome]) || r.outcome,
              h(
                'ul',
                { class: 'reasons' },
                [...(r.findings ?? []), ...(r.flags ?? [])].map((f) => h('li', null, loc(f.message) || f.code)),
              ),
            ]),
            { numeric: [0] },
          ),
          cursor && button(L('Xem thêm', 'Show more'), () => void loadRows(true), { class: 'secondary' }),
        ),
    );
  }

  const setFilter = (o: string) => {
    filter = o;
    void loadRows().catch((err) => {
      error = errorText(err);
      render();
    });
  };

  render();
  return poll(async () => {
    try {
      list = await api<ListView>('GET', `/v1/beneficiary-lists/${listId}`);
      error = '';
    } catch (err) {
      error = errorText(err);
      render();
      return err instanceof ApiError && [403, 404].includes(err.status);
    }
    if (list.status === 'COMPLETED') {
      await loadRows();
      return true;
    }
    if (list.status === 'PROCESSING') {
      const page = await api<{ rows: unknown[]; nextCursor?: string }>(
        'GET',
        `/v1/beneficiary-lists/${listId}/rows?limit=500`,
      );
      checkedSoFar = `${page.nextCursor ? '500+' : count(page.rows.length)} ${L('dòng đã đối chiếu', 'rows verified')}`;
    }
    render();
    return list.status === 'FAILED';
  }, 1000);
}
