/**
 * DynamoDB is the source of truth: after a restart nothing is lost, and work whose message was never
 * sent (crash between write and send), was lost, or whose execution was cut off, is found and finished.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCheck, getCheck } from '../../functions/identity-checks/check-store.js';
import { checkIdFor } from '../../functions/identity-checks/verify-people.js';
import { markDispatched } from '../../functions/jobs/job-store.js';
import { freePort } from '../../infra/local/free-port.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { api, demoUser, eventually, startTestPlatform } from '../support/platform.js';

let dataDir: string;
let ports: { http: number; dynamodb: number; sqs: number; stepFunctions: number };
let platform: LocalPlatform | undefined;
const prefix = 'restart-';

const start = () => startTestPlatform({ dataDir, ports, prefix });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ansinh-restart-'));
  ports = {
    http: await freePort(),
    dynamodb: await freePort(),
    sqs: await freePort(),
    stepFunctions: await freePort(),
  };
});
afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const people = (id: string) => [{ personalId: id }];

async function completed(checkId: string) {
  return eventually(async () => {
    const check = await getCheck(checkId);
    return check?.status === 'COMPLETED' ? check : undefined;
  });
}

describe('restart', () => {
  it('keeps data and finishes every kind of unfinished work', async () => {
    platform = await start();
    const officer = await platform.identityProvider.tokenFor(demoUser('labor_officer', '79'));
    const done = await api(platform, 'POST', '/v1/identity-checks', {
      token: officer,
      body: { people: people('079130796611') },
    });
    await completed(done.body.checkId);

    // 1. Written, then the process died before the send.
    const neverSent = checkIdFor('79', people('079130796612'));
    await createCheck({ jobId: neverSent, jurisdiction: '79', submittedBy: 'test', people: people('079130796612') });
    // 2. Sent, but the message was lost.
    const lost = checkIdFor('79', people('079130796613'));
    await createCheck({ jobId: lost, jurisdiction: '79', submittedBy: 'test', people: people('079130796613') });
    await markDispatched(lost);
    // 3. Its execution was running when the process died.
    const cutOff = checkIdFor('79', people('079130796614'));
    await createCheck({ jobId: cutOff, jurisdiction: '79', submittedBy: 'test', people: people('079130796614') });
    await markDispatched(cutOff);
    const machineArn = platform.stepFunctions.arnOf('identityCheck');
    const executionArn = `${machineArn.replace(':stateMachine:', ':execution:')}:${cutOff}`;
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbEndpoint }));
    const startDate = Date.now() / 1000 - 60;
    await doc.send(
      new PutCommand({
        TableName: `${prefix}local-sfn-executions`,
        Item: {
          executionArn,
          stateMachineArn: machineArn,
          name: cutOff,
          input: JSON.stringify({ checkId: cutOff }),
          status: 'RUNNING',
          startDate,
        },
      }),
    );
    await platform.stop();
    // Nothing above was picked up before the stop: the checks are still open.
    platform = undefined;

    platform = await start();
    const again = await api(platform, 'GET', `/v1/identity-checks/${done.body.checkId}`, { token: officer });
    expect(again.body.status).toBe('COMPLETED');
    for (const id of [neverSent, lost, cutOff]) expect((await completed(id)).status).toBe('COMPLETED');

    const execution = await eventually(async () => {
      const out = await doc.send(new GetCommand({ TableName: `${prefix}local-sfn-executions`, Key: { executionArn } }));
      return out.Item?.status === 'SUCCEEDED' ? out.Item : undefined;
    });
    // The interrupted execution itself was resumed (same start date), not replaced by a new one.
    expect(execution.startDate).toBe(startDate);
    doc.destroy();
  });
});
