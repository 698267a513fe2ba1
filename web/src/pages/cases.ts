/**
 * Labour officers: the case inbox of their jurisdiction (a commune officer: their commune), filtered by state
 * and age against the service level, and one case worked to its end — what was done, the account changed by two
 * officers after the bank's name check, a write-off confirmed by a second officer. Re-issue and closing come
 * from the supplementary cycle and the bank; the page shows them. Auditors read, never act.
 */
import { ApiError, api } from '../api.js';
import { type Child, h, mount } from '../h.js';
import { count, date, dateTime, L, loc, money, period } from '../i18n.js';
import { pagedList, statusOptions } from '../listing.js';
import { hasRole, type RoleId, roleLabel, type Session } from '../session.js';
import { errorText, notice, poll, table, title } from '../ui.js';

interface Localized {
  vi: string;
  en: string;
}

export const CASE_STATE: Record<string, Localized> = {
  OPEN: { vi: 'Mới mở', en: 'Open' },
  ACTION_TAKEN: { vi: 'Đã xử lý, chờ chi lại', en: 'Action taken' },
  REISSUED: { vi: 'Đã chi lại, chờ ngân hàng', en: 'Reissued' },
  CLOSED: { vi: 'Đã đóng', en: 'Closed' },
  WRITTEN_OFF: { vi: 'Đã xóa (không chi)', en: 'Written off' },
};

const ACTION: Record<string, Localized> = {
  OPEN: { vi: 'Mở hồ sơ', en: 'Case opened' },
  RECORD_ACTION: { vi: 'Cán bộ ghi nhận xử lý', en: 'Action recorded' },
  REISSUE: { vi: 'Đưa vào kỳ chi bổ sung', en: 'Taken by a supplementary cycle' },
  CLOSE: { vi: 'Khoản chi lại đã đến, đóng hồ sơ', en: 'Re-issue settled, case closed' },
  PROPOSE_WRITE_OFF: { vi: 'Đề nghị xóa hồ sơ', en: 'Write-off proposed' },
  CONFIRM_WRITE_OFF: { vi: 'Xác nhận xóa hồ sơ', en: 'Write-off confirmed' },
  REISSUE_FAILED: { vi: 'Khoản chi lại không đến được', en: 'Re-issue failed' },
  RELEASE: { vi: 'Kỳ bổ sung lỗi, trả lại hồ sơ', en: 'Released by a failed supplementary cycle' },
  GRIEVANCE: { vi: 'Người hưởng báo chưa nhận được', en: 'Beneficiary reports not received' },
};

const CHANNEL: Record<string, Localized> = {
  BANK: { vi: 'Ngân hàng', en: 'Bank' },
  POST_OFFICE: { vi: 'Bưu điện', en: 'Post office' },
};

const VERIFICATION: Record<string, Localized> = {
  MATCH: { vi: 'Ngân hàng xác nhận đúng tên chủ tài khoản', en: 'The bank confirmed the holder’s name' },
};

const FINISHED = new Set(['CLOSED', 'WRITTEN_OFF']);
const ROLE_NAMES = new Set(['labor_officer', 'finance_preparer', 'finance_approver', 'auditor', 'beneficiary']);

interface CaseAction {
  kind: string;
  by: string;
  role: string;
  at: string;
  note?: string;
  state: string;
}

interface CaseView {
  caseId: string;
  period: string;
  jurisdiction: string;
  communeCode: string;
  socialAccount: string;
  paymentId: string;
  paymentState: string;
  amount: number;
  months: string[];
  channel: string;
  reasonCode: string;
  reason: Localized;
  nextStep: Localized | null;
  state: string;
  openedAt: string;
  updatedAt: string;
  version: number;
  age: { bankingDays: number; slaBankingDays: number; overdue: boolean };
  actions: CaseAction[];
  writeOff?: { reason: string; proposedBy: string; proposedAt: string; confirmedBy?: string };
  reissue?: { paymentId: string; cycleId: string };
}

interface MethodChange {
  changeId: string;
  status: 'PROPOSED' | 'CONFIRMED' | 'REFUSED';
  proposedBy: string;
  proposedAt: string;
  paymentMethod: { kind: string; bankBin?: string; bankAccountNumber?: string; communeCode?: string };
  decidedBy?: string;
  decidedAt?: string;
  verification?: string;
}

const FIELDS: Record<string, Localized> = {
  bankBin: { vi: 'mã ngân hàng', en: 'bank code' },
  bankAccountNumber: { vi: 'số tài khoản', en: 'account number' },
  communeCode: { vi: 'mã xã/phường', en: 'commune code' },
  reason: { vi: 'lý do', en: 'reason' },
  note: { vi: 'nội dung', en: 'note' },
};

/** The API's message, and for a refused form the fields to check. */
function problem(err: unknown): string {
  const details = err instanceof ApiError ? (err.body as { error?: { details?: unknown } })?.error?.details : undefined;
  const fields = Array.isArray(details)
    ? details.map((d: { path?: string }) => loc(FIELDS[d.path ?? '']) || d.path)
    : [];
  return fields.length ? `${errorText(err)} ${L('Kiểm tra', 'Check')}: ${fields.join(', ')}.` : errorText(err);
}

const roleName = (role: string) => (ROLE_NAMES.has(role) ? loc(roleLabel(role as RoleId)) : L('Hệ thống', 'System'));

/** `2/5 ngày làm việc`, and whether it is past the service level. */
const ageText = (a: CaseView['age']) =>
  `${count(a.bankingDays)}/${count(a.slaBankingDays)} ${L('ngày làm việc', 'banking days')}${
    a.overdue ? ` · ${L('Quá hạn', 'Overdue')}` : ''
  }`;

const traceLink = (paymentId: string, id?: string) =>
  h('a', { href: `#/trace/${paymentId}`, ...(id ? { id } : {}) }, paymentId);

/** `#/cases`: the inbox, newest or oldest first. */
export function casesPage(root: HTMLElement, s: Session): void {
  mount(
    root,
    title(L('Hồ sơ khoản chi chưa đến', 'Cases: payments that did not arrive')),
    h(
      'p',
      { class: 'help' },
      L(
        'Mỗi khoản chi bị từ chối, trả lại hoặc không gửi được mở một hồ sơ. Hạn xử lý: 5 ngày làm việc.',
        'Each rejected, returned or unsent payment opens a case. Service level: 5 banking days.',
      ),
    ),
    pagedList<CaseView>(s, {
      id: 'cases',
      path: '/v1/cases',
      caption: L('Hồ sơ', 'Cases'),
      head: [
        L('Hồ sơ', 'Case'),
        L('Ngày mở', 'Opened'),
        L('Lý do', 'Reason'),
        L('Trạng thái', 'State'),
        L('Thời gian xử lý', 'Age'),
        L('Số tiền', 'Amount'),
        L('Xã/phường', 'Commune'),
      ],
      numeric: [5],
      row: (c) => [
        h('a', { href: `#/cases/${c.caseId}`, 'data-case': c.caseId }, `${L('Tháng', 'Month')} ${period(c.period)}`),
        date(c.openedAt),
        `${loc(c.reason)} (${c.reasonCode})`,
        loc(CASE_STATE[c.state]) || c.state,
        h('span', { class: c.age.overdue ? 'sev3' : null }, ageText(c.age)),
        money(c.amount),
        c.communeCode,
      ],
      filters: [
        { name: 'state', label: L('Trạng thái', 'State'), options: statusOptions(CASE_STATE) },
        {
          name: 'age',
          label: L('Thời gian xử lý', 'Age'),
          options: [
            ['', L('Tất cả', 'All')],
            ['overdue', L('Quá hạn 5 ngày làm việc', 'Past the 5-banking-day service level')],
            ['within', L('Trong hạn', 'Within the service level')],
          ],
          local: (c, v) => (v === 'overdue' ? c.age.overdue : !c.age.overdue),
        },
        {
          name: 'order',
          label: L('Thứ tự', 'Order'),
          options: [
            ['newest', L('Mới nhất trước', 'Newest first')],
            ['oldest', L('Cũ nhất trước', 'Oldest first')],
          ],
        },
      ],
    }),
  );
}

const field = (id: string, label: string, input: HTMLElement, help?: string) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    help && h('p', { class: 'help', id: `${id}-help` }, help),
  );

const inputValue = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.value.trim() ?? '';

/** `#/cases/<id>`: the case, its progress and, for the officers of its commune or province, its actions. */
export function casePage(root: HTMLElement, s: Session, caseId: string): () => void {
  let c: CaseView | undefined;
  let changes: MethodChange[] | undefined;
  let error = '';
  let message: { kind: 'ok' | 'error'; text: string } | undefined;
  let busy = false;
  let shown = '';
  const officer = hasRole(s, 'labor_officer');

  async function refresh() {
    c = await api<CaseView>('GET', `/v1/cases/${caseId}`);
    if (officer && !FINISHED.has(c.state)) {
      changes = (
        await api<{ changes: MethodChange[] }>('GET', `/v1/accounts/${c.socialAccount}/payment-method`).catch(() => ({
          changes: [],
        }))
      ).changes;
    }
  }

  /**
   * Runs one action, then shows the case as it is now; focus goes to the outcome. The forms' values are read
   * before this is called (`run` closes over them): the page is not re-rendered until the action is done.
   */
  async function act(run: () => Promise<string>) {
    busy = true;
    for (const b of root.querySelectorAll('button')) b.disabled = true;
    try {
      message = { kind: 'ok', text: await run() };
    } catch (err) {
      message = { kind: 'error', text: problem(err) };
    }
    try {
      await refresh();
    } catch (err) {
      error = errorText(err);
    }
    busy = false;
    shown = JSON.stringify([c, changes]);
    render();
    document.getElementById('case-message')?.focus();
  }

  const record = (note: string) =>
    api('POST', `/v1/cases/${caseId}/actions`, { kind: 'RECORD_ACTION', note }).then(() =>
      L('Đã ghi nhận việc đã làm.', 'The action was recorded.'),
    );

  const propose = (cv: CaseView) => {
    const kind = (document.querySelector('input[name="method-kind"]:checked') as HTMLInputElement | null)?.value;
    const body =
      kind === 'POST_OFFICE'
        ? { kind, communeCode: inputValue('change-commune'), reason: inputValue('change-reason') }
        : {
            kind: 'BANK',
            bankBin: inputValue('change-bin'),
            bankAccountNumber: inputValue('change-account'),
            communeCode: inputValue('change-commune'),
            reason: inputValue('change-reason'),
          };
    return async () => {
      await api('POST', `/v1/accounts/${cv.socialAccount}/payment-method`, body);
      return L(
        'Đã ghi đề xuất. Một cán bộ khác cần xác nhận; ngân hàng sẽ kiểm tra tên chủ tài khoản khi xác nhận.',
        'Proposal recorded. Another officer must confirm it; the bank checks the holder’s name then.',
      );
    };
  };

  /** The second officer confirms: the bank checks the name; the case records what was done. */
  const confirm = (cv: CaseView, change: MethodChange) => async () => {
    const done = await api<MethodChange>(
      'POST',
      `/v1/accounts/${cv.socialAccount}/payment-method/${change.changeId}/confirm`,
    );
    const words = done.verification ? loc(VERIFICATION[done.verification]) : '';
    const what =
      change.paymentMethod.kind === 'BANK'
        ? `Đã đổi tài khoản nhận tiền sang ${change.paymentMethod.bankAccountNumber} (${change.paymentMethod.bankBin}); ngân hàng xác nhận đúng tên chủ tài khoản.`
        : 'Đã chuyển sang nhận tiền mặt tại bưu điện.';
    await record(what);
    return `${L('Đã xác nhận thay đổi.', 'The change is confirmed.')}${words ? ` ${words}.` : ''}`;
  };

  function facts(cv: CaseView): Child {
    return h(
      'dl',
      { class: 'facts' },
      h('dt', null, L('Trạng thái', 'State')),
      h('dd', null, h('span', { id: 'case-state', role: 'status' }, loc(CASE_STATE[cv.state]) || cv.state)),
      h('dt', null, L('Lý do', 'Reason')),
      h('dd', { id: 'case-reason' }, `${loc(cv.reason)} (${cv.reasonCode})`),
      cv.nextStep && [h('dt', null, L('Việc cần làm', 'Next step')), h('dd', null, loc(cv.nextStep))],
      h('dt', null, L('Khoản chi', 'Payment')),
      h('dd', null, traceLink(cv.paymentId, 'case-payment'), ` · ${cv.paymentState}`),
      h('dt', null, L('Các tháng', 'Months')),
      h('dd', null, cv.months.map(period).join(', ')),
      h('dt', null, L('Số tiền', 'Amount')),
      h('dd', null, money(cv.amount)),
      h('dt', null, L('Tài khoản an sinh', 'Social account')),
      h('dd', null, cv.socialAccount),
      h('dt', null, L('Kênh chi trả', 'Channel')),
      h('dd', null, loc(CHANNEL[cv.channel]) || cv.channel),
      h('dt', null, L('Xã/phường', 'Commune')),
      h('dd', null, cv.communeCode),
      h('dt', null, L('Ngày mở', 'Opened')),
      h('dd', null, date(cv.openedAt)),
      h('dt', null, L('Thời gian xử lý', 'Age')),
      h('dd', { id: 'case-age', class: cv.age.overdue ? 'sev3' : null }, ageText(cv.age)),
      cv.reissue && [
        h('dt', null, L('Khoản chi lại', 'Re-issued payment')),
        h('dd', null, traceLink(cv.reissue.paymentId, 'case-reissue'), ` · ${cv.reissue.cycleId}`),
      ],
    );
  }

  function methodChange(cv: CaseView): Child {
    const pending = changes?.find((x) => x.status === 'PROPOSED');
    const last = changes?.find((x) => x.status !== 'PROPOSED');
    const describe = (m: MethodChange['paymentMethod']) =>
      m.kind === 'BANK'
        ? `${L('Ngân hàng', 'Bank')} ${m.bankBin} · ${m.bankAccountNumber}`
        : `${L('Bưu điện', 'Post office')} · ${m.communeCode}`;
    return h(
      'section',
      { 'aria-labelledby': 'change-h', class: 'panel', id: 'change-panel' },
      h('h2', { id: 'change-h' }, L('Đổi cách nhận tiền (hai cán bộ)', 'Change how the person is paid (two officers)')),
      last &&
        h(
          'p',
          { id: 'change-last' },
          `${L('Lần gần nhất', 'Last')}: ${describe(last.paymentMethod)} — ${
            last.status === 'CONFIRMED' ? L('đã xác nhận', 'confirmed') : L('bị từ chối', 'refused')
          }${last.verification ? ` (${last.verification})` : ''} · ${dateTime(last.decidedAt)}`,
        ),
      pending
        ? [
            h(
              'p',
              { id: 'change-pending' },
              `${L('Đề xuất chờ xác nhận', 'Proposal awaiting confirmation')}: ${describe(pending.paymentMethod)} · ${dateTime(
                pending.proposedAt,
              )}`,
            ),
            pending.proposedBy === s.subject
              ? notice(
                  'info',
                  L(
                    'Bạn đã đề xuất thay đổi này: một cán bộ khác phải xác nhận.',
                    'You proposed this change: another officer must confirm it.',
                  ),
                )
              : h(
                  'button',
                  {
                    type: 'button',
                    id: 'confirm-change',
                    disabled: busy,
                    onClick: () => void act(confirm(cv, pending)),
                  },
                  L('Xác nhận (ngân hàng kiểm tra tên chủ tài khoản)', 'Confirm (the bank checks the holder’s name)'),
                ),
          ]
        : h(
            'form',
            {
              id: 'change-form',
              onSubmit: (ev: Event) => {
                ev.preventDefault();
                void act(propose(cv));
              },
            },
            h(
              'fieldset',
              null,
              h('legend', null, L('Nhận tiền qua', 'Paid through')),
              h(
                'div',
                { class: 'radio' },
                h('input', { type: 'radio', name: 'method-kind', id: 'kind-bank', value: 'BANK', checked: true }),
                h('label', { for: 'kind-bank' }, L('Tài khoản ngân hàng mới', 'A new bank account')),
              ),
              h(
                'div',
                { class: 'radio' },
                h('input', { type: 'radio', name: 'method-kind', id: 'kind-post', value: 'POST_OFFICE' }),
                h('label', { for: 'kind-post' }, L('Tiền mặt tại bưu điện', 'Cash at the post office')),
              ),
            ),
            field(
              'change-bin',
              L('Mã ngân hàng (BIN, 6 chữ số)', 'Bank code (BIN, 6 digits)'),
              h('input', {
                id: 'change-bin',
                type: 'text',
                inputmode: 'numeric',
                pattern: '\\d{6}',
                autocomplete: 'off',
              }),
            ),
            field(
              'change-account',
              L('Số tài khoản ngân hàng', 'Bank account number'),
              h('input', {
                id: 'change-account',
                type: 'text',
                autocomplete: 'off',
                'aria-describedby': 'change-account-help',
              }),
              L(
                'Ngân hàng sẽ kiểm tra tài khoản đứng tên người hưởng khi cán bộ thứ hai xác nhận.',
                'The bank checks the account is in the person’s name when the second officer confirms.',
              ),
            ),
            field(
              'change-commune',
              L('Mã xã/phường', 'Commune code'),
              h('input', { id: 'change-commune', type: 'text', inputmode: 'numeric', value: cv.communeCode }),
            ),
            field(
              'change-reason',
              L('Lý do thay đổi', 'Reason for the change'),
              h('input', { id: 'change-reason', type: 'text', required: true }),
            ),
            h(
              'button',
              { type: 'submit', id: 'propose-change', disabled: busy },
              L('Đề xuất thay đổi', 'Propose the change'),
            ),
          ),
    );
  }

  function actions(cv: CaseView): Child {
    if (!officer || FINISHED.has(cv.state)) return null;
    const canRecord = cv.state === 'OPEN' || cv.state === 'ACTION_TAKEN';
    const w = cv.writeOff;
    return [
      methodChange(cv),
      canRecord &&
        h(
          'section',
          { 'aria-labelledby': 'record-h', class: 'panel' },
          h('h2', { id: 'record-h' }, L('Ghi nhận việc đã làm', 'Record what was done')),
          h(
            'form',
            {
              onSubmit: (ev: Event) => {
                ev.preventDefault();
                const note = inputValue('action-note');
                void act(() => record(note));
              },
            },
            field(
              'action-note',
              L('Nội dung (người hưởng không thấy nội dung này)', 'Note (the beneficiary does not see it)'),
              h('input', { id: 'action-note', type: 'text', required: true, minlength: '3', maxlength: '500' }),
            ),
            h('button', { type: 'submit', id: 'record-action', disabled: busy }, L('Ghi nhận', 'Record')),
          ),
        ),
      cv.state !== 'REISSUED' &&
        h(
          'section',
          { 'aria-labelledby': 'wo-h', class: 'panel' },
          h('h2', { id: 'wo-h' }, L('Xóa hồ sơ, không chi (hai cán bộ)', 'Write off, not paid (two officers)')),
          w
            ? [
                h(
                  'p',
                  { id: 'write-off-pending' },
                  `${L('Đề nghị', 'Proposed')}: ${w.reason} · ${dateTime(w.proposedAt)}`,
                ),
                w.proposedBy === s.subject
                  ? notice(
                      'info',
                      L(
                        'Một cán bộ khác phải xác nhận đề nghị của bạn.',
                        'Another officer must confirm your proposal.',
                      ),
                    )
                  : h(
                      'button',
                      {
                        type: 'button',
                        id: 'confirm-write-off',
                        class: 'secondary',
                        disabled: busy,
                        onClick: () =>
                          void act(() =>
                            api('POST', `/v1/cases/${caseId}/actions`, { kind: 'CONFIRM_WRITE_OFF' }).then(() =>
                              L('Đã xác nhận xóa hồ sơ.', 'The write-off is confirmed.'),
                            ),
                          ),
                      },
                      L('Xác nhận xóa hồ sơ', 'Confirm the write-off'),
                    ),
              ]
            : h(
                'form',
                {
                  onSubmit: (ev: Event) => {
                    ev.preventDefault();
                    const reason = inputValue('write-off-reason');
                    void act(() =>
                      api('POST', `/v1/cases/${caseId}/actions`, { kind: 'PROPOSE_WRITE_OFF', reason }).then(() =>
                        L('Đã ghi đề nghị; cần cán bộ khác xác nhận.', 'Proposed; another officer must confirm.'),
                      ),
                    );
                  },
                },
                field(
                  'write-off-reason',
                  L('Lý do (vd. người hưởng đã mất)', 'Reason (e.g. the person died)'),
                  h('input', { id: 'write-off-reason', type: 'text', required: true, minlength: '3' }),
                ),
                h(
                  'button',
                  { type: 'submit', id: 'propose-write-off', class: 'secondary', disabled: busy },
                  L('Đề nghị xóa hồ sơ', 'Propose a write-off'),
                ),
              ),
        ),
    ];
  }

  function render() {
    if (!c) {
      mount(
        root,
        title(L('Hồ sơ', 'Case')),
        error ? notice('error', error) : notice('info', L('Đang tải…', 'Loading…')),
      );
      return;
    }
    const cv = c;
    mount(
      root,
      title(`${L('Hồ sơ tháng', 'Case of')} ${period(cv.period)}`),
      h('p', { class: 'meta' }, h('a', { href: '#/cases' }, L('← Các hồ sơ', '← All cases')), ` · ${cv.caseId}`),
      error && notice('error', error),
      message &&
        h(
          'p',
          {
            id: 'case-message',
            tabindex: '-1',
            class: `notice ${message.kind}`,
            role: message.kind === 'error' ? 'alert' : 'status',
          },
          message.text,
        ),
      facts(cv),
      h(
        'p',
        null,
        h(
          'a',
          { href: `#/trace/${cv.paymentId}`, id: 'to-trace' },
          L('Xem truy vết khoản chi →', 'See the payment’s trace →'),
        ),
      ),
      actions(cv),
      h(
        'section',
        { 'aria-labelledby': 'progress-h' },
        h('h2', { id: 'progress-h' }, L('Tiến độ', 'Progress')),
        table(
          L('Các bước của hồ sơ', 'Steps of the case'),
          [
            L('Thời gian', 'Time'),
            L('Việc', 'Step'),
            L('Người làm', 'By'),
            L('Ghi chú', 'Note'),
            L('Trạng thái', 'State'),
          ],
          cv.actions.map((a) => [
            dateTime(a.at),
            loc(ACTION[a.kind]) || a.kind,
            roleName(a.role),
            a.note ?? '',
            loc(CASE_STATE[a.state]) || a.state,
          ]),
        ),
      ),
    );
  }

  render();
  // Followed while the bank and the supplementary cycle may still move it; an officer's action re-renders at once.
  return poll(async () => {
    try {
      await refresh();
      error = '';
    } catch (err) {
      error = errorText(err);
      render();
      return err instanceof ApiError && [403, 404].includes(err.status);
    }
    const snapshot = JSON.stringify([c, changes]);
    if (snapshot !== shown && !busy) {
      shown = snapshot;
      render();
    }
    return FINISHED.has(c?.state ?? '');
  }, 2000);
}
