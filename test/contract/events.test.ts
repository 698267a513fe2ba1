/**
 * The sample events in events/ (one per function, `events/<functionId>.json`) are the events AWS delivers:
 * API Gateway HTTP API payload 2.0 with a JWT authorizer, an SQS batch, Step Functions task payloads and an
 * EventBridge scheduled event. Each parses with the schema its handler uses, and each runs through the real
 * handler in the local runtime with a sensible result.
 */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { z } from 'zod';
import { accountNumber, isValidAccountNumber } from '../../functions/accounts/account-number.js';
import { getAccountByPersonalId } from '../../functions/accounts/account-store.js';
import { PaymentMethodChange } from '../../functions/accounts/payment-method-handler.js';
import { CASE_STATES } from '../../functions/cases/case-model.js';
import { CutoffQuery } from '../../functions/disbursement-cycles/cutoff-worker.js';
import {
  CycleConflictError,
  changeCycle,
  createCycle,
  cycleIdFor,
  getCycle,
} from '../../functions/disbursement-cycles/cycle-store.js';
import { checkIdFor } from '../../functions/identity-checks/verify-people.js';
import { buildCamt053 } from '../../functions/iso20022/camt.js';
import { buildPain002, parsePain002 } from '../../functions/iso20022/pain002.js';
import { cutoffChunksDone } from '../../functions/payment-ledger/ledger-store.js';
import { Message as DispatchMessage } from '../../functions/payments/dispatch-worker.js';
import { paymentIdFor } from '../../functions/payments/payment-id.js';
import { StatusMessage } from '../../functions/payments/status-worker.js';
import { readConfirmations } from '../../functions/post-office/cash-list.js';
import { OUTCOMES } from '../../functions/reconciliation/outcomes.js';
import { principalFromClaims, roleConfig } from '../../functions/shared/auth.js';
import { dynamo } from '../../functions/shared/aws-clients.js';
import { writeObject } from '../../functions/shared/objects.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { system } from '../../infra/system.js';
import { type RouteDef, routeKey } from '../../infra/system-model.js';
import { RowOutcome, SubmitListFromUpload } from '../../schemas/beneficiary-lists.js';
import { CreateCycleRequest, CycleId, HashedDecision } from '../../schemas/disbursement-cycles.js';
import {
  CheckId,
  CheckTaskInput,
  FailTaskInput,
  IdentityCheckMessage,
  IdentityCheckRequest,
  IdentityCheckView,
} from '../../schemas/identity-checks.js';
import { CycleSummary, ListSummary, PageQuery } from '../../schemas/listings.js';
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
import { IdentityNumber, MyPayments, PersonPayments } from '../../schemas/payment-lookups.js';
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
const CycleParams = z.strictObject({ cycleId: CycleId });
const CaseParams = z.strictObject({ caseId: z.string().regex(/^CSP\d{6}[A-Z2-7]{24}$/) });
/** The disbursement tasks parse `z.object({ cycleId: z.string() })`; the samples name a well-formed cycle. */
const CycleTask = z.strictObject({ cycleId: CycleId });
const ImportId = z.string().regex(/^st-[a-z0-9]{16,64}$/);
const ImportParams = z.strictObject({ importId: ImportId });
const ImportMessage = z.strictObject({ importId: ImportId });
const CashListParams = z.strictObject({ cycleId: CycleId, communeCode: z.string().regex(/^\d{5}$/) });

/** The schema each handler applies to what it receives, beyond the event envelope. */
const HANDLER_INPUT: Record<string, (event: any) => unknown> = {
  health: (e) => expect(e.body).toBeUndefined(),
  apiDocument: (e) => expect(e.body).toBeUndefined(),
  apiPage: (e) => expect(e.body).toBeUndefined(),
  submitIdentityCheck: (e) => IdentityCheckRequest.parse(JSON.parse(e.body)),
  getIdentityCheck: (e) => z.strictObject({ checkId: CheckId }).parse(e.pathParameters),
  identityCheckWorker: (e: SQSEvent) => {
    for (const r of e.Records) IdentityCheckMessage.parse(JSON.parse(r.body));
  },
  checkIdentities: (e) => CheckTaskInput.parse(e),
  failIdentityCheck: (e) => FailTaskInput.parse(e),
  redriveJobs: (e) =>
    z.object({ detail: z.object({ staleAfterSeconds: z.number().int().min(0).optional() }) }).parse(e),
  recoverCycles: (e) =>
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
  listLists: (e) => {
    expect(e.pathParameters).toBeUndefined();
    z.strictObject({
      ...PageQuery,
      status: ListSummary.shape.status.optional(),
      mine: z.enum(['true', 'false']),
    }).parse(e.queryStringParameters ?? {});
  },
  listCycles: (e) =>
    z.strictObject({ ...PageQuery, period: CycleSummary.shape.period.optional() }).parse(e.queryStringParameters ?? {}),
  listStatements: (e) => z.strictObject(PageQuery).parse(e.queryStringParameters ?? {}),
  parseList: (e) => ParseInput.parse(e),
  verifyListChunk: (e) => ChunkInput.parse(e),
  openListAccounts: (e) => ChunkInput.parse(e),
  summariseList: (e) => SummariseInput.parse(e),
  failList: (e) => FailListInput.parse(e),
  createCycle: (e) => CreateCycleRequest.parse(JSON.parse(e.body)),
  getCycle: (e) => CycleParams.parse(e.pathParameters),
  listCases: (e) =>
    z
      .strictObject({ ...PageQuery, state: z.enum(CASE_STATES), order: z.enum(['newest', 'oldest']) })
      .parse(e.queryStringParameters ?? {}),
  getCase: (e) => CaseParams.parse(e.pathParameters),
  setNotificationPreferences: (e) =>
    z.strictObject({ optOut: z.boolean(), settlementOptIn: z.boolean() }).parse(JSON.parse(e.body)),
  getMyCases: (e) => {
    expect(e.pathParameters).toBeUndefined();
    z.strictObject({}).parse(e.queryStringParameters ?? {});
  },
  reportNotReceived: (e) =>
    z.strictObject({ period: z.string().regex(/^\d{4}-\d{2}$/), note: z.string().min(1) }).parse(JSON.parse(e.body)),
  getPaymentTrace: (e) =>
    z.strictObject({ paymentId: z.string().regex(/^[PR]\d{6}[A-Z2-7]{24}$/) }).parse(e.pathParameters),
  actOnCase: (e) => {
    CaseParams.parse(e.pathParameters);
    z.object({ kind: z.literal('RECORD_ACTION'), note: z.string().min(3) }).parse(JSON.parse(e.body));
  },
  sendDueNotifications: (e) => z.object({ detail: z.strictObject({}) }).parse(e),
  openOverdueCases: (e) => z.object({ detail: z.strictObject({}) }).parse(e),
  submitCycle: (e) => {
    CycleParams.parse(e.pathParameters);
    HashedDecision.parse(JSON.parse(e.body));
  },
  approveCycle: (e) => {
    CycleParams.parse(e.pathParameters);
    HashedDecision.parse(JSON.parse(e.body));
  },
  recomputeCycle: (e) => {
    CycleParams.parse(e.pathParameters);
    expect(e.body).toBeUndefined();
  },
  retryCycle: (e) => {
    CycleParams.parse(e.pathParameters);
    expect(e.body).toBeUndefined();
  },
  computeCycle: (e) => CycleTask.parse(e),
  computeShard: (e) =>
    z
      .strictObject({
        cycleId: CycleId,
        computeId: z.string().regex(/^v\d+$/),
        range: z.strictObject({
          shard: z.number().int().min(0),
          from: z.string().optional(),
          to: z.string().optional(),
        }),
      })
      .parse(e),
  finishCompute: (e) =>
    z
      .strictObject({ cycleId: CycleId, computeId: z.string().regex(/^v\d+$/), shardCount: z.number().int().min(0) })
      .parse(e),
  checkApproval: (e) => CycleTask.parse(e),
  dispatchCycle: (e) => CycleTask.parse(e),
  collectStatuses: (e) => CycleTask.parse(e),
  closeCycle: (e) => CycleTask.parse(e),
  failCycle: (e) =>
    z
      .strictObject({
        cycleId: CycleId,
        error: z.strictObject({ Error: z.string().min(1), Cause: z.string().optional() }),
      })
      .parse(e),
  getCashList: (e) => {
    CashListParams.parse(e.pathParameters);
    FileFormat.parse(e.queryStringParameters ?? {});
  },
  // The body is the returned cash list as a file; every row of the sample reads as a confirmation.
  importCashConfirmations: async (e) => {
    CycleParams.parse(e.pathParameters);
    const rows = [];
    for await (const row of readConfirmations(async function* () {
      yield new Uint8Array(Buffer.from(e.body, 'utf8'));
    }))
      rows.push(row);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  },
  changePaymentMethod: (e) => {
    z.strictObject({ accountNumber: z.string().refine(isValidAccountNumber) }).parse(e.pathParameters);
    PaymentMethodChange.parse(JSON.parse(e.body));
  },
  listPaymentMethodChanges: (e) => {
    z.strictObject({ accountNumber: z.string().refine(isValidAccountNumber) }).parse(e.pathParameters);
    expect(e.body).toBeUndefined();
  },
  confirmPaymentMethodChange: (e) => {
    z.strictObject({
      accountNumber: z.string().refine(isValidAccountNumber),
      changeId: z.string().regex(/^pm-[0-9a-f]{16}$/),
    }).parse(e.pathParameters);
    expect(e.body).toBeUndefined();
  },
  // No parameter at all: whose payments comes from the token's personal id claim only.
  getMyPayments: (e) => {
    expect(e.pathParameters).toBeUndefined();
    z.strictObject({}).parse(e.queryStringParameters ?? {});
    expect(e.body).toBeUndefined();
    expect(principalFromClaims(e.requestContext.authorizer.jwt.claims)?.personalId).toMatch(/^\d{12}$/);
  },
  // The identity number is in the body; the path and query carry nothing.
  getPersonPayments: (e) => {
    expect(e.pathParameters).toBeUndefined();
    z.strictObject({}).parse(e.queryStringParameters ?? {});
    z.strictObject({ identityNumber: IdentityNumber }).parse(JSON.parse(e.body));
    expect(e.rawPath).toBe('/v1/people/payments');
  },

  createStatementUpload: (e) => expect(e.body).toBeUndefined(),
  submitStatement: (e) =>
    z.strictObject({ uploadId: z.uuid(), fileName: z.string().min(1).max(255) }).parse(JSON.parse(e.body)),
  getStatementImport: (e) => ImportParams.parse(e.pathParameters),
  confirmStatementImport: (e) => {
    ImportParams.parse(e.pathParameters);
    z.strictObject({ proposalHash: z.string().regex(/^sha256:[0-9a-f]{64}$/) }).parse(JSON.parse(e.body));
  },
  getStatementLines: (e) => {
    ImportParams.parse(e.pathParameters);
    z.strictObject({
      outcome: z.enum(OUTCOMES).optional(),
      cursor: z.string().max(2000).optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
    }).parse(e.queryStringParameters ?? {});
  },
  exportReconciliation: (e) => {
    ImportParams.parse(e.pathParameters);
    FileFormat.parse(e.queryStringParameters ?? {});
  },
  getCycleReconciliation: (e) => {
    CycleParams.parse(e.pathParameters);
    z.strictObject({ asOf: z.iso.date(), dueDays: z.coerce.number().int().min(0).max(60) }).parse(
      e.queryStringParameters,
    );
  },
  getPeriodReconciliation: (e) => {
    z.strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }).parse(e.pathParameters);
    z.strictObject({ programme: z.string().regex(/^[A-Z][A-Z0-9_]+$/), asOf: z.iso.date() }).parse(
      e.queryStringParameters,
    );
    // An auditor: no jurisdiction, every province.
    const principal = principalFromClaims(e.requestContext.authorizer.jwt.claims);
    expect(principal?.roles).toEqual(['auditor']);
    expect(principal?.jurisdiction).toBeUndefined();
  },
  reconcileStatement: (e: SQSEvent) => {
    for (const r of e.Records) ImportMessage.parse(JSON.parse(r.body));
  },
  paymentDispatchWorker: (e: SQSEvent) => {
    for (const r of e.Records) DispatchMessage.parse(JSON.parse(r.body));
  },
  paymentStatusWorker: (e: SQSEvent) => {
    for (const r of e.Records) StatusMessage.parse(JSON.parse(r.body));
  },
  cutoffQueryWorker: (e: SQSEvent) => {
    for (const r of e.Records) CutoffQuery.parse(JSON.parse(r.body));
  },
  // The handler takes the raw bytes under the bank's signature; the body is the pain.002 the status worker parses.
  bankCallback: async (e) => {
    expect(e.headers['x-bank-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(e.headers['x-bank-timestamp']).toMatch(/^\d{10}$/);
    expect((await parsePain002(e.body)).transactions.length).toBeGreaterThan(0);
  },
  // The poller parses the event with `z.object({}).passthrough()`; a schedule carries no detail.
  pollBankReturns: (e) => z.object({ detail: z.strictObject({}) }).parse(e),
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

  it.each(FUNCTION_IDS)('%s parses with the schema its handler uses', async (id) => {
    const check = HANDLER_INPUT[id];
    if (!check) throw new Error(`no input check for ${id}`);
    await check(sample(id));
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
  /**
   * Every route takes JSON, except the bank's callback, which carries its pain.002 XML as sent, and the cash
   * confirmations, which carry the returned cash list as a file (CSV in the sample).
   */
  const BODY_TYPE: Record<string, RegExp> = {
    bankCallback: /^application\/xml/,
    importCashConfirmations: /^text\/csv/,
  };

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
      expect(event.headers['content-type']).toMatch(BODY_TYPE[id] ?? /^application\/json/);
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

    it('apiDocument answers the OpenAPI document, and apiPage the page that shows it', async () => {
      const doc = await http('apiDocument', sample('apiDocument'));
      expect(doc.statusCode).toBe(200);
      expect(doc.json.openapi).toBe('3.1.0');
      expect(Object.keys(doc.json.paths)).toContain('/v1/health');
      const page = await http('apiPage', sample('apiPage'));
      expect(page.statusCode).toBe(200);
      expect(page.headers?.['content-type']).toBe('text/html; charset=utf-8');
      expect(Buffer.from(page.body ?? '', 'base64').toString('utf8')).toContain('<code>/v1/openapi.json</code>');
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

    it('listLists answers a page of the caller jurisdiction (none uploaded by this officer yet)', async () => {
      const res = await http('listLists', sample('listLists'));
      expect(res.statusCode).toBe(200);
      expect(res.json).toEqual({ jurisdiction: '79', items: [] });
    });

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
          personalId: '079132108434',
          fullName: 'Nguyễn Thu Minh Yến',
          dateOfBirth: '1932-05-27',
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
      // A retried chunk finds the work done, and still counts the account its rows opened.
      expect(await invoke('openListAccounts', event)).toEqual({
        opened: 1,
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

  describe('disbursement cycles', () => {
    type HttpSample = APIGatewayProxyEventV2WithJWTAuthorizer;
    const claimsOf = (event: HttpSample) => event.requestContext.authorizer.jwt.claims;
    const atCycle = (event: HttpSample, cycleId: string) => {
      event.pathParameters = { cycleId };
      event.rawPath = event.requestContext.http.path = `/v1/disbursement-cycles/${cycleId}`;
      return event;
    };
    const created = () => {
      const event = sample<HttpSample>('createCycle');
      const { programme, period } = CreateCycleRequest.parse(JSON.parse(event.body ?? ''));
      return { cycleId: cycleIdFor(programme, period, String(claimsOf(event)[roleConfig.jurisdictionClaim])), event };
    };

    /** A cycle created without its run (as createCycle writes it), so it stays COMPUTING until a task moves it. */
    const seedComputing = async (cycleId: string) => {
      const [, programme = '', period = '', jurisdiction = ''] = /^dc-([a-z0-9_]+)-(\d{4}-\d{2})-(\d+)$/.exec(
        cycleId,
      ) as RegExpExecArray;
      expect(cycleIdFor(programme.toUpperCase(), period, jurisdiction)).toBe(cycleId);
      const subject = String(claimsOf(sample('createCycle')).sub);
      await createCycle(
        { cycleId, programme: programme.toUpperCase(), period, months: [period], jurisdiction },
        { subject, role: 'finance_preparer' },
      );
    };

    beforeAll(async () => {
      // recomputeCycle and dispatchCycle name a cycle still computing (jurisdiction 79); computeCycle and
      // checkApproval one of a jurisdiction where no account was opened.
      await seedComputing(CycleTask.parse(sample('dispatchCycle')).cycleId);
      await seedComputing(CycleTask.parse(sample('computeCycle')).cycleId);
      // failCycle names another cycle of jurisdiction 79, which the test fails.
      await seedComputing(sample('failCycle').cycleId);
    });

    afterAll(async () => {
      // Nothing in the system ends a run that waits for approval: the test fails the cycle, and the run's
      // next CheckApproval stops it.
      const { cycleId } = created();
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          const cycle = await getCycle(cycleId);
          if (!cycle || ['CLOSED', 'FAILED'].includes(cycle.status)) return;
          await changeCycle({
            cycleId,
            actor: { subject: 'test:contract', role: 'finance_preparer' },
            action: 'TEST_STOPPED',
            from: ['COMPUTING', 'DRAFT', 'SUBMITTED'],
            to: 'FAILED',
          });
          return;
        } catch (err) {
          if (!(err instanceof CycleConflictError)) throw err;
        }
      }
    });

    it('createCycle accepts with 202 and starts the run, then answers 200 with the same cycle on replay', async () => {
      const { cycleId, event } = created();
      const preparer = claimsOf(event).sub;
      const first = await http('createCycle', event);
      expect(first.statusCode).toBe(202);
      expect(first.json).toMatchObject({ cycleId, status: 'COMPUTING', jurisdiction: '79', createdBy: preparer });
      expect(first.headers?.location).toBe(`/v1/disbursement-cycles/${cycleId}`);

      const replay = await http('createCycle', event);
      expect(replay.statusCode).toBe(200);
      expect(replay.json).toMatchObject({ cycleId, createdBy: preparer });

      // The run computes the draft; the get sample then reads it with its trail.
      const get = atCycle(sample('getCycle'), cycleId);
      const draft = await eventually(async () => {
        const res = await http('getCycle', get);
        return res.statusCode === 200 && res.json.status === 'DRAFT' ? res : undefined;
      });
      expect(draft.json.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Number.isSafeInteger(draft.json.totals.amount)).toBe(true);
      expect(draft.json.audit.map((e: { action: string }) => e.action)).toEqual(['CREATED', 'COMPUTED']);
    });

    it('recoverCycles sweeps the open cycles and reports what it did', async () => {
      const result = await invoke('recoverCycles', sample('recoverCycles'));
      // The cycles seeded above are open but younger than the ten-minute grace period: none is looked at.
      expect(result).toEqual({ checked: 0, running: 0, started: 0, restarted: 0, failed: 0, closed: 0 });
    });

    it('getCycle answers 404 for a cycle that does not exist', async () => {
      const event = sample('getCycle');
      const res = await http('getCycle', event);
      expect(res.statusCode).toBe(404);
      expect(ErrorBody.parse(res.json).error).toMatchObject({
        code: 'NOT_FOUND',
        requestId: event.requestContext.requestId,
      });
    });

    it('submitCycle refuses a content hash other than the draft with 409', async () => {
      const { cycleId } = created();
      const event = sample('submitCycle');
      expect(event.pathParameters.cycleId).toBe(cycleId);
      const res = await http('submitCycle', event);
      expect(res.statusCode).toBe(409);
      expect(errorCode(res.json)).toBe('CONTENT_CHANGED');
      expect((await getCycle(cycleId))?.status).toBe('DRAFT');
    });

    it('approveCycle refuses the preparer (409 SAME_PERSON, or 403 without the approver role)', async () => {
      const { cycleId, event: createEvent } = created();
      const event = sample('approveCycle');
      expect(event.pathParameters.cycleId).toBe(cycleId);

      // One person holding both roles still cannot approve what they prepared.
      const samePerson = sample('approveCycle');
      samePerson.requestContext.authorizer.jwt.claims.sub = claimsOf(createEvent).sub;
      const own = await http('approveCycle', samePerson);
      expect(own.statusCode).toBe(409);
      expect(errorCode(own.json)).toBe('SAME_PERSON');

      const preparerOnly = sample('approveCycle');
      preparerOnly.requestContext.authorizer.jwt.claims[roleConfig.rolesClaim] = '[ke-toan-lap]';
      const forbidden = await http('approveCycle', preparerOnly);
      expect(forbidden.statusCode).toBe(403);
      expect(errorCode(forbidden.json)).toBe('FORBIDDEN');

      // Another officer, but nothing was submitted: nothing to approve.
      expect((await http('approveCycle', event)).statusCode).toBe(409);
      expect((await getCycle(cycleId))?.status).toBe('DRAFT');
    });

    it('retryCycle refuses a cycle that has not failed with 409', async () => {
      const res = await http('retryCycle', sample('retryCycle'));
      expect(res.statusCode).toBe(409);
      expect(errorCode(res.json)).toBe('WRONG_STATUS');
    });

    it('recomputeCycle refuses a cycle that is still computing with 409', async () => {
      const res = await http('recomputeCycle', sample('recomputeCycle'));
      expect(res.statusCode).toBe(409);
      expect(errorCode(res.json)).toBe('WRONG_STATUS');
    });

    it('computeCycle plans one shard for a province without accounts; the shard and the finish make an empty draft, once', async () => {
      const event = sample('computeCycle');
      await expect(invoke('computeCycle', event)).resolves.toEqual({
        cycleId: event.cycleId,
        computeId: 'v1',
        shardCount: 1,
        shards: [{ shard: 0 }],
        status: 'COMPUTING',
      });
      await expect(invoke('computeShard', sample('computeShard'))).resolves.toEqual({
        cycleId: event.cycleId,
        shard: 0,
        payees: 0,
      });
      await expect(invoke('finishCompute', sample('finishCompute'))).resolves.toEqual({
        cycleId: event.cycleId,
        status: 'DRAFT',
        contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      });
      const cycle = await getCycle(event.cycleId);
      expect(cycle?.status).toBe('DRAFT');
      expect(cycle?.draft?.totals).toMatchObject({ payees: 0, amount: 0 });
      expect(cycle?.draft?.chunks).toEqual([]);
      // Retried tasks find the draft computed and leave it alone.
      await expect(invoke('computeShard', sample('computeShard'))).resolves.toEqual({
        cycleId: event.cycleId,
        shard: 0,
        status: 'DRAFT',
      });
      await expect(invoke('finishCompute', sample('finishCompute'))).resolves.toEqual({
        cycleId: event.cycleId,
        status: 'DRAFT',
      });
      await expect(invoke('computeCycle', event)).resolves.toMatchObject({ cycleId: event.cycleId, status: 'DRAFT' });
    });

    it('checkApproval tells the run to wait while the draft awaits a decision', async () => {
      const event = sample('checkApproval');
      await expect(invoke('checkApproval', event)).resolves.toEqual({
        cycleId: event.cycleId,
        next: 'WAIT',
        waitSeconds: 300,
      });
    });

    it('dispatchCycle refuses a cycle that was never approved with InvalidInputError', async () => {
      const event = sample('dispatchCycle');
      await expect(invoke('dispatchCycle', event)).rejects.toMatchObject({ name: 'InvalidInputError' });
      expect((await getCycle(event.cycleId))?.status).toBe('COMPUTING');
    });

    it.each(['collectStatuses', 'closeCycle'])(
      '%s refuses a cycle that does not exist with InvalidInputError',
      async (id) => {
        await expect(invoke(id, sample(id))).rejects.toMatchObject({ name: 'InvalidInputError' });
      },
    );

    it('failCycle fails the cycle with the reason, once', async () => {
      const event = sample('failCycle');
      await expect(invoke('failCycle', event)).resolves.toEqual({ cycleId: event.cycleId, status: 'FAILED' });
      expect(await getCycle(event.cycleId)).toMatchObject({
        status: 'FAILED',
        failure: { error: event.error.Error },
      });
      // A retried task finds the cycle failed and answers the same.
      await expect(invoke('failCycle', event)).resolves.toEqual({ cycleId: event.cycleId, status: 'FAILED' });
    });

    it('getCashList answers 404 for a cycle that does not exist', async () => {
      const event = sample('getCashList');
      const res = await http('getCashList', event);
      expect(res.statusCode).toBe(404);
      expect(ErrorBody.parse(res.json).error).toMatchObject({
        code: 'NOT_FOUND',
        requestId: event.requestContext.requestId,
      });
    });

    it('importCashConfirmations reports a payment not of the cycle, and refuses an empty file or one without the columns (400)', async () => {
      const { cycleId } = created();
      const event = sample('importCashConfirmations');
      expect(event.pathParameters.cycleId).toBe(cycleId);
      // No payment of the cycle was ever sent: the row is reported, nothing changes.
      const res = await http('importCashConfirmations', event);
      expect(res.statusCode).toBe(200);
      expect(res.json).toEqual({
        settled: 0,
        unpaid: 0,
        unchanged: 0,
        problems: [{ line: 2, finding: expect.objectContaining({ code: 'CONFIRMATION_UNKNOWN_PAYMENT' }) }],
      });

      const empty = sample('importCashConfirmations');
      delete empty.body;
      delete empty.headers['content-type'];
      delete empty.headers['content-length'];
      const none = await http('importCashConfirmations', empty);
      expect(none.statusCode).toBe(400);
      expect(errorCode(none.json)).toBe('FILE_EMPTY');

      const noColumns = sample('importCashConfirmations');
      noColumns.body = 'STT,Họ tên,Số tiền\r\n1,Nguyễn Thu Minh Yến,500000\r\n';
      noColumns.headers['content-length'] = String(Buffer.byteLength(noColumns.body));
      const headerless = await http('importCashConfirmations', noColumns);
      expect(headerless.statusCode).toBe(400);
      expect(errorCode(headerless.json)).toBe('HEADER_MISSING');
    });
  });

  describe('accounts', () => {
    it('listPaymentMethodChanges answers 404 for a valid account number that was never opened', async () => {
      const event = sample('listPaymentMethodChanges');
      expect(isValidAccountNumber(event.pathParameters.accountNumber)).toBe(true);
      const res = await http('listPaymentMethodChanges', event);
      expect(res.statusCode).toBe(404);
      expect(ErrorBody.parse(res.json).error).toMatchObject({
        code: 'NOT_FOUND',
        requestId: event.requestContext.requestId,
      });
    });

    it('changePaymentMethod answers 404 for a valid account number that was never opened, 400 for an invalid one', async () => {
      const event = sample('changePaymentMethod');
      expect(event.pathParameters.accountNumber).toBe(accountNumber('79', '0000000001'));
      const res = await http('changePaymentMethod', event);
      expect(res.statusCode).toBe(404);
      expect(ErrorBody.parse(res.json).error).toMatchObject({
        code: 'NOT_FOUND',
        requestId: event.requestContext.requestId,
      });

      // A mistyped check digit is caught before any lookup.
      const mistyped = sample('changePaymentMethod');
      const wrong = `${event.pathParameters.accountNumber.slice(0, -1)}${(Number(event.pathParameters.accountNumber.slice(-1)) + 1) % 10}`;
      expect(isValidAccountNumber(wrong)).toBe(false);
      mistyped.pathParameters.accountNumber = wrong;
      mistyped.rawPath = mistyped.requestContext.http.path = `/v1/accounts/${wrong}/payment-method`;
      const bad = await http('changePaymentMethod', mistyped);
      expect(bad.statusCode).toBe(400);
      expect(errorCode(bad.json)).toBe('INVALID_REQUEST');
      // Confirming a proposal on an account never opened: 404 as well, nothing to confirm.
      const confirm = await http('confirmPaymentMethodChange', sample('confirmPaymentMethodChange'));
      expect(confirm.statusCode).toBe(404);
    });
  });

  describe('payment look-ups', () => {
    const lookupAudit = async (pk: string, requestId: string) => {
      const out = await dynamo().send(
        new QueryCommand({
          TableName: platform.name('accounts'),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        }),
      );
      return out.Items?.find((i) => i.requestId === requestId);
    };

    it('getMyPayments shows the account the list samples opened (no payment yet), the empty shape without an account, and refuses any query parameter (400) or a token without personal id (403)', async () => {
      const res = await http('getMyPayments', sample('getMyPayments'));
      expect(res.statusCode).toBe(200);
      expect(MyPayments.parse(res.json)).toEqual({
        account: expect.objectContaining({ status: 'ACTIVE', channel: 'BANK', bankAccount: '******4756' }),
        payments: [],
      });

      const stranger = sample('getMyPayments');
      stranger.requestContext.authorizer.jwt.claims[roleConfig.personalIdClaim] = '001099012345';
      const none = await http('getMyPayments', stranger);
      expect(none.statusCode).toBe(200);
      expect(none.json).toEqual({ account: null, payments: [] });

      const withQuery = sample('getMyPayments');
      withQuery.rawQueryString = 'personalId=001099012345';
      withQuery.queryStringParameters = { personalId: '001099012345' };
      const refused = await http('getMyPayments', withQuery);
      expect(refused.statusCode).toBe(400);
      expect(errorCode(refused.json)).toBe('INVALID_REQUEST');

      const noId = sample('getMyPayments');
      delete noId.requestContext.authorizer.jwt.claims[roleConfig.personalIdClaim];
      const forbidden = await http('getMyPayments', noId);
      expect(forbidden.statusCode).toBe(403);
      expect(errorCode(forbidden.json)).toBe('NO_PERSONAL_ID');
    });

    it('getPersonPayments shows a person of the officer province, answers 404 alike for another province and for a number without account, and audits each look-up masked', async () => {
      const event = sample('getPersonPayments');
      const res = await http('getPersonPayments', event);
      expect(res.statusCode).toBe(200);
      const found = PersonPayments.parse(res.json);
      expect(found.person).toMatchObject({ identityNumber: '07********34', jurisdiction: '79' });
      expect(found.payments).toEqual([]);
      const account = await getAccountByPersonalId(JSON.parse(event.body).identityNumber);
      expect(await lookupAudit(`PERSON#${account?.personId}`, event.requestContext.requestId)).toMatchObject({
        action: 'PAYMENTS_LOOKUP',
        outcome: 'FOUND',
        identityNumber: '07********34',
        jurisdiction: '79',
        roles: ['labor_officer'],
      });

      const hanoi = sample('getPersonPayments');
      hanoi.requestContext.authorizer.jwt.claims[roleConfig.jurisdictionClaim] = '01';
      hanoi.requestContext.requestId = 'HkZ7bVxCSQ0EJ5h=';
      const elsewhere = await http('getPersonPayments', hanoi);
      const unknown = sample('getPersonPayments');
      unknown.body = JSON.stringify({ identityNumber: '001099012345' });
      unknown.requestContext.requestId = 'HkZ7bVxCSQ0EJ5i=';
      const absent = await http('getPersonPayments', unknown);
      for (const r of [elsewhere, absent]) {
        expect(r.statusCode).toBe(404);
        expect(ErrorBody.parse(r.json).error.code).toBe('NOT_FOUND');
      }
      const withoutRequestId = (body: any) => ({ ...body, error: { ...body.error, requestId: undefined } });
      expect(withoutRequestId(elsewhere.json)).toEqual(withoutRequestId(absent.json));
      expect(await lookupAudit(`PERSON#${account?.personId}`, 'HkZ7bVxCSQ0EJ5h=')).toMatchObject({
        outcome: 'OUT_OF_JURISDICTION',
        jurisdiction: '01',
      });
      const day = new Date().toISOString().slice(0, 10);
      expect(await lookupAudit(`LOOKUPS#${day}`, 'HkZ7bVxCSQ0EJ5i=')).toMatchObject({
        outcome: 'NOT_FOUND',
        identityNumber: '00********45',
      });

      const malformed = sample('getPersonPayments');
      malformed.body = JSON.stringify({ identityNumber: '79132108434' });
      const bad = await http('getPersonPayments', malformed);
      expect(bad.statusCode).toBe(400);
      expect(errorCode(bad.json)).toBe('INVALID_REQUEST');
    });
  });

  describe('payments', () => {
    it('paymentDispatchWorker fails the chunks of a message that carries no approval', async () => {
      // Only an approved cycle is dispatched, and its message says when it was approved: one without is refused.
      const event = sample<SQSEvent>('paymentDispatchWorker');
      for (const r of event.Records) {
        const { approvedAt: _approvedAt, ...body } = JSON.parse(r.body);
        r.body = JSON.stringify(body);
      }
      // Every record failing is a whole-batch failure: the batch processor throws rather than listing them
      // all in batchItemFailures, and SQS keeps every message (as it does for the one-message batches of AWS).
      const error = await invoke('paymentDispatchWorker', event).then(
        () => undefined,
        (err: Error & { recordErrors?: Error[] }) => err,
      );
      expect(error?.name).toBe('FullBatchFailureError');
      expect(error?.recordErrors?.map((e) => e.name)).toEqual(['InvalidInputError', 'InvalidInputError']);
    });

    it('paymentStatusWorker fails a report on a payment the ledger never recorded, and takes a DU01 answer', async () => {
      const event = sample<SQSEvent>('paymentStatusWorker');
      const [unknown, duplicate] = event.Records.map((r) => StatusMessage.parse(JSON.parse(r.body)).key);
      const stranger = paymentIdFor('TCXH_HANG_THANG', '2026-03', '079999999999');
      const report = (xml: Parameters<typeof buildPain002>[0]) => buildPain002(xml);
      await writeObject(
        unknown as string,
        report({
          msgId: 'BSIM2026031600000901',
          createdAt: '2026-03-16T03:05:00Z',
          originalMsgId: 'MUNKNOWNFILE00000000000001',
          paymentInfos: [
            {
              originalPaymentInfoId: 'MUNKNOWNFILE00000000000001-1',
              transactions: [{ originalEndToEndId: stranger, status: 'ACSC' }],
            },
          ],
        }),
        'application/xml',
      );
      // The bank answering our own resubmission: no transaction, nothing to book.
      await writeObject(
        duplicate as string,
        report({
          msgId: 'BSIM2026031600000902',
          createdAt: '2026-03-16T03:05:01Z',
          originalMsgId: 'MUNKNOWNFILE00000000000001',
          groupStatus: 'RJCT',
          groupReasons: [{ code: 'DU01' }],
        }),
        'application/xml',
      );
      const result = await invoke<SQSBatchResponse>('paymentStatusWorker', event);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    });

    it('cutoffQueryWorker: chunks whose payments never reached the ledger resolve nothing, ask nothing, report done', async () => {
      const event = sample<SQSEvent>('cutoffQueryWorker');
      const queries = event.Records.map((r) => CutoffQuery.parse(JSON.parse(r.body)));
      for (const q of queries) {
        const never = paymentIdFor('TCXH_HANG_THANG', '2025-12', `07999999999${q.chunk}`);
        await writeObject(q.key, `${JSON.stringify({ paymentId: never })}\n`, 'application/x-ndjson');
      }
      const asked = platform.bank.stats.messageQueries;
      const result = await invoke<SQSBatchResponse>('cutoffQueryWorker', event);
      expect(result.batchItemFailures).toEqual([]);
      expect(await cutoffChunksDone(queries[0]?.cycleId as string)).toBe(queries.length);
      expect(platform.bank.stats.messageQueries).toBe(asked);
    });

    it('bankCallback accepts a report signed with the bank secret (202) and refuses any other (401)', async () => {
      const secret = process.env.ANSINH_BANK_CALLBACK_SECRET;
      if (!secret) throw new Error('the local runtime sets ANSINH_BANK_CALLBACK_SECRET');
      const now = String(Math.floor(Date.now() / 1000));
      const sign = (body: string, at = now) =>
        `sha256=${createHmac('sha256', secret).update(`${at}.${body}`, 'utf8').digest('hex')}`;

      const signed = sample('bankCallback');
      signed.headers['x-bank-timestamp'] = now;
      signed.headers['x-bank-signature'] = sign(signed.body);
      const res = await http('bankCallback', signed);
      expect(res.statusCode).toBe(202);
      expect(res.json).toEqual({ received: true });

      // The placeholder of the sample, and a body changed after signing.
      const placeholder = await http('bankCallback', sample('bankCallback'));
      expect(placeholder.statusCode).toBe(401);
      expect(errorCode(placeholder.json)).toBe('BAD_SIGNATURE');
      const tampered = sample('bankCallback');
      tampered.headers['x-bank-timestamp'] = now;
      tampered.headers['x-bank-signature'] = sign(tampered.body);
      tampered.body = tampered.body.replace('ACSC', 'RJCT');
      expect((await http('bankCallback', tampered)).statusCode).toBe(401);
    });
  });

  describe('reconciliation', () => {
    type HttpSample = APIGatewayProxyEventV2WithJWTAuthorizer;
    const forImport = (id: string, importId: string) => {
      const event = sample<HttpSample>(id);
      event.pathParameters = { importId };
      event.rawPath = event.requestContext.http.path = event.rawPath.replace(/st-[a-z0-9]+/, importId);
      return event;
    };

    it('a statement goes up through an upload URL, is registered, reconciled from the queue, and read back', async () => {
      const upload = await http('createStatementUpload', sample('createStatementUpload'));
      expect(upload.statusCode).toBe(201);
      // A one-line camt.053: a debit no payment of ours explains.
      const xml = buildCamt053({
        messageId: 'C053-CONTRACT-1',
        createdAt: '2026-03-03T23:59:59+07:00',
        statements: [
          {
            id: 'S20260303-CONTRACT',
            electronicSequenceNumber: 1,
            createdAt: '2026-03-03T23:59:59+07:00',
            account: { id: '0071000888999' }, // province 79's paying account
            openingBalance: { amountVnd: 1_000_000, date: '2026-03-03' },
            closingBalance: { amountVnd: 877_000, date: '2026-03-03' },
            entries: [
              {
                entryRef: 'FX1',
                amountVnd: 123_000,
                creditDebit: 'DBIT',
                status: 'BOOK',
                bookingDate: '2026-03-03',
                valueDate: '2026-03-03',
                accountServicerRef: 'FX1',
              },
            ],
          },
        ],
      });
      const put = await fetch(upload.json.uploadUrl, { method: 'PUT', body: xml });
      expect(put.status).toBe(200);

      const submit = sample<HttpSample>('submitStatement');
      submit.body = JSON.stringify({ ...JSON.parse(submit.body ?? '{}'), uploadId: upload.json.uploadId });
      submit.headers['content-length'] = String(Buffer.byteLength(submit.body));
      const submitted = await http('submitStatement', submit);
      expect(submitted.statusCode).toBe(202);
      const importId = ImportId.parse(submitted.json.importId);

      // The worker's sample, pointed at this import; the other record names an import that does not exist.
      const event = sample<SQSEvent>('reconcileStatement');
      (event.Records[0] as { body: string }).body = JSON.stringify({ importId });
      const result = await invoke<SQSBatchResponse>('reconcileStatement', event);
      expect(result.batchItemFailures).toEqual([]);

      const view = await eventually(async () => {
        const res = await http('getStatementImport', forImport('getStatementImport', importId));
        return res.json.status === 'COMPLETED' ? res.json : undefined;
      });
      expect(view.outcomes).toEqual([expect.objectContaining({ outcome: 'NOT_OURS', count: 1, amount: 123_000 })]);
      const lines = await http('getStatementLines', forImport('getStatementLines', importId));
      expect(lines.statusCode).toBe(200);
      expect(lines.json.lines).toEqual([expect.objectContaining({ outcome: 'NOT_OURS', amount: 123_000 })]);
      const report = await http('exportReconciliation', forImport('exportReconciliation', importId));
      expect(report.statusCode).toBe(200);
      expect(report.json).toMatchObject({ format: 'csv', downloadUrl: expect.any(String) });
      // The sample's import id was never loaded: 404, like another jurisdiction's.
      expect((await http('getStatementImport', sample('getStatementImport'))).statusCode).toBe(404);
      expect((await http('confirmStatementImport', sample('confirmStatementImport'))).statusCode).toBe(404);
      // A line that is not ours proposes no ledger change: nothing to confirm.
      expect(view.proposal).toMatchObject({ status: 'NONE', changes: 0 });
      const confirm = forImport('confirmStatementImport', importId);
      confirm.body = JSON.stringify({ proposalHash: view.proposal.hash });
      const nothing = await http('confirmStatementImport', confirm);
      expect(nothing.statusCode).toBe(409);
      expect(errorCode(nothing.json)).toBe('NOTHING_TO_CONFIRM');
    });

    it('listStatements lists the import the samples loaded, newest first, in the caller jurisdiction', async () => {
      const res = await http('listStatements', sample('listStatements'));
      expect(res.statusCode).toBe(200);
      expect(res.json.jurisdiction).toBe('79');
      expect(res.json.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            status: 'COMPLETED',
            outcomes: [{ outcome: 'NOT_OURS', count: 1, amount: 123_000 }],
          }),
        ]),
      );
      const times = res.json.items.map((i: { createdAt: string }) => i.createdAt);
      expect(times).toEqual([...times].sort().reverse());
    });

    it('listCycles lists the cycle the samples created for the period asked', async () => {
      const res = await http('listCycles', sample('listCycles'));
      expect(res.statusCode).toBe(200);
      expect(res.json).toMatchObject({
        jurisdiction: '79',
        items: [expect.objectContaining({ cycleId: 'dc-tcxh_hang_thang-2026-03-79', period: '2026-03' })],
      });
    });

    it('getCycleReconciliation answers for the cycle the samples created, its outcomes balancing', async () => {
      const res = await http('getCycleReconciliation', sample('getCycleReconciliation'));
      expect(res.statusCode).toBe(200);
      expect(res.json).toMatchObject({ cycleId: 'dc-tcxh_hang_thang-2026-03-79', asOf: '2026-03-20', dueDays: 3 });
      expect(res.json.byCategory).toEqual(expect.any(Array));
    });

    it("getPeriodReconciliation answers the auditor with the period's cycles of every province, balancing", async () => {
      const res = await http('getPeriodReconciliation', sample('getPeriodReconciliation'));
      expect(res.statusCode).toBe(200);
      expect(res.json).toMatchObject({ period: '2026-03', programme: 'TCXH_HANG_THANG', asOf: '2026-03-20' });
      // The samples created the 2026-03 cycle of province 79: it is found among the 34 provinces.
      expect(res.json.provinces.map((p: { jurisdiction: string }) => p.jurisdiction)).toContain('79');
      expect(res.json.total.outcomes.reduce((s: number, o: { count: number }) => s + o.count, 0)).toBe(
        res.json.total.byCategory.reduce((s: number, c: { count: number }) => s + c.count, 0),
      );
    });
  });

  describe('cases and notifications', () => {
    it('listCases answers the province inbox (empty), getCase and actOnCase 404 for a case that does not exist', async () => {
      const list = await http('listCases', sample('listCases'));
      expect(list.statusCode).toBe(200);
      expect(list.json).toEqual({ jurisdiction: '79', items: [] });
      const get = await http('getCase', sample('getCase'));
      expect(get.statusCode).toBe(404);
      expect(errorCode(get.json)).toBe('NOT_FOUND');
      const act = await http('actOnCase', sample('actOnCase'));
      expect(act.statusCode).toBe(404);
    });

    it('getMyCases answers an empty page to a person without an account; reportNotReceived 404s a month never paid', async () => {
      const mine = await http('getMyCases', sample('getMyCases'));
      expect(mine.statusCode).toBe(200);
      expect(mine.json).toEqual({ cases: [], messages: [] });
      const report = await http('reportNotReceived', sample('reportNotReceived'));
      expect(report.statusCode).toBe(404);
    });

    it('setNotificationPreferences records the choice on the account (the sample person has one by now)', async () => {
      const res = await http('setNotificationPreferences', sample('setNotificationPreferences'));
      expect(res.statusCode).toBe(200);
      expect(res.json).toMatchObject({ notifications: { optOut: false, settlementOptIn: true } });
    });

    it('getPaymentTrace answers 404 for a payment the ledger does not hold', async () => {
      const res = await http('getPaymentTrace', sample('getPaymentTrace'));
      expect(res.statusCode).toBe(404);
      expect(errorCode(res.json)).toBe('NOT_FOUND');
    });

    it('openOverdueCases finds no payment left UNKNOWN', async () => {
      await expect(invoke('openOverdueCases', sample('openOverdueCases'))).resolves.toEqual({ casesOpenedOrFound: 0 });
    });

    it('sendDueNotifications finds nothing due', async () => {
      await expect(invoke('sendDueNotifications', sample('sendDueNotifications'))).resolves.toEqual({ sent: 0 });
    });
  });

  describe('bank returns', () => {
    it('pollBankReturns reads the notifications and finds no return (no payment was sent)', async () => {
      await expect(invoke('pollBankReturns', sample('pollBankReturns'))).resolves.toEqual({ returned: 0, unknown: 0 });
    });
  });

  it('ran every function of the system (keep this last)', () => {
    expect([...ran].sort()).toEqual([...FUNCTION_IDS].sort());
  });
});
