/**
 * The emulated triggers behave like AWS: HTTP API + JWT authorizer, SQS event source mapping with
 * partial batch responses and DLQ redrive, Step Functions Retry/Catch over the real handlers.
 */

import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SQSEvent } from 'aws-lambda';
import type { InvocationRecord } from '../../infra/local/lambda-invoker.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { system } from '../../infra/system.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';

let platform: LocalPlatform;
let officer: string;
const invocations: InvocationRecord[] = [];

beforeAll(async () => {
  // Long enough that a good record's handling (slow on a loaded machine) never outlives its visibility: a
  // redelivery then means the mapping failed to delete it, which is what the SQS test below checks.
  platform = await startTestPlatform({ visibilityTimeoutSeconds: 4 });
  platform.invoker.observe((r) => invocations.push(r));
  officer = await platform.identityProvider.tokenFor(demoUser('labor_officer', '79'));
});
afterAll(async () => {
  await platform?.stop();
});

const person = (personalId: string, dateOfBirth?: string, gender?: 'M' | 'F') => ({ personalId, dateOfBirth, gender });

async function submitAndWait(people: ReturnType<typeof person>[]) {
  const submitted = await api(platform, 'POST', '/v1/identity-checks', { token: officer, body: { people } });
  expect([200, 202]).toContain(submitted.status);
  const id = submitted.body.checkId as string;
  return eventually(async () => {
    const got = await api(platform, 'GET', `/v1/identity-checks/${id}`, { token: officer });
    return got.body.status === 'ACCEPTED' ? undefined : got.body;
  });
}

const sfn = () => new SFNClient({ endpoint: platform.stepFunctions.endpoint, region: 'ap-southeast-1' });

describe('HTTP API', () => {
  it('reports every component up on /v1/health without a token', async () => {
    const res = await api(platform, 'GET', '/v1/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('up');
    const names = res.body.components.map((c: { component: string }) => c.component).sort();
    expect(names).toEqual(
      [
        ...Object.keys(system.tables).map((t) => `dynamodb:${t}`),
        ...Object.keys(system.queues).map((q) => `sqs:${q}`),
        ...Object.keys(system.buckets).map((b) => `s3:${b}`),
        ...Object.keys(system.stateMachines).map((m) => `stepfunctions:${m}`),
        'identity-provider',
      ].sort(),
    );
    for (const c of res.body.components) expect(c.status).toBe('up');
  });

  it('answers 404 like API Gateway for an unknown route', async () => {
    const res = await api(platform, 'GET', '/v1/nothing-here');
    expect(res).toEqual({ status: 404, body: { message: 'Not Found' } });
  });

  it('refuses missing, expired, foreign-issuer, wrong-audience and unsigned tokens with 401', async () => {
    const user = demoUser('labor_officer', '79');
    const idp = platform.identityProvider;
    const payload = Buffer.from(
      JSON.stringify({ sub: 'x', iss: idp.issuer, aud: 'ansinh-api', exp: Math.floor(Date.now() / 1000) + 600 }),
    ).toString('base64url');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const bad = [
      undefined,
      'not-a-jwt',
      await idp.tokenFor(user, { expiresInSeconds: -60 }),
      await idp.tokenFor(user, { issuer: 'https://evil.example/oidc' }),
      await idp.tokenFor(user, { audience: 'another-api' }),
      unsigned,
    ];
    for (const token of bad) {
      const res = await api(platform, 'POST', '/v1/identity-checks', {
        token,
        body: { people: [person('079132108434')] },
      });
      expect(res.status).toBe(401);
    }
  });

  it('answers 403 to a valid token of the wrong role', async () => {
    for (const role of ['beneficiary', 'finance_preparer', 'auditor'] as const) {
      const token = await platform.identityProvider.tokenFor(demoUser(role));
      const res = await api(platform, 'POST', '/v1/identity-checks', {
        token,
        body: { people: [person('079132108434')] },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect(res.body.error.message.vi).toMatch(/Vai trò/);
    }
  });

  it('rejects an invalid body with a bilingual 400 naming the field', async () => {
    const res = await api(platform, 'POST', '/v1/identity-checks', { token: officer, body: { people: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
    expect(res.body.error.details[0].path).toBe('people');
  });
});

describe('identity check, end to end', () => {
  it('runs route → queue → state machine → table and returns each verdict', async () => {
    const check = await submitAndWait([
      person('079132108434', '1932-05-27', 'F'),
      person('79132108434'),
      person('123456789'),
      person('079132108434', '1932-05-27', 'F'),
    ]);
    expect(check.status).toBe('COMPLETED');
    expect(check.summary).toEqual({ total: 4, valid: 1, invalid: 3 });
    const codes = check.results.map((r: { findings: { code: string }[] }) => r.findings.map((f) => f.code));
    expect(codes).toEqual([[], ['ID_LEADING_ZERO_LOST'], ['ID_OLD_CMND'], ['DUPLICATE_IN_REQUEST']]);
  });

  it('returns the first check for a repeated submission instead of creating a second', async () => {
    const people = [person('001094012345')];
    const first = await api(platform, 'POST', '/v1/identity-checks', { token: officer, body: { people } });
    const second = await api(platform, 'POST', '/v1/identity-checks', { token: officer, body: { people } });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.checkId).toBe(first.body.checkId);
  });

  it('hides a check from another jurisdiction (404, not 403) and shows it to an auditor', async () => {
    const check = await submitAndWait([person('001094012399')]);
    const hanoi = await platform.identityProvider.tokenFor(demoUser('labor_officer', '01'));
    expect((await api(platform, 'GET', `/v1/identity-checks/${check.checkId}`, { token: hanoi })).status).toBe(404);
    const auditor = await platform.identityProvider.tokenFor(demoUser('auditor'));
    expect((await api(platform, 'GET', `/v1/identity-checks/${check.checkId}`, { token: auditor })).status).toBe(200);
  });
});

describe('SQS event source mapping', () => {
  it('retries a failed record alone and moves it to the DLQ after maxReceiveCount', async () => {
    const q = platform.queueUrls.identityChecks;
    if (!q) throw new Error('queue missing');
    const goodA = 'ic-aaaaaaaaaaaaaaaaaaaaaaaaaa';
    const goodB = 'ic-bbbbbbbbbbbbbbbbbbbbbbbbbb';
    const from = invocations.length;
    await platform.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: [
          { Id: 'a', MessageBody: JSON.stringify({ checkId: goodA }) },
          { Id: 'poison', MessageBody: '{"checkId": "not a check id"}' },
          { Id: 'b', MessageBody: JSON.stringify({ checkId: goodB }) },
        ],
      }),
    );
    const dead = await eventually(async () => {
      const out = await platform.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: q.dlqUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      return out.Messages?.length ? out.Messages : undefined;
    }, 40_000);
    expect(dead.map((m) => m.Body)).toEqual(['{"checkId": "not a check id"}']);

    const batches = invocations
      .slice(from)
      .filter((r) => r.functionId === 'identityCheckWorker')
      .map((r) => (r.event as SQSEvent).Records.map((rec) => rec.body));
    const deliveries = (body: string) => batches.flat().filter((b) => b === body).length;
    expect(deliveries('{"checkId": "not a check id"}')).toBe(3);
    expect(deliveries(JSON.stringify({ checkId: goodA }))).toBe(1);
    expect(deliveries(JSON.stringify({ checkId: goodB }))).toBe(1);
    // After its first delivery the poison message is always retried on its own.
    const poisonBatches = batches.filter((b) => b.includes('{"checkId": "not a check id"}'));
    for (const batch of poisonBatches.slice(1)) expect(batch).toEqual(['{"checkId": "not a check id"}']);
  });
});

describe('Step Functions', () => {
  const attempts = (from: number, fn: string) => invocations.slice(from).filter((r) => r.functionId === fn);

  it('retries a throttled task and completes', async () => {
    const from = invocations.length;
    platform.invoker.injectFault('checkIdentities', { name: 'Lambda.TooManyRequestsException', times: 2 });
    const check = await submitAndWait([person('079130796600')]);
    expect(check.status).toBe('COMPLETED');
    expect(attempts(from, 'checkIdentities').map((r) => r.outcome)).toEqual(['error', 'error', 'ok']);
  });

  it('takes the Catch path when retries run out, records the failure and fails the run', async () => {
    const from = invocations.length;
    platform.invoker.injectFault('checkIdentities', {
      name: 'Lambda.ServiceException',
      times: Number.POSITIVE_INFINITY,
    });
    try {
      const check = await submitAndWait([person('079130796601')]);
      expect(check.status).toBe('FAILED');
      expect(check.failure.code).toBe('CHECK_NOT_COMPLETED');
      expect(check.failure.message.vi).toContain('Lambda.ServiceException');
      expect(attempts(from, 'checkIdentities')).toHaveLength(4); // first try + MaxAttempts 3
      expect(attempts(from, 'failIdentityCheck').map((r) => r.outcome)).toEqual(['ok']);
      const arn = `${platform.stepFunctions.arnOf('identityCheck').replace(':stateMachine:', ':execution:')}:${check.checkId}`;
      const run = await eventually(async () => {
        const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
        return d.status === 'RUNNING' ? undefined : d;
      });
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('IdentityCheckFailed');
    } finally {
      platform.invoker.clearFaults();
    }
  });

  it('does not retry an error that can never succeed', async () => {
    const from = invocations.length;
    const name = 'ic-cccccccccccccccccccccccccc';
    const machine = platform.stepFunctions.arnOf('identityCheck');
    const started = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: machine, name, input: JSON.stringify({ checkId: name }) }),
    );
    const run = await eventually(async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(run.status).toBe('FAILED');
    expect(attempts(from, 'checkIdentities').map((r) => r.error)).toEqual(['InvalidInputError']);
  });

  it('treats a second start with the same name as the same run, like AWS', async () => {
    const name = 'ic-dddddddddddddddddddddddddd';
    const machine = platform.stepFunctions.arnOf('identityCheck');
    const input = JSON.stringify({ checkId: name });
    const first = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name, input }));
    await platform.stepFunctions.idle();
    await expect(
      sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name, input })),
    ).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    expect(first.executionArn).toContain(name);
  });
});
