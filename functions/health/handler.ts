/**
 * GET /v1/health — asks every component of the system definition whether it answers: each table,
 * queue (with its dead-letter depth), bucket, state machine, and the identity provider. Public, and it
 * reveals no data: only names, states and timings.
 */
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Health } from '../../schemas/health.js';
import { objects, queues, stepFunctions, tableStatus } from '../shared/aws-clients.js';
import { httpRoute } from '../shared/http.js';
import { COMPONENTS_VARIABLE, type Components } from '../shared/platform-env.js';
import { resources } from '../shared/resources.js';

interface ComponentHealth {
  component: string;
  status: 'up' | 'down';
  latencyMs: number;
  detail?: Record<string, unknown>;
}

const TIMEOUT_MS = 3000;

async function probe(
  component: string,
  fn: () => Promise<Record<string, unknown> | undefined>,
): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS).unref()),
    ]);
    return { component, status: 'up', latencyMs: Math.round(performance.now() - started), ...(detail && { detail }) };
  } catch (err) {
    const reason = err instanceof Error ? err.name : 'error';
    return { component, status: 'down', latencyMs: Math.round(performance.now() - started), detail: { reason } };
  }
}

async function queueDepth(url: string) {
  const out = await queues().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

/** Every component of the definition, as the deployment listed them for this function. */
function components(): Components {
  const raw = process.env[COMPONENTS_VARIABLE];
  if (!raw) throw new Error(`Missing environment variable ${COMPONENTS_VARIABLE}`);
  return JSON.parse(raw) as Components;
}

export async function checkHealth(system: Components = components()): Promise<ComponentHealth[]> {
  const probes: Promise<ComponentHealth>[] = [];
  for (const id of system.tables) {
    probes.push(
      probe(`dynamodb:${id}`, async () => {
        return { tableStatus: await tableStatus(resources.table(id)) };
      }),
    );
  }
  for (const id of system.queues) {
    probes.push(
      probe(`sqs:${id}`, async () => ({
        waiting: await queueDepth(resources.queueUrl(id)),
        // Anything in a dead-letter queue needs a person to look at it.
        deadLetters: await queueDepth(resources.deadLetterQueueUrl(id)),
      })),
    );
  }
  for (const id of system.buckets) {
    probes.push(
      probe(`s3:${id}`, async () => {
        await objects().send(new HeadBucketCommand({ Bucket: resources.bucket(id) }));
        return undefined;
      }),
    );
  }
  for (const id of system.stateMachines) {
    probes.push(
      probe(`stepfunctions:${id}`, async () => {
        const out = await stepFunctions().send(
          new DescribeStateMachineCommand({ stateMachineArn: resources.stateMachineArn(id) }),
        );
        return { status: out.status };
      }),
    );
  }
  const issuer = process.env.ANSINH_OIDC_ISSUER;
  if (issuer) {
    probes.push(
      probe('identity-provider', async () => {
        const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return undefined;
      }),
    );
  }
  return Promise.all(probes);
}

export const handler = httpRoute({
  responses: { 200: Health, 503: Health },
  handle: async () => {
    const system = components();
    const checked = await checkHealth(system);
    const up = checked.every((c) => c.status === 'up');
    return {
      status: up ? 200 : 503,
      body: {
        status: up ? 'up' : 'down',
        service: system.service,
        checkedAt: new Date().toISOString(),
        components: checked,
      },
    };
  },
});
