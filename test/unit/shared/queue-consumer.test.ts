/**
 * queueConsumer runs a batch's records at once by default, and one after the other with `inOrder` (the status
 * worker: a file's ACSP and ACSC reports in one batch must not move the same payments at the same time).
 */
import { describe, expect, it } from '@jest/globals';
import type { Context, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { queueConsumer } from '../../../functions/shared/task.js';

const event = (waits: number[]): SQSEvent => ({
  Records: waits.map((waitMs, n) => ({
    messageId: `m${n}`,
    receiptHandle: `r${n}`,
    body: JSON.stringify({ n, waitMs }),
    attributes: {} as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:q',
    awsRegion: 'ap-southeast-1',
  })),
});

const context = { functionName: 'test', awsRequestId: 'req', getRemainingTimeInMillis: () => 60_000 } as Context;

/** What each record did, in the order it happened: `start n`, `end n`. */
function consumer(inOrder: boolean) {
  const steps: string[] = [];
  const handler = queueConsumer(
    z.object({ n: z.number(), waitMs: z.number() }),
    async ({ n, waitMs }) => {
      steps.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, waitMs));
      steps.push(`end ${n}`);
      if (n === 1) throw new Error('the second record fails');
    },
    { inOrder },
  );
  return { steps, handler };
}

describe('queueConsumer', () => {
  it('in order: each record ends before the next starts, and a failure still fails only its own record', async () => {
    const { steps, handler } = consumer(true);
    const out = await handler(event([30, 1, 1]), context);
    expect(steps).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });

  it('by default the records run at once', async () => {
    const { steps, handler } = consumer(false);
    const out = await handler(event([30, 1, 1]), context);
    expect(steps.slice(0, 3)).toEqual(['start 0', 'start 1', 'start 2']);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
  });
});
