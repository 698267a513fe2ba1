/**
 * The sample events in events/ (one per function, `events/<functionId>.json`) are the events AWS delivers:
 * API Gateway HTTP API payload 2.0 with a JWT authorizer, an SQS batch, Step Functions task payloads and an
 * EventBridge scheduled event. Each parses with the schema its handler uses, and each runs through the real
 * handler in the local runtime with a sensible result.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { z } from 'zod';
import { checkIdFor } from '../../functions/identity-checks/verify-people.js';
import { principalFromClaims, roleConfig } from '../../functions/shared/auth.js';
import { writeObject } from '../../functions/shared/objects.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { system } from '../../infra/system.js';
import { type RouteDef, routeKey } from '../../infra/system-model.js';
import { RowOutcome, SubmitListFromUpload } from '../../schemas/beneficiary-lists.js';
import {
  CheckId,
  CheckTaskInput,
  FailTaskInput,
  IdentityCheckMessage,
  IdentityCheckRequest,
  IdentityCheckView,
} from '../../schemas/identity-checks.js';
import { ErrorBody } from '../../schemas/messages.js';
import {
  ChunkInput,
  FailListInput,
  ListId,
  OpenOutput,
  ParseInput,
  SummariseInput,
  VerifyOutput,
} from '../../schemas/onboarding.js';
import { eventually, startTestPlatform } from '../support/platform.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVENTS = resolve(REPO_ROOT, 'events');
const FUNCTION_IDS = Object.keys(system.functions);

function sample<T = any>(functionId: string): T {
  return JSON.parse(readFileSync(resolve(EVENTS, `${functionId}.json`), 'utf8')) as T;
}

// ---------------------------------------------------------------------------------------------------------
// Event shapes as AWS delivers them
// ---------------------------------------------------------------------------------------------------------

const HttpApiEvent = z.strictObject({
  version: z.literal('2.0'),
  routeKey: z.string(),
  rawPath: z.string().startsWith('/'),
  rawQueryString: z.string(),
  cookies: z.array(z.string()).optional(),
  headers: z.record(z.string().regex(/^[a-z0-9-]+$/), z.string()),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  pathParameters: z.record(z.string(), z.string()).optional(),
  stageVariables: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean(),
  requestContext: z.strictObject({
    accountId: z.string().regex(/^\d{12}$/),
    apiId: z.string().min(1),
    // HTTP API hands JWT claims to Lambda as strings only (arrays as `[a b]`).
    authorizer: z.strictObject({
      jwt: z.strictObject({ claims: z.record(z.string(), z.string()), scopes: z.array(z.string()).nullable() }),
    }),
    domainName: z.string(),
    domainPrefix: z.string(),
    http: z.strictObject({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      path: z.string(),
      protocol: z.string(),
      sourceIp: z.string(),
      userAgent: z.string(),
    }),
    requestId: z.string().min(1),
    routeKey: z.string(),
    stage: z.string(),
    time: z.string().regex(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
    timeEpoch: z.number().int().positive(),
  }),
});
/** Routes without an authorizer carry no `authorizer` at all. */
const PublicHttpApiEvent = HttpApiEvent.extend({
  requestContext: HttpApiEvent.shape.requestContext.omit({ authorizer: true }),
});

const SqsEventSchema = z.strictObject({
  Records: z
    .array(
      z.strictObject({
        messageId: z.uuid(),
        receiptHandle: z.string().min(1),
        body: z.string(),
        attributes: z.looseObject({
          ApproximateReceiveCount: z.string().regex(/^[1-9]\d*$/),
          SentTimestamp: z.string().regex(/^\d{13}$/),
          SenderId: z.string().min(1),
          ApproximateFirstReceiveTimestamp: z.string().regex(/^\d{13}$/),
        }),
        messageAttributes: z.record(z.string(), z.unknown()),
        md5OfBody: z.string().regex(/^[0-9a-f]{32}$/),
        eventSource: z.literal('aws:sqs'),
        eventSourceARN: z.string().regex(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w-]+$/),
        awsRegion: z.string(),
      }),
    )
    .min(1),
});

const ScheduledEvent = z.strictObject({
  version: z.literal('0'),
  id: z.uuid(),
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  account: z.string().regex(/^\d{12}$/),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string().regex(/^arn:aws:events:[a-z0-9-]+:\d{12}:rule\/.+$/)).length(1),
  detail: z.looseObject({}),
});

// ---------------------------------------------------------------------------------------------------------
// What each function is, from the system definition
// ---------------------------------------------------------------------------------------------------------

const routeOf = (functionId: string): RouteDef | undefined => system.routes.find((r) => r.function === functionId);
const isQueueConsumer = (id: string) => system.functions[id]?.triggers?.some((t) => t.kind === 'queue') ?? false;
const isScheduled = (id: string) => system.functions[id]?.triggers?.some((t) => t.kind === 'schedule') ?? false;
const stripPath = (key: string) => key.replace(/\.\$$/, '');

/**
 * The fields of the payload that each Task state calling a function builds (ASL Parameters), including
 * tasks inside a Map, whose `"Payload.$": "$"` is the item the Map's ItemSelector built.
 */
function taskPayloadFields(functionId: string): string[][] {
  const found: string[][] = [];
  for (const sm of Object.values(system.stateMachines)) {
    const walk = (states: Record<string, any>, itemFields?: string[]) => {
      for (const state of Object.values(states)) {
        const name = /^\$\{(\w+)\}$/.exec(state.Parameters?.FunctionName ?? '')?.[1];
        if (name && sm.functions[name] === functionId) {
          if (state.Parameters.Payload) found.push(Object.keys(state.Parameters.Payload).map(stripPath));
          else if (state.Parameters['Payload.$'] === '$' && itemFields) found.push(itemFields);
          else throw new Error(`${sm.definitionFile}: cannot tell what ${functionId} receives`);
        }
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) walk(processor.States, state.ItemSelector && Object.keys(state.ItemSelector).map(stripPath));
        for (const branch of state.Branches ?? []) walk(branch.States);
      }
    };
    walk(JSON.parse(readFileSync(resolve(REPO_ROOT, sm.definitionFile), 'utf8')).States);
  }
  return found;
}

const ListParams = z.strictObject({ listId: ListId });
const FileFormat = z.strictObject({ format: z.enum(['xlsx', 'csv']).optional() });

/** The schema each handler applies to what it receives, beyond the event envelope. */
const HANDLER_INPUT: Record<string, (event: any) => void> = {
  health: (e) => expect(e.body).toBeUndefined(),
  submitIdentityCheck: (e) => IdentityCheckRequest.parse(JSON.parse(e.body)),
  getIdentityCheck: (e) => z.strictObject({ checkId: CheckId }).parse(e.pathParameters),
  identityCheckWorker: (e: SQSEvent) => {
    for (const r of e.Records) IdentityCheckMessage.parse(JSON.parse(r.body));
  },
  checkIdentities: (e) => CheckTaskInput.parse(e),
  failIdentityCheck: (e) => FailTaskInput.parse(e),
  redriveJobs: (e) =>
    z.object({ detail: z.object({ staleAfterSeconds: z.number().int().min(0).optional() }) }).parse(e),
  createListUpload: (e) => expect(e.body).toBeUndefined(),
  submitList: (e) => SubmitListFromUpload.parse(JSON.parse(e.body)),
  getList: (e) => ListParams.parse(e.pathParameters),
  getListRows: (e) => {
    ListParams.parse(e.pathParameters);
    z.strictObject({
      outcome: RowOutcome.optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      cursor: z.string().max(2000).optional(),
    }).parse(e.queryStringParameters ?? {});
  },
  getListResult: (e) => {
    ListParams.parse(e.pathParameters);
    FileFormat.parse(e.queryStringParameters ?? {});
  },
  getListTemplate: (e) => FileFormat.parse(e.queryStringParameters ?? {}),
  parseList: (e) => ParseInput.parse(e),
  verifyListChunk: (e) => ChunkInput.parse(e),
  openListAccounts: (e) => ChunkInput.parse(e),
  summariseList: (e) => SummariseInput.parse(e),
  failList: (e) => FailListInput.parse(e),
};

describe('sample events', () => {
  it('exist for every function of the system definition, and only for those', () => {
    for (const id of FUNCTION_IDS) {
      expect(existsSync(resolve(EVENTS, `${id}.json`)) ? id : `${id} (no sample)`).toBe(id);
    }
    const files = readdirSync(EVENTS).filter((f) => f.endsWith('.json'));
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual([...FUNCTION_IDS].sort());
  });

  it('have a handler input check for every function', () => {
    expect(Object.keys(HANDLER_INPUT).sort()).toEqual([...FUNCTION_IDS].sort());
  });

  it.each(FUNCTION_IDS)('%s parses with the schema its handler uses', (id) => {
    const check = HANDLER_INPUT[id];
    if (!check) throw new Error(`no input check for ${id}`);
    check(sample(id));
  });

  it.each(FUNCTION_IDS)('%s is the event of its trigger', (id) => {
    const event = sample(id);
    const route = routeOf(id);
    if (route) {
      (route.roles === 'public' ? PublicHttpApiEvent : HttpApiEvent).parse(event);
    } else if (isQueueConsumer(id)) {
      SqsEventSchema.parse(event);
    } else if (isScheduled(id)) {
      ScheduledEvent.parse(event);
    } else {
      const payloads = taskPayloadFields(id);
      expect(payloads.length).toBeGreaterThan(0);
      // Exactly the fields the state machine's Parameters build (`name.$` selects `name`).
      for (const fields of payloads) expect(Object.keys(event).sort()).toEqual([...fields].sort());
    }
  });
});

describe('HTTP samples', () => {
  const httpFunctions = FUNCTION_IDS.filter((id) => routeOf(id));
  const routeKeys = new Set(system.routes.map(routeKey));
  const routeFor = (event: APIGatewayProxyEventV2WithJWTAuthorizer) =>
    system.routes.find((r) => routeKey(r) === event.routeKey) as RouteDef;

  it('cover every route', () => {
    expect(httpFunctions.length).toBe(new Set(system.routes.map((r) => r.function)).size);
  });

  it.each(httpFunctions)('%s: routeKey is a route of the system, to this function', (id) => {
    const event = sample<APIGatewayProxyEventV2WithJWTAuthorizer>(id);
    expect(routeKeys.has(event.routeKey)).toBe(true);
    const route = routeFor(event);
    expect(route?.function).toBe(id);
    expect(event.requestContext.routeKey).toBe(event.routeKey);
    expect(event.requestContext.http.method).toBe(route?.method);
  });

  it.each(httpFunctions)('%s: path, query and time agree with each other', (id) => {
    const event = sample<APIGatewayProxyEventV2WithJWTAuthorizer>(id);
    const route = routeFor(event);
    const names = [...route.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]);
    expect(Object.keys(event.pathParameters ?? {}).sort()).toEqual(names.sort());
    const filled = route.path.replace(/\{(\w+)\+?\}/g, (_, n: string) =>
      encodeURIComponent(event.pathParameters?.[n] ?? ''),
    );
    expect(event.rawPath).toBe(filled);
    expect(event.requestContext.http.path).toBe(event.rawPath);
    expect(Object.fromEntries(new URLSearchParams(event.rawQueryString))).toEqual(event.queryStringParameters ?? {});
    // `time` is `timeEpoch` written as dd/Mon/yyyy:HH:mm:ss +0000.
    const [, day, month, year, clock] = /^\w{3}, (\d{2}) (\w{3}) (\d{4}) ([\d:]{8}) GMT$/.exec(
      new Date(event.requestContext.timeEpoch).toUTCString(),
    ) as RegExpExecArray;
    expect(event.requestContext.time).toBe(`${day}/${month}/${year}:${clock} +0000`);
  });

  it.each(httpFunctions)('%s: headers agree with the body', (id) => {
    const event = sample<APIGatewayProxyEventV2WithJWTAuthorizer>(id);
    if (event.body === undefined) {
      expect(event.headers['content-length']).toBeUndefined();
    } else {
      expect(event.isBase64Encoded).toBe(false);
      expect(event.headers['content-type']).toMatch(/^application\/json/);
      expect(event.headers['content-length']).toBe(String(Buffer.byteLength(event.body)));
    }
  });

  it.each(httpFunctions)('%s: claims are what the JWT authorizer passes, for a role the route allows', (id) => {
    const event = sample<APIGatewayProxyEventV2WithJWTAuthorizer>(id);
    const allowed = (routeOf(id) as RouteDef).roles;
    if (allowed === 'public') {
      expect(event.requestContext.authorizer).toBeUndefined();
      expect(event.headers.authorization).toBeUndefined();
      return;
    }
    expect(event.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    const { claims } = event.requestContext.authorizer.jwt;
    for (const name of ['sub', 'iss', 'aud', 'exp', 'iat', roleConfig.rolesClaim]) expect(claims).toHaveProperty(name);
    // A JSON array claim arrives as `[a b]`, never as JSON.
    expect(claims[roleConfig.rolesClaim]).toMatch(/^\[[^\s,"[\]]+( [^\s,"[\]]+)*\]$/);
    expect(Number(claims.exp)).toBeGreaterThan(Math.floor(event.requestContext.timeEpoch / 1000));
    expect(Number(claims.iat)).toBeLessThanOrEqual(Math.floor(event.requestContext.timeEpoch / 1000));
    const principal = principalFromClaims(claims);
    expect(principal).not.toBeNull();
    expect(principal?.roles.some((r) => allowed.includes(r))).toBe(true);
  });
});

describe('SQS sample', () => {
  it.each(FUNCTION_IDS.filter(isQueueConsumer))('%s: two records whose md5OfBody is the MD5 of the body', (id) => {
    const event = sample<SQSEvent>(id);
    expect(event.Records).toHaveLength(2);
    for (const r of event.Records) expect(r.md5OfBody).toBe(createHash('md5').update(r.body).digest('hex'));
    expect(new Set(event.Records.map((r) => r.messageId)).size).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Through the real handlers
// ---------------------------------------------------------------------------------------------------------

describe('the samples through the real handlers (local runtime)', () => {
  let platform: LocalPlatform;
  const ran = new Set<string>();

  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => {
    await platform?.stepFunctions.idle();
    await platform?.stop();
  });

  const invoke = <T>(id: string, event: unknown) => {
    ran.add(id);
    return platform.invoker.invoke(id, event) as Promise<T>;
  };
  const http = async (id: string, event: unknown) => {
    const res = await invoke<APIGatewayProxyStructuredResultV2>(id, event);
    return { ...res, json: res.isBase64Encoded ? undefined : JSON.parse(res.body ?? 'null') };
  };
  const errorCode = (json: unknown) => ErrorBody.parse(json).error.code;

  describe('identity checks', () => {
    it('health answers 200 with every component up', async () => {
      const res = await http('health', sample('health'));
      expect(res.statusCode).toBe(200);
      expect(res.json.status).toBe('up');
      expect(res.json.components.length).toBeGreaterThan(0);
    });

    it('submitIdentityCheck accepts with 202, then answers 200 with the same check on replay', async () => {
      const event = sample('submitIdentityCheck');
      const { people } = IdentityCheckRequest.parse(JSON.parse(event.body));
      const jurisdiction = event.requestContext.authorizer.jwt.claims[roleConfig.jurisdictionClaim];
      const expectedId = checkIdFor(jurisdiction, people);

      const first = await http('submitIdentityCheck', event);
      expect(first.statusCode).toBe(202);
      expect(IdentityCheckView.parse(first.json)).toMatchObject({
        checkId: expectedId,
        status: 'ACCEPTED',
        jurisdiction,
      });
      expect(first.headers?.location).toBe(`/v1/identity-checks/${expectedId}`);

      const replay = await http('submitIdentityCheck', event);
      expect(replay.statusCode).toBe(200);
      expect(replay.json.checkId).toBe(expectedId);

      // The accepted check runs through queue, state machine and table; the get sample then reads it.
      const get = sample('getIdentityCheck');
      get.pathParameters = { checkId: expectedId };
      get.rawPath = get.requestContext.http.path = `/v1/identity-checks/${expectedId}`;
      const done = await eventually(async () => {
        const res = await http('getIdentityCheck', get);
        return res.statusCode === 200 && res.json.status !== 'ACCEPTED' ? res : undefined;
      });
      expect(done.json).toMatchObject({ checkId: expectedId, status: 'COMPLETED' });
      expect(done.json.summary.total).toBe(people.length);
    });

    it('submitIdentityCheck refuses the request without a usable role (401) or with the wrong one (403)', async () => {
      const noRole = sample('submitIdentityCheck');
      noRole.requestContext.authorizer.jwt.claims[roleConfig.rolesClaim] = '[default-roles-ansinh offline_access]';
      expect((await http('submitIdentityCheck', noRole)).statusCode).toBe(401);

      const auditor = sample('submitIdentityCheck');
      auditor.requestContext.authorizer.jwt.claims[roleConfig.rolesClaim] = '[thanh-tra]';
      const res = await http('submitIdentityCheck', auditor);
      expect(res.statusCode).toBe(403);
      expect(errorCode(res.json)).toBe('FORBIDDEN');
    });

    it('getIdentityCheck answers 404 for a check that does not exist', async () => {
      const event = sample('getIdentityCheck');
      const res = await http('getIdentityCheck', event);
      expect(res.statusCode).toBe(404);
      expect(ErrorBody.parse(res.json).error).toMatchObject({
        code: 'NOT_FOUND',
        requestId: event.requestContext.requestId,
      });
    });

    it('identityCheckWorker starts a run per record and reports no failures', async () => {
      const event = sample<SQSEvent>('identityCheckWorker');
      const started: string[] = [];
      const stopObserving = platform.invoker.observe((r) => {
        if (r.functionId === 'checkIdentities') started.push((r.event as { checkId: string }).checkId);
      });
      try {
        await expect(invoke<SQSBatchResponse>('identityCheckWorker', event)).resolves.toEqual({
          batchItemFailures: [],
        });
        await platform.stepFunctions.idle();
      } finally {
        stopObserving();
      }
      const ids = event.Records.map((r) => JSON.parse(r.body).checkId);
      expect(started).toEqual(expect.arrayContaining(ids));
    });

    it('checkIdentities refuses a check that does not exist with InvalidInputError (not retried)', async () => {
      await expect(invoke('checkIdentities', sample('checkIdentities'))).rejects.toMatchObject({
        name: 'InvalidInputError',
      });
    });

    it('failIdentityCheck records the failure and answers FAILED', async () => {
      const event = sample('failIdentityCheck');
      await expect(invoke('failIdentityCheck', event)).resolves.toEqual({ checkId: event.checkId, status: 'FAILED' });
    });

    it('redriveJobs sweeps and reports what it resent and abandoned', async () => {
      const result = await invoke<{ resent: number; abandoned: number }>('redriveJobs', sample('redriveJobs'));
      expect(result).toEqual({ resent: expect.any(Number), abandoned: expect.any(Number) });
      // Nothing in this fresh table is ten minutes old.
      expect(result).toEqual({ resent: 0, abandoned: 0 });
    });
  });

  describe('beneficiary lists', () => {
    it('createListUpload answers 201 with a presigned PUT URL in the caller jurisdiction', async () => {
      const res = await http('createListUpload', sample('createListUpload'));
      expect(res.statusCode).toBe(201);
      expect(res.json).toMatchObject({ uploadId: expect.any(String), method: 'PUT' });
      expect(z.uuid().safeParse(res.json.uploadId).success).toBe(true);
      expect(res.json.uploadUrl).toContain(`incoming/79/${res.json.uploadId}`);
      expect(res.json.uploadUrl).toMatch(/X-Amz-Signature=/);
    });

    it('submitList answers 404 for an upload that never arrived', async () => {
      const res = await http('submitList', sample('submitList'));
      expect(res.statusCode).toBe(404);
      expect(errorCode(res.json)).toBe('UPLOAD_NOT_FOUND');
    });

    it.each(['getList', 'getListRows', 'getListResult'])(
      '%s answers 404 for a list that does not exist',
      async (id) => {
        const res = await http(id, sample(id));
        expect(res.statusCode).toBe(404);
        expect(errorCode(res.json)).toBe('NOT_FOUND');
      },
    );

    it('getListTemplate answers the XLSX template as a base64 file', async () => {
      const res = await http('getListTemplate', sample('getListTemplate'));
      expect(res.statusCode).toBe(200);
      expect(res.isBase64Encoded).toBe(true);
      expect(res.headers?.['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers?.['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''.+\.xlsx$/);
      expect(Buffer.from(res.body ?? '', 'base64').subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    });

    it('parseList refuses a list that does not exist with InvalidInputError', async () => {
      await expect(invoke('parseList', sample('parseList'))).rejects.toMatchObject({ name: 'InvalidInputError' });
    });

    // The chunk the verify and open samples name, as parseList would have written it: line 2 a synthetic
    // person of the registry's population, line 3 already rejected by the file checks.
    const CHUNK_LINES = [
      {
        candidate: {
          line: 2,
          personalId: '079130796635',
          fullName: 'Hoàng Thanh Minh Ánh',
          dateOfBirth: '1930-01-05',
          gender: 'F',
          categoryCode: 'NCT_80',
          decisionDate: '2026-03-02',
          paymentMethod: 'BANK',
          bankBin: '970436',
          accountNumber: '1029384756',
          communeCode: '26734',
        },
      },
      {
        verdict: {
          line: 3,
          outcome: 'INVALID_IDENTITY_NUMBER',
          findings: [{ code: 'ID_LEADING_ZERO_LOST', message: { vi: 'Thiếu số 0 ở đầu.', en: 'Leading zero lost.' } }],
          flags: [],
        },
      },
    ];

    it('verifyListChunk checks the chunk against the population registry and counts the outcomes', async () => {
      const event = ChunkInput.parse(sample('verifyListChunk'));
      const body = `${CHUNK_LINES.map((line) => JSON.stringify(line)).join('\n')}\n`;
      await writeObject(event.chunk.key, body, 'application/x-ndjson');
      const result = VerifyOutput.parse(await invoke('verifyListChunk', sample('verifyListChunk')));
      expect(result).toEqual({ counts: { ACCEPTED: 1, INVALID_IDENTITY_NUMBER: 1 }, flagged: 0 });
    });

    it('openListAccounts opens an account for each accepted row, once', async () => {
      const event = sample('openListAccounts');
      expect(OpenOutput.parse(await invoke('openListAccounts', event))).toEqual({
        opened: 1,
        enrolledExisting: 0,
        alreadyDone: 0,
        conflicts: 0,
      });
      // A retried chunk finds the work done.
      expect(await invoke('openListAccounts', event)).toEqual({
        opened: 0,
        enrolledExisting: 0,
        alreadyDone: 1,
        conflicts: 0,
      });
    });

    it('summariseList adds the chunks up', async () => {
      const event = sample('summariseList');
      await expect(invoke('summariseList', event)).resolves.toEqual({
        listId: event.listId,
        status: 'COMPLETED',
        totals: { rows: 2, byOutcome: { ACCEPTED: 1, INVALID_IDENTITY_NUMBER: 1 }, flagged: 0, accountsOpened: 1 },
      });
    });

    it('failList records the failure and answers FAILED', async () => {
      const event = sample('failList');
      await expect(invoke('failList', event)).resolves.toEqual({ listId: event.listId, status: 'FAILED' });
    });
  });

  it('ran every function of the system (keep this last)', () => {
    expect([...ran].sort()).toEqual([...FUNCTION_IDS].sort());
  });
});
