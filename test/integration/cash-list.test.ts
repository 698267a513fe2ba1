/**
 * The post office's cash list of one commune reads that commune's payments of the cycle and nothing else: with
 * another commune of the same cycle holding many more sent cash payments, and the same commune's payments of
 * another cycle, every item DynamoDB hands back while the list is read is counted, and none of theirs is
 * among them. The list itself: the commune's post-office payments that are SENT, in payment-id order.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type PaymentHead,
  type PaymentInstruction,
  postOfficePaymentsOfCommune,
  recordPending,
  transition,
} from '../../functions/payment-ledger/ledger-store.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { inParallel } from '../../functions/shared/in-parallel.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let reading = false;
/** Every item a Query or BatchGet answered while `reading`, and the index each Query used. */
const itemsRead: Record<string, unknown>[] = [];
const indexesQueried: string[] = [];
let keysAsked = 0;

beforeAll(async () => {
  platform = await startTestPlatform();
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (reading) {
        const command = String(context.commandName);
        const input = args.input as { IndexName?: string; RequestItems?: Record<string, { Keys: unknown[] }> };
        const output = result.output as {
          Items?: Record<string, unknown>[];
          Responses?: Record<string, Record<string, unknown>[]>;
        };
        if (command.startsWith('Query')) indexesQueried.push(input.IndexName ?? '(table)');
        if (command.startsWith('BatchGet'))
          keysAsked += Object.values(input.RequestItems ?? {}).reduce((n, r) => n + r.Keys.length, 0);
        itemsRead.push(...(output.Items ?? []), ...Object.values(output.Responses ?? {}).flat());
      }
      return result;
    },
    { step: 'initialize', name: 'countReads', priority: 'high' },
  );
}, 90_000);

afterAll(async () => {
  await platform?.stop();
});

const CYCLE = 'C-2026-04-79-cash';
const OTHER_CYCLE = 'C-2026-03-79-cash';

const instruction = (cycleId: string, id: string, communeCode: string, channel: PaymentInstruction['channel']) => ({
  paymentId: id,
  cycleId,
  programme: 'TCXH_HANG_THANG',
  period: cycleId.slice(2, 9),
  personId: `p-${id}`,
  socialAccount: 'AS00000000000000',
  amount: 500_000,
  channel,
  ...(channel === 'BANK' ? { bankBin: '970436', creditorAccount: `10${id.slice(-8)}` } : {}),
  creditorName: 'NGUYEN VAN A',
  communeCode,
  categoryCode: 'NCT_80',
  months: [cycleId.slice(2, 9)],
});

async function seed(i: PaymentInstruction, state: 'PENDING' | 'SENT') {
  await recordPending(i, 0);
  if (state === 'SENT') await transition(i.paymentId, 'SENT', 'post-office-list', { communeCode: i.communeCode });
}

describe('a commune cash list', () => {
  it('reads only that commune’s payments of the cycle', async () => {
    const ours = ['PTCASHA0003', 'PTCASHA0001', 'PTCASHA0002'].map((id) =>
      instruction(CYCLE, id, '26737', 'POST_OFFICE'),
    );
    const ourPending = instruction(CYCLE, 'PTCASHA0004', '26737', 'POST_OFFICE');
    const ourBank = instruction(CYCLE, 'PTCASHA0005', '26737', 'BANK');
    const otherCommune = Array.from({ length: 40 }, (_, n) =>
      instruction(CYCLE, `PTCASHB${String(n).padStart(4, '0')}`, '26734', 'POST_OFFICE'),
    );
    const otherCycle = instruction(OTHER_CYCLE, 'PTCASHC0001', '26737', 'POST_OFFICE');
    await inParallel([...ours, ...otherCommune, otherCycle, ourBank], 8, (i) => seed(i, 'SENT'));
    await seed(ourPending, 'PENDING');

    reading = true;
    const listed: PaymentHead[] = [];
    for await (const p of postOfficePaymentsOfCommune(CYCLE, '26737', 'SENT')) listed.push(p);
    reading = false;

    // The commune's sent cash payments, in payment-id order; not the pending one, the bank one or other cycles'.
    expect(listed.map((p) => p.paymentId)).toEqual(['PTCASHA0001', 'PTCASHA0002', 'PTCASHA0003']);
    expect(listed.every((p) => p.state === 'SENT' && p.communeCode === '26737')).toBe(true);
    // Reads: one query of the commune's index key, then its four cash payments' HEADs (the pending one included).
    expect(indexesQueried).toEqual(['byCommune']);
    expect(keysAsked).toBe(4);
    const readIds = new Set(itemsRead.map((item) => item.paymentId as string));
    for (const other of [...otherCommune, otherCycle, ourBank]) expect(readIds.has(other.paymentId)).toBe(false);
    expect(itemsRead.length).toBeLessThanOrEqual(8);
  });
});
