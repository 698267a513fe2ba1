/**
 * POST /v1/disbursement-cycles/{cycleId}/approve — a different officer approves the exact submitted content.
 * The cycle's status, the content hash, the budget and (for a monthly cycle) the programme's monthly turn are
 * checked in one transaction: of two approvers at once, exactly one succeeds (the other gets 409), the budget
 * can never go below zero, and a draft computed before another monthly cycle closed is refused as stale
 * (cycle-turns.ts).
 */
import { z } from 'zod';
import { CycleId, CycleView, HashedDecision } from '../../schemas/disbursement-cycles.js';
import { httpRoute } from '../shared/http.js';
import { asHttpConflict, cycleToChange } from './access.js';
import {
  budgetDebit,
  CycleConflictError,
  changeCycle,
  getBudget,
  getTurn,
  setBudget,
  takeTurn,
} from './cycle-store.js';
import { approvalTurn } from './cycle-turns.js';
import { toCycleView } from './cycle-view.js';
import budgets from './data/budgets.json' with { type: 'json' };

export const handler = httpRoute({
  responses: { 200: CycleView },
  params: z.object({ cycleId: CycleId }),
  body: HashedDecision,
  handle: async ({ principal, params, body }) => {
    const cycle = await cycleToChange(principal, params.cycleId);
    const approver = principal?.subject ?? '';
    const updated = await asHttpConflict(async () => {
      // The maker can never approve, whatever the status: they learn that first.
      if (approver === cycle.submittedBy || approver === cycle.createdBy) {
        throw new CycleConflictError('SAME_PERSON', 'maker cannot approve');
      }
      if (cycle.status !== 'SUBMITTED') throw new CycleConflictError('WRONG_STATUS', `cycle is ${cycle.status}`);
      if (cycle.submittedHash !== body.contentHash) {
        throw new CycleConflictError('CONTENT_CHANGED', 'approving something other than what was submitted');
      }
      const amount = cycle.draft?.totals.amount ?? 0;
      const year = cycle.period.slice(0, 4);
      if (!(await getBudget(cycle.programme, cycle.jurisdiction, year))) {
        const allocated = budgets.budgets.find(
          (b) => b.programme === cycle.programme && b.jurisdiction === cycle.jurisdiction && b.year === year,
        );
        if (!allocated) throw new CycleConflictError('NO_BUDGET', 'no budget');
        await setBudget(cycle.programme, cycle.jurisdiction, year, allocated.ceilingVnd);
      }
      // Supplementary cycles wait their turn at creation (create-handler.ts); monthly ones here.
      const monthly = cycle.kind !== 'SUPPLEMENTARY';
      const computedAt = cycle.draft?.computedAt ?? '';
      if (monthly) {
        const refusal = approvalTurn(cycle.cycleId, computedAt, await getTurn(cycle.programme, cycle.jurisdiction));
        if (refusal) throw new CycleConflictError(refusal.code, JSON.stringify(refusal));
      }
      return changeCycle({
        cycleId: cycle.cycleId,
        actor: { subject: approver, role: 'finance_approver' },
        action: 'APPROVED',
        from: ['SUBMITTED'],
        to: 'APPROVED',
        expectHash: body.contentHash,
        set: { approvedBy: approver, approvedHash: body.contentHash, approvedAt: new Date().toISOString() },
        detail: { budgetYear: year },
        extra: [
          budgetDebit(cycle.programme, cycle.jurisdiction, year, amount),
          ...(monthly ? [takeTurn(cycle, computedAt)] : []),
        ],
        // The turn changed between the read above and the write: whoever holds it now, the answer is to wait.
        extraConflicts: ['BUDGET_EXCEEDED', 'OTHER_CYCLE_RUNNING'],
      });
    });
    return { status: 200, body: toCycleView(updated) };
  },
});
