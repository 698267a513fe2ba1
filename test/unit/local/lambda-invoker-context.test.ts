/**
 * Concurrent in-process invocations each log as themselves: the local invoker gives every invocation its
 * own InvokeStore context, as Lambda's multi-concurrency runtime does, so the shared Powertools Logger's
 * function name, request id and temporary keys never leak from one invocation into another.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LambdaInvoker } from '../../../infra/local/lambda-invoker.js';
import { REPO_ROOT } from '../../../infra/local/runtime.js';

const entry = 'test/unit/local/fixtures/logging-task.ts';
const functions = {
  parseList: { description: 'a slow one', entry },
  submitList: { description: 'a quick one', entry },
  dispatch: { description: 'a queue consumer', entry: 'test/unit/local/fixtures/picky-consumer.ts' },
};

const sqsEvent = (ids: number[], waitMs: number) => ({
  Records: ids.map((n) => ({
    messageId: `m${n}`,
    receiptHandle: `r${n}`,
    body: JSON.stringify({ n, waitMs }),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-1:000000000000:q',
    awsRegion: 'ap-southeast-1',
  })),
});

describe('LambdaInvoker function context', () => {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
    // Tests run at WARN (test/support/env.ts); the handler's modules, loaded by the invoker, read this.
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  });
  afterEach(() => {
    process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
    jest.restoreAllMocks();
  });

  it('labels each log line with the function that wrote it, however the invocations interleave', async () => {
    const invoker = new LambdaInvoker(REPO_ROOT, functions, 'ap-southeast-1');
    // parseList starts first and logs last: every other invocation has set its context in between.
    const slow = invoker.invoke('parseList', { message: 'Chunk parsed', waitMs: 150 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const quick = Array.from({ length: 5 }, () =>
      invoker.invoke('submitList', { message: 'Beneficiary list received', waitMs: 10 }),
    );
    await Promise.all([slow, ...quick]);

    // Powertools prints one JSON object per line (Node's own warnings may come between).
    const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(6);
    for (const r of records) {
      const expected = r.message === 'Chunk parsed' ? 'ansinh-parseList' : 'ansinh-submitList';
      expect({ message: r.message, function_name: r.function_name, step: r.step }).toEqual({
        message: r.message,
        function_name: expected,
        step: r.message,
      });
    }
    // One request id per invocation, each a UUID printed whole.
    const ids = records.map((r) => r.function_request_id as string);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('keeps the batch state of concurrent queue invocations apart (module loaded after the first invocation)', async () => {
    const invoker = new LambdaInvoker(REPO_ROOT, functions, 'ap-southeast-1');
    await invoker.invoke('submitList', { message: 'first', waitMs: 0 });
    // Two batches at once, the slow one started first: each reports exactly its own odd records.
    const [slow, quick] = await Promise.all([
      invoker.invoke('dispatch', sqsEvent([1, 2, 3], 80)),
      invoker.invoke('dispatch', sqsEvent([4, 5, 6, 7], 5)),
    ]);
    expect(slow).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm3' }] });
    expect(quick).toEqual({ batchItemFailures: [{ itemIdentifier: 'm5' }, { itemIdentifier: 'm7' }] });
  });
});
