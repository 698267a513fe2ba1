/** What the disbursement run does next, from the cycle's status and the age of its draft (pure). */
import { describe, expect, it } from '@jest/globals';
import { nextStep } from '../../../functions/disbursement-cycles/check-approval-task.js';
import type { CycleRecord } from '../../../functions/disbursement-cycles/cycle-store.js';

const DAY = 86_400_000;
const computedAt = '2026-05-01T00:00:00.000Z';
const t0 = Date.parse(computedAt);
const cycle = (status: CycleRecord['status'], draft = true) =>
  ({ status, ...(draft ? { draft: { computedAt } } : {}) }) as Pick<CycleRecord, 'status' | 'draft'>;

describe('nextStep', () => {
  it.each([
    ['COMPUTING', 'COMPUTE'],
    ['APPROVED', 'DISPATCH'],
    ['DISPATCHING', 'DISPATCH'],
    ['COLLECTING', 'COLLECT'],
    ['CLOSED', 'STOP'],
    ['FAILED', 'STOP'],
  ] as const)('%s → %s, whatever the draft age', (status, next) => {
    expect(nextStep(cycle(status), t0 + 30 * DAY, 7)).toBe(next);
  });

  it.each(['DRAFT', 'SUBMITTED'] as const)('%s waits inside the window and expires after it', (status) => {
    expect(nextStep(cycle(status), t0 + 7 * DAY, 7)).toBe('WAIT'); // the last instant still counts
    expect(nextStep(cycle(status), t0 + 7 * DAY + 1, 7)).toBe('EXPIRE');
    expect(nextStep(cycle(status), t0 + 2 * DAY, 1.5)).toBe('EXPIRE');
  });

  it('a draft without a computation time (never expected) waits rather than loops', () => {
    expect(nextStep(cycle('DRAFT', false), t0 + 365 * DAY, 7)).toBe('WAIT');
  });
});
