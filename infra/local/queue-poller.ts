/**
 * Emulates a Lambda SQS event source mapping: long-polls the queue, hands the handler a batch in the
 * exact SQSEvent shape, deletes what succeeded, and leaves failures (the `batchItemFailures`, or the whole
 * batch if the handler threw) to reappear after the visibility timeout. The queue's redrive policy then
 * moves a message to its dead-letter queue after maxReceiveCount receives, as SQS does on AWS.
 */
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueTrigger } from '../system-model.js';
import type { LambdaInvoker } from './lambda-invoker.js';

export interface PollerOptions {
  functionId: string;
  trigger: QueueTrigger;
  queueUrl: string;
  queueArn: string;
  region: string;
  /** Concurrent batches, like the mapping's pollers scaling out. */
  concurrency?: number;
  onError?: (err: unknown) => void;
}

function toRecord(m: Message, o: PollerOptions): SQSRecord {
  const attrs = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
        k,
        { dataType: v.DataType ?? 'String', stringValue: v.StringValue, binaryValue: undefined },
      ]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: o.queueArn,
    awsRegion: o.region,
  };
}

export class QueuePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private abort = new AbortController();

  constructor(
    private readonly sqs: SQSClient,
    private readonly invoker: LambdaInvoker,
    private readonly o: PollerOptions,
  ) {}

  start(): void {
    this.running = true;
    const loops = Math.min(this.o.concurrency ?? 2, this.o.trigger.maxConcurrency ?? Number.POSITIVE_INFINITY);
    for (let i = 0; i < loops; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let messages: Message[] = [];
      try {
        const out = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.o.queueUrl,
            MaxNumberOfMessages: Math.min(this.o.trigger.batchSize, 10),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.abort.signal },
        );
        messages = out.Messages ?? [];
      } catch (err) {
        if (!this.running) return;
        this.o.onError?.(err);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (messages.length) await this.deliver(messages);
    }
  }

  /** One invocation for the batch; returns the ids that failed. */
  async deliver(messages: Message[]): Promise<string[]> {
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, this.o)) };
    let failed: Set<string>;
    try {
      const response = (await this.invoker.invoke(this.o.functionId, event)) as SQSBatchResponse | undefined;
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      // A handler error fails the whole batch, as on AWS.
      this.o.onError?.(err);
      failed = new Set(event.Records.map((r) => r.messageId));
    }
    const done = event.Records.filter((r) => !failed.has(r.messageId));
    if (done.length) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.o.queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
    }
    return [...failed];
  }
}
