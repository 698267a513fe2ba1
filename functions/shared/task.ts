/**
 * Wrappers for non-HTTP handlers: state machine tasks, queue consumers and scheduled jobs. Each parses its
 * input with zod and carries the shared Powertools middlewares.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ZodType } from 'zod';
import { logger, metrics, tracer } from './powertools.js';

/** Thrown for input that can never succeed; state machines Catch it rather than Retry it. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

function withPowertools<E, R>(fn: (event: E, context: Context) => Promise<R>) {
  return middy(fn)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));
}

function parse<T>(schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** A function invoked with a JSON event: a state machine task or a scheduled job. */
export function invokedTask<I, O>(schema: ZodType<I>, fn: (input: I) => Promise<O>) {
  return withPowertools(async (event: unknown) => {
    try {
      const result = await fn(parse(schema, event));
      metrics.addMetric('TasksSucceeded', 'Count', 1);
      return result;
    } catch (err) {
      metrics.addMetric('TasksFailed', 'Count', 1);
      throw err;
    }
  });
}

/**
 * A queue consumer with partial batch responses: a record that throws is reported in
 * `batchItemFailures` and retried alone; after maxReceiveCount it lands in the dead-letter queue. The records of
 * a batch run at once, or with `inOrder` one after the other, in the order the queue gave them.
 */
export function queueConsumer<M>(
  schema: ZodType<M>,
  fn: (message: M, record: SQSRecord) => Promise<void>,
  options: { inOrder?: boolean } = {},
) {
  const processor = new BatchProcessor(EventType.SQS);
  return withPowertools(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const response = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        let body: unknown;
        try {
          body = JSON.parse(record.body);
        } catch {
          throw new InvalidInputError('message body is not JSON');
        }
        await fn(parse(schema, body), record);
      },
      processor,
      { context, processInParallel: !options.inOrder },
    );
    const failed = response.batchItemFailures.length;
    metrics.addMetric('MessagesProcessed', 'Count', event.Records.length - failed);
    metrics.addMetric('MessagesFailed', 'Count', failed);
    return response;
  });
}
