/**
 * The list routes against the local platform (DynamoDB Local, the gateway with real tokens): lists, cycles and
 * statement imports of two provinces (79 and 01), seeded through the same stores the create routes use, read
 * back page by page. An officer of 79 never sees an item of 01 — not by filter, not by a cursor of 01 or a
 * tampered one; paging covers every item once, newest first; filters hold on every page; a bad cursor is the
 * bilingual 400; roles outside the route are 403.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createList, writeVerdicts } from '../../functions/beneficiary-lists/list-store.js';
import { changeCycle, createCycle, cycleIdFor } from '../../functions/disbursement-cycles/cycle-store.js';
import { createJob, listScopeOf } from '../../functions/jobs/job-store.js';
import type { StatementImportJob } from '../../functions/reconciliation/import-job.js';
import { contentId } from '../../functions/shared/ids.js';
import type { DemoUser } from '../../infra/local/demo-users.js';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/free-port.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { system } from '../../infra/system.js';
import type { TableDef } from '../../infra/system-model.js';
import { CycleSummary, ListSummary, pageOf, StatementListSummary } from '../../schemas/listings.js';
import { ErrorBody } from '../../schemas/messages.js';
import { officerUser } from '../support/payment-lookups.js';
import { api, startTestPlatform, uniquePrefix } from '../support/platform.js';

const LISTS_79 = 27;
const LISTS_01 = 6;
const CYCLES_79 = 14;
const STATEMENTS_79 = 12;

const officer79 = officerUser('canbo.79', 'labor_officer', '79');
const otherOfficer79 = officerUser('canbo.79b', 'labor_officer', '79');
const officer01 = officerUser('canbo.01', 'labor_officer', '01');
const preparer79 = officerUser('ketoan.79', 'finance_preparer', '79');
const approver79 = officerUser('duyet.79', 'finance_approver', '79');
const preparer01 = officerUser('ketoan.01', 'finance_preparer', '01');
const auditor = officerUser('thanhtra.tw', 'auditor');
const beneficiary: DemoUser = { username: 'nh', displayName: 'NH', role: 'beneficiary', personalId: '079132108434' };

let platform: LocalPlatform;
const tokens = new Map<string, string>();
const tokenOf = async (user: DemoUser) => {
  let t = tokens.get(user.username);
  if (!t) {
    t = await platform.identityProvider.tokenFor(user);
    tokens.set(user.username, t);
  }
  return t;
};
const get = async (user: DemoUser, path: string) => api(platform, 'GET', path, { token: await tokenOf(user) });
const sub = (user: DemoUser) => `local|${user.username}`;
const hex = (n: number, width = 24) => n.toString(16).padStart(width, '0');
/** List ids as the submit route makes them (the rows route checks the format). */
const listIds = Array.from({ length: LISTS_79 + LISTS_01 }, (_, i) => contentId('bl', ['list-routes', i]));

/** Every page of a query, following nextCursor; asserts the page shape with the route's schema. */
async function allPages<T>(user: DemoUser, path: string, schema: ReturnType<typeof pageOf>, limit: number) {
  const items: T[] = [];
  const pages: number[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(user, `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    const page = schema.parse(res.body);
    pages.push(page.items.length);
    items.push(...(page.items as T[]));
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return { items, pages };
}

const newestFirst = (times: string[]) => expect(times).toEqual([...times].sort().reverse());

beforeAll(async () => {
  platform = await startTestPlatform();
  // Lists: 27 in 79 (every third by another officer, some completed), 6 in 01.
  for (let i = 0; i < LISTS_79 + LISTS_01; i++) {
    const in79 = i < LISTS_79;
    const uploader = in79 ? (i % 3 === 0 ? otherOfficer79 : officer79) : officer01;
    await createList({
      jobId: listIds[i] as string,
      programme: 'TCXH_HANG_THANG',
      jurisdiction: in79 ? '79' : '01',
      uploadedBy: sub(uploader),
      fileName: `danh-sach-${i}.csv`,
      objectKey: `incoming/${i}`,
      contentSha256: hex(i, 64),
      sizeBytes: 100 + i,
    });
  }
  // Cycles: 14 in 79 over two programmes and seven periods, 3 in 01 for the same periods; two 79 drafts.
  const cycle = async (programme: string, period: string, jurisdiction: string) => {
    const cycleId = cycleIdFor(programme, period, jurisdiction);
    await createCycle(
      { cycleId, programme, period, months: [period], jurisdiction },
      { subject: sub(jurisdiction === '79' ? preparer79 : preparer01), role: 'finance_preparer' },
    );
    return cycleId;
  };
  for (let i = 0; i < CYCLES_79; i++) {
    const id = await cycle(
      i % 2 ? 'TCXH_HANG_THANG' : 'CHAM_SOC',
      `2025-${String(1 + (i >> 1)).padStart(2, '0')}`,
      '79',
    );
    if (i === 3 || i === 4) {
      await changeCycle({
        cycleId: id,
        actor: { subject: 'system', role: 'finance_preparer' },
        action: 'COMPUTED',
        from: ['COMPUTING'],
        to: 'DRAFT',
        set: { payees: 10 + i, amount: 500_000 * (10 + i) },
      });
    }
  }
  for (let i = 0; i < 3; i++) await cycle('TCXH_HANG_THANG', `2025-0${1 + i}`, '01');
  // Statement imports: 12 in 79, 2 in 01.
  for (let i = 0; i < STATEMENTS_79 + 2; i++) {
    const jurisdiction = i < STATEMENTS_79 ? '79' : '01';
    const at = new Date().toISOString();
    await createJob<StatementImportJob>({
      jobId: `st-${hex(i, 20)}`,
      kind: 'statement-import',
      status: i % 4 === 0 ? 'FAILED' : 'RECEIVED',
      jurisdiction,
      listScope: listScopeOf('statement-import', jurisdiction),
      uploadedBy: sub(preparer79),
      fileName: `sao-ke-${i}.xml`,
      objectKey: `incoming-statements/${i}`,
      contentSha256: hex(i, 64),
      sizeBytes: 1000,
      createdAt: at,
      updatedAt: at,
    });
  }
}, 120_000);

describe('the other paged routes share the cursor helper', () => {
  it('list rows: a bad cursor is 400 (it was a 500), a cursor of another list or outcome is refused', async () => {
    const [a, b] = [listIds[1] as string, listIds[2] as string];
    for (const listId of [a, b]) {
      await writeVerdicts(
        listId,
        [1, 2, 3].map((line) => ({ line, outcome: 'INVALID_ROW' as const, findings: [], flags: [] })),
      );
    }
    const first = await get(officer79, `/v1/beneficiary-lists/${a}/rows?limit=1`);
    expect(first.status).toBe(200);
    const next = first.body.nextCursor as string;
    const second = await get(officer79, `/v1/beneficiary-lists/${a}/rows?limit=1&cursor=${next}`);
    expect(second.body.rows.map((r: { line: number }) => r.line)).toEqual([2]);
    for (const path of [
      `/v1/beneficiary-lists/${a}/rows?cursor=garbage`,
      `/v1/beneficiary-lists/${b}/rows?limit=1&cursor=${next}`,
      `/v1/beneficiary-lists/${a}/rows?limit=1&outcome=INVALID_ROW&cursor=${next}`,
    ]) {
      const res = await get(officer79, path);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
        path,
        status: 400,
        code: 'INVALID_CURSOR',
      });
    }
  });

  it('statement lines: a bad cursor is the same bilingual 400', async () => {
    const res = await get(preparer79, `/v1/statements/st-${hex(1, 20)}/lines?cursor=garbage`);
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error).toMatchObject({
      code: 'INVALID_CURSOR',
      message: { vi: expect.stringMatching(/Con trỏ trang/), en: expect.stringMatching(/page cursor/) },
    });
  });
});

describe('a table kept from an earlier local run', () => {
  // Its own DynamoDB Local: on the one the suites share, a new index waited over a minute behind their writes.
  let own: DynamoDbLocal | undefined;
  afterAll(() => own?.stop());

  it('gets the new index at start, filled from the items already there', async () => {
    own = await startDynamoDbLocal({ port: await freePort() });
    const client = own.client;
    const name = `${uniquePrefix()}jobs`;
    const jobs = system.tables.jobs as TableDef;
    await ensureTable(client, name, { ...jobs, indexes: jobs.indexes?.filter((ix) => ix.name !== 'byScope') });
    const doc = DynamoDBDocumentClient.from(client);
    const item = { jobId: 'bl-old', kind: 'beneficiary-list', status: 'COMPLETED', listScope: 'beneficiary-list#79' };
    await doc.send(new PutCommand({ TableName: name, Item: { ...item, createdAt: '2026-01-01T00:00:00.000Z' } }));
    await ensureTable(client, name, jobs);
    const described = await client.send(new DescribeTableCommand({ TableName: name }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((ix) => ix.IndexName).sort()).toEqual(['byScope', 'openJobs']);
    const found = await doc.send(
      new QueryCommand({
        TableName: name,
        IndexName: 'byScope',
        KeyConditionExpression: 'listScope = :s',
        ExpressionAttributeValues: { ':s': 'beneficiary-list#79' },
      }),
    );
    expect(found.Items).toEqual([expect.objectContaining(item)]);
  }, 90_000);
});

afterAll(async () => {
  await platform?.stepFunctions.idle();
  await platform?.stop();
});

describe('GET /v1/beneficiary-lists', () => {
  it('pages over every list of the officer jurisdiction once, newest first, and nothing of 01', async () => {
    const { items, pages } = await allPages<ListSummary>(officer79, '/v1/beneficiary-lists', pageOf(ListSummary), 10);
    expect(pages.slice(0, 3)).toEqual([10, 10, 7]);
    expect(items).toHaveLength(LISTS_79);
    expect(new Set(items.map((i) => i.listId)).size).toBe(LISTS_79);
    expect(items.map((i) => i.listId).sort()).toEqual(listIds.slice(0, LISTS_79).sort());
    newestFirst(items.map((i) => i.createdAt));
    // Whose list it is, for the caller only: the other officer's are `mine: false`, and no subject is named.
    expect(items.filter((i) => !i.mine)).toHaveLength(Math.ceil(LISTS_79 / 3));
    expect(items[0]).toEqual({
      listId: listIds[LISTS_79 - 1],
      createdAt: expect.any(String),
      status: 'RECEIVED',
      programme: 'TCXH_HANG_THANG',
      fileName: `danh-sach-${LISTS_79 - 1}.csv`,
      mine: true, // the newest (i = 26) is this officer's; every third is another's
    });
  });

  it('filters: mine=true is the caller uploads only, on every page; status too', async () => {
    const mine = await allPages<ListSummary>(officer79, '/v1/beneficiary-lists?mine=true', pageOf(ListSummary), 5);
    expect(mine.items).toHaveLength(LISTS_79 - Math.ceil(LISTS_79 / 3));
    expect(mine.items.every((i) => i.mine)).toBe(true);
    newestFirst(mine.items.map((i) => i.createdAt));
    const done = await get(officer79, '/v1/beneficiary-lists?status=COMPLETED');
    expect(done.body).toEqual({ jurisdiction: '79', items: [] });
    const received = await get(officer79, '/v1/beneficiary-lists?status=RECEIVED&limit=100');
    expect(received.body.items).toHaveLength(LISTS_79);
  });

  it('an officer of 79 sees nothing of 01: not by asking, not with a cursor of 01, not with a tampered one', async () => {
    const asked = await get(officer79, '/v1/beneficiary-lists?jurisdiction=01');
    expect(asked.status).toBe(403);
    expect(ErrorBody.parse(asked.body).error.code).toBe('OTHER_JURISDICTION');

    const first01 = await get(officer01, '/v1/beneficiary-lists?limit=2');
    expect(first01.body.items.every((i: ListSummary) => /danh-sach-(2[7-9]|3[0-2])\.csv/.test(i.fileName))).toBe(true);
    const cursor01 = first01.body.nextCursor as string;
    expect(cursor01).toEqual(expect.any(String));
    const reused = await get(officer79, `/v1/beneficiary-lists?limit=2&cursor=${cursor01}`);
    expect(reused.status).toBe(400);

    // The 79 cursor rewritten to point into 01 (the key's scope changed, fingerprint kept).
    const first79 = await get(officer79, '/v1/beneficiary-lists?limit=2');
    const decoded = JSON.parse(Buffer.from(first79.body.nextCursor, 'base64url').toString('utf8'));
    decoded.k.listScope = 'beneficiary-list#01';
    const forged = Buffer.from(JSON.stringify(decoded)).toString('base64url');
    const tampered = await get(officer79, `/v1/beneficiary-lists?limit=2&cursor=${forged}`);
    expect(tampered.status).toBe(400);
    expect(ErrorBody.parse(tampered.body).error).toMatchObject({
      code: 'INVALID_CURSOR',
      message: { vi: expect.stringMatching(/Con trỏ trang/), en: expect.stringMatching(/page cursor/) },
    });
  });

  it('a bad cursor is a bilingual 400 (not a 500), and a cursor of another filter is refused', async () => {
    for (const bad of ['garbage', 'eyJ9', Buffer.from('{"q":1}').toString('base64url')]) {
      const res = await get(officer79, `/v1/beneficiary-lists?cursor=${bad}`);
      expect(res.status).toBe(400);
      expect(ErrorBody.parse(res.body).error.code).toBe('INVALID_CURSOR');
    }
    const page = await get(officer79, '/v1/beneficiary-lists?limit=3');
    const other = await get(officer79, `/v1/beneficiary-lists?limit=3&mine=true&cursor=${page.body.nextCursor}`);
    expect(other.status).toBe(400);
  });

  it('auditors choose a jurisdiction (400 without one); other roles are 403', async () => {
    const none = await get(auditor, '/v1/beneficiary-lists');
    expect(none.status).toBe(400);
    expect(ErrorBody.parse(none.body).error.code).toBe('JURISDICTION_REQUIRED');
    const of01 = await allPages<ListSummary>(auditor, '/v1/beneficiary-lists?jurisdiction=01', pageOf(ListSummary), 4);
    expect(of01.items).toHaveLength(LISTS_01);
    for (const user of [preparer79, approver79, beneficiary]) {
      expect((await get(user, '/v1/beneficiary-lists')).status).toBe(403);
    }
    expect((await api(platform, 'GET', '/v1/beneficiary-lists')).status).toBe(401);
  });

  it('limit is 1 to 100', async () => {
    expect((await get(officer79, '/v1/beneficiary-lists?limit=101')).status).toBe(400);
    expect((await get(officer79, '/v1/beneficiary-lists?limit=0')).status).toBe(400);
  });
});

describe('GET /v1/disbursement-cycles', () => {
  it('pages over the cycles of 79 only, newest first, for preparer and approver alike', async () => {
    for (const user of [preparer79, approver79]) {
      const { items } = await allPages<CycleSummary>(user, '/v1/disbursement-cycles', pageOf(CycleSummary), 4);
      expect(items).toHaveLength(CYCLES_79);
      expect(new Set(items.map((c) => c.cycleId)).size).toBe(CYCLES_79);
      expect(items.every((c) => c.cycleId.endsWith('-79'))).toBe(true);
      newestFirst(items.map((c) => c.createdAt));
    }
  });

  it('filters by period, programme and status, and shows the draft totals', async () => {
    const period = await get(preparer79, '/v1/disbursement-cycles?period=2025-02');
    expect(period.body.items.map((c: CycleSummary) => c.cycleId).sort()).toEqual([
      'dc-cham_soc-2025-02-79',
      'dc-tcxh_hang_thang-2025-02-79',
    ]);
    const programme = await allPages<CycleSummary>(
      preparer79,
      '/v1/disbursement-cycles?programme=CHAM_SOC',
      pageOf(CycleSummary),
      3,
    );
    expect(programme.items).toHaveLength(CYCLES_79 / 2);
    expect(programme.items.every((c) => c.programme === 'CHAM_SOC')).toBe(true);
    const drafts = await get(preparer79, '/v1/disbursement-cycles?status=DRAFT');
    expect(drafts.body.items).toEqual([
      expect.objectContaining({ cycleId: 'dc-cham_soc-2025-03-79', status: 'DRAFT', payees: 14, amount: 7_000_000 }),
      expect.objectContaining({ cycleId: 'dc-tcxh_hang_thang-2025-02-79', status: 'DRAFT', payees: 13 }),
    ]);
  });

  it('refuses 01 to an officer of 79, by asking or by a cursor of 01; the auditor reads 01', async () => {
    expect((await get(preparer79, '/v1/disbursement-cycles?jurisdiction=01')).status).toBe(403);
    const of01 = await get(preparer01, '/v1/disbursement-cycles?limit=1');
    expect(of01.body.items).toHaveLength(1);
    expect((await get(preparer79, `/v1/disbursement-cycles?limit=1&cursor=${of01.body.nextCursor}`)).status).toBe(400);
    const audit = await allPages<CycleSummary>(
      auditor,
      '/v1/disbursement-cycles?jurisdiction=01',
      pageOf(CycleSummary),
      2,
    );
    expect(audit.items.map((c) => c.cycleId).sort()).toEqual([
      'dc-tcxh_hang_thang-2025-01-01',
      'dc-tcxh_hang_thang-2025-02-01',
      'dc-tcxh_hang_thang-2025-03-01',
    ]);
    expect((await get(officer79, '/v1/disbursement-cycles')).status).toBe(403);
  });
});

describe('GET /v1/statements', () => {
  it('pages over the imports of 79 only, newest first, filtered by status', async () => {
    const { items } = await allPages<StatementListSummary>(
      approver79,
      '/v1/statements',
      pageOf(StatementListSummary),
      5,
    );
    expect(items).toHaveLength(STATEMENTS_79);
    expect(new Set(items.map((s) => s.importId)).size).toBe(STATEMENTS_79);
    newestFirst(items.map((s) => s.createdAt));
    const failed = await allPages<StatementListSummary>(
      preparer79,
      '/v1/statements?status=FAILED',
      pageOf(StatementListSummary),
      2,
    );
    expect(failed.items.map((s) => s.importId).sort()).toEqual([
      `st-${hex(0, 20)}`,
      `st-${hex(4, 20)}`,
      `st-${hex(8, 20)}`,
    ]);
    expect((await get(preparer79, '/v1/statements?jurisdiction=01')).status).toBe(403);
    expect((await get(officer79, '/v1/statements')).status).toBe(403);
    expect((await get(preparer79, '/v1/statements?cursor=AAAA')).status).toBe(400);
  });
});
