/**
 * Every 30 minutes: a payment the bank has left UNKNOWN (no final answer at the cut-off) for more than
 * `UNKNOWN_CASE_AFTER_DAYS` banking days opens its case, like a rejection (the person is told, an officer
 * follows it up). It reads the cycles of each province created in the last 100 days (the cycles'
 * byJurisdiction index) and their UNKNOWN payments (the ledger's byCycleState index): a few queries a province.
 * Cycles kept at commune level are not swept (their jurisdiction is not a province code). Idempotent: a case
 * opened before is found, its message not sent again. `detail.asOf` (ISO time) replaces the clock in tests.
 */
import { z } from 'zod';
import { cycleIdsCreatedSince } from '../disbursement-cycles/cycle-store.js';
import { paymentsInState } from '../payment-ledger/ledger-store.js';
import provincesJson from '../population/data/provinces-2025.json' with { type: 'json' };
import { logger } from '../shared/powertools.js';
import { invokedTask } from '../shared/task.js';
import { opensCase } from './case-model.js';
import { openCaseOnFailure } from './open-on-failure.js';

const LOOK_BACK_MS = 100 * 24 * 3600_000;

export const handler = invokedTask(
  z.looseObject({ detail: z.object({ asOf: z.iso.datetime().optional() }).optional() }),
  async (event) => {
    const now = event.detail?.asOf ?? new Date().toISOString();
    const since = new Date(Date.parse(now) - LOOK_BACK_MS).toISOString();
    let opened = 0;
    for (const { code } of provincesJson.provinces) {
      for (const cycleId of await cycleIdsCreatedSince(code, since)) {
        for await (const p of paymentsInState(cycleId, 'UNKNOWN')) {
          if (!opensCase('UNKNOWN', p.updatedAt, now)) continue;
          if (await openCaseOnFailure(p.paymentId, 'UNKNOWN', undefined, now)) opened++;
        }
      }
    }
    logger.info('Overdue UNKNOWN payments swept', { casesOpenedOrFound: opened });
    return { casesOpenedOrFound: opened };
  },
);
