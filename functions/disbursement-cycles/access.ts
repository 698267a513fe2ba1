/**
 * Finance officers act within their jurisdiction; auditors read everything. Others see nothing.
 * The auditor's reach is for reading only: on a write route (`cycleToChange`) the auditor role grants
 * nothing, so a token holding auditor and a finance role changes only its own jurisdiction's cycles.
 */
import type { Principal } from '../../schemas/roles.js';
import { HttpError, notFound } from '../shared/http.js';
import { CycleConflictError, type CycleRecord, getCycle } from './cycle-store.js';

export async function visibleCycle(principal: Principal | null, cycleId: string): Promise<CycleRecord> {
  const cycle = await getCycle(cycleId);
  const mayRead = principal?.roles.includes('auditor') || (cycle && cycle.jurisdiction === principal?.jurisdiction);
  if (!cycle || !mayRead) throw notFound();
  return cycle;
}

/** A cycle the caller may change: its own jurisdiction's only, whatever other roles the token holds. */
export async function cycleToChange(principal: Principal | null, cycleId: string): Promise<CycleRecord> {
  const cycle = await getCycle(cycleId);
  if (!cycle || !principal?.jurisdiction || cycle.jurisdiction !== principal.jurisdiction) throw notFound();
  return cycle;
}

const CONFLICTS: Record<string, { vi: string; en: string }> = {
  WRONG_STATUS: {
    vi: 'Kỳ chi trả không ở trạng thái cho phép thao tác này.',
    en: 'The cycle is not in a state that allows this.',
  },
  CONTENT_CHANGED: {
    vi: 'Nội dung bảng chi trả đã thay đổi; hãy xem lại trước khi thao tác.',
    en: 'The payment list changed; review it again first.',
  },
  CONCURRENT_CHANGE: {
    vi: 'Người khác vừa thao tác trên kỳ chi trả này.',
    en: 'Someone else changed this cycle at the same time.',
  },
  BUDGET_EXCEEDED: {
    vi: 'Vượt dự toán được giao cho chương trình và địa bàn này.',
    en: 'This would exceed the budget ceiling of the programme and jurisdiction.',
  },
  NO_BUDGET: {
    vi: 'Chưa có dự toán cho chương trình và năm này.',
    en: 'No budget is set for this programme and year.',
  },
  OTHER_CYCLE_RUNNING: {
    vi: 'Một kỳ chi trả hằng tháng khác của chương trình và địa bàn này đang chi; hãy chờ kỳ đó đóng, rồi tính lại bảng chi trả này.',
    en: 'Another monthly cycle of this programme and jurisdiction is paying; wait until it closes, then recompute this draft.',
  },
  DRAFT_STALE: {
    vi: 'Bảng chi trả được tính trước khi một kỳ chi trả khác đóng, nên có thể chi trùng tháng; hãy tính lại rồi trình duyệt.',
    en: 'This draft was computed before another cycle closed and could pay a month twice; recompute it and submit again.',
  },
  SAME_PERSON: {
    vi: 'Người duyệt phải khác người lập và người trình.',
    en: 'The approver must be someone other than the preparer and submitter.',
  },
};

/** Conflicts become 409 with a bilingual message; the code tells clients which. */
export async function asHttpConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CycleConflictError) {
      throw new HttpError(409, err.code, CONFLICTS[err.code] ?? CONFLICTS.CONCURRENT_CHANGE ?? { vi: '', en: '' });
    }
    throw err;
  }
}
