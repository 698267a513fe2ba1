import { describe, expect, it } from '@jest/globals';
import { runName } from '../../../functions/disbursement-cycles/cycle-run.js';
import type { CycleStatus } from '../../../functions/disbursement-cycles/cycle-store.js';
import { decideRecovery, MAX_RUN_RESTARTS } from '../../../functions/disbursement-cycles/run-recovery.js';

const OPEN: CycleStatus[] = ['COMPUTING', 'DRAFT', 'SUBMITTED', 'APPROVED', 'DISPATCHING', 'COLLECTING'];
const failed = { status: 'FAILED' as const, error: 'States.Runtime', cause: 'boom' };

describe('decideRecovery', () => {
  it('closes the open record of a cycle that is closed, failed or gone, whatever its run', () => {
    for (const run of [undefined, { status: 'RUNNING' as const }, failed]) {
      expect(decideRecovery('CLOSED', run, 0)).toEqual({ kind: 'close', status: 'CLOSED' });
      expect(decideRecovery('FAILED', run, 2)).toEqual({ kind: 'close', status: 'FAILED' });
      expect(decideRecovery(undefined, run, 0)).toEqual({ kind: 'close', status: 'GONE' });
    }
  });

  it.each(OPEN)('leaves a %s cycle alone while its run is live', (status) => {
    expect(decideRecovery(status, { status: 'RUNNING' }, 0)).toEqual({ kind: 'running' });
    expect(decideRecovery(status, { status: 'PENDING_REDRIVE' }, 1)).toEqual({ kind: 'running' });
  });

  it.each(OPEN)('starts the run of a %s cycle that has none under its current name', (status) => {
    expect(decideRecovery(status, undefined, 0)).toEqual({ kind: 'start' });
    // After a replacement was decided but its start was lost: the same (replacement) name again.
    expect(decideRecovery(status, undefined, 2)).toEqual({ kind: 'start' });
  });

  it.each(['SUCCEEDED', 'FAILED', 'TIMED_OUT'] as const)(
    'replaces a run that ended %s while the cycle is open, up to the limit, then fails the cycle',
    (status) => {
      const run = { status };
      for (let restarts = 0; restarts < MAX_RUN_RESTARTS; restarts++) {
        expect(decideRecovery('APPROVED', run, restarts)).toEqual({ kind: 'restart', ended: run });
      }
      expect(decideRecovery('APPROVED', run, MAX_RUN_RESTARTS)).toEqual({
        kind: 'fail',
        code: 'RUN_ABANDONED',
        ended: run,
      });
    },
  );

  it('fails the cycle of a run an operator stopped, rather than carrying on behind their back', () => {
    const aborted = { status: 'ABORTED' as const };
    expect(decideRecovery('SUBMITTED', aborted, 0)).toEqual({ kind: 'fail', code: 'RUN_ABORTED', ended: aborted });
  });
});

describe('runName', () => {
  it('is the cycle id first, then numbered replacements, all valid Step Functions names', () => {
    const cycleId = 'dc-tcxh_hang_thang-2026-01-79123';
    expect(runName(cycleId, 0)).toBe(cycleId);
    expect(runName(cycleId, 1)).toBe(`${cycleId}-r1`);
    expect(runName(cycleId, MAX_RUN_RESTARTS)).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});
