/** What the disbursement run does next, from the cycle's status and the age of its draft (pure). */
import { describe, expect, it } from '@jest/globals';
import { nextStep, pollSeconds } from '../../../functions/disbursement-cycles/check-approval-task.js';
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

describe('pollSeconds', () => {
  it('looks every 5 minutes for a day after the cycle changed, then every 15', () => {
    const c = { updatedAt: computedAt };
    expect(pollSeconds(c, t0 + 1000)).toBe(300);
    expect(pollSeconds(c, t0 + DAY - 1)).toBe(300);
    expect(pollSeconds(c, t0 + DAY)).toBe(900);
    expect(pollSeconds({ updatedAt: 'garbage' }, t0)).toBe(900);
  });

  it('keeps three approval windows of waiting inside one run (9 history events per poll)', () => {
    const polls = (days: number) => {
      let n = 0;
      for (let t = t0; t < t0 + days * DAY; t += pollSeconds({ updatedAt: computedAt }, t) * 1000) n++;
      return n;
    };
    expect(polls(7) * 9).toBeLessThan(10_000);
    // The draft recomputed at each window's end (a change), so each week starts with a 5-minute day. Past three
    // windows the run meets the history limit and the recovery sweep replaces it.
    expect(3 * polls(7) * 9).toBeLessThan(25_000);
    expect(4 * polls(7) * 9).toBeGreaterThan(25_000);
  });
});
