/**
 * Payment look-ups against the local platform, as an attacker would try them: a beneficiary reaching another
 * person's payments by any parameter, path trick, header or body; forged, expired and foreign tokens; a
 * beneficiary on officer routes; officers outside their province; sweeps over many identity numbers. Every
 * byte any component logs during the run is captured, and no identity number, bank account or name of the
 * seeded people may be among them.
 */
import { request } from 'node:http';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import { DEV_AUDIENCE } from '../../infra/local/dev-identity-provider.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import { ErrorBody } from '../../schemas/messages.js';
import { MyPayments, PersonPayments } from '../../schemas/payment-lookups.js';
import { checkResponse } from '../support/api-contract.js';
import type { SeededPerson } from '../support/payment-lookups.js';
import { demoUser, startTestPlatform } from '../support/platform.js';

// Everything is logged in this run, and all of it captured. The shared logger reads its level when its module
// is first loaded (and goes back to that level on every invocation), so the modules that build it are loaded
// only now.
const savedLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
const { dynamo } = await import('../../functions/shared/aws-clients.js');
const { beneficiaryUser, officerUser, seedPerson } = await import('../support/payment-lookups.js');

// ------------------------------------------------------------------------------------------- log capture

const captured: string[] = [];
const restores: (() => void)[] = [];
function captureAllOutput() {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      captured.push(text);
      // Captured all the same; only errors reach the test output (this run logs debug lines and expected warnings).
      if (/^\{"level":"(DEBUG|INFO|WARN)"/.test(text)) return true;
      return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    restores.push(() => {
      stream.write = original;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      original.apply(console, args);
    };
    restores.push(() => {
      console[method] = original;
    });
  }
}

// ------------------------------------------------------------------------------------------------ people

/** A (HCMC, three payments: settled, rejected AC04, returned), B (Hà Nội), C (HCMC, no payment), D: no account. */
const A_ID = '079140123456';
const B_ID = '001145678901';
const C_ID = '079152468013';
const D_ID = '079160000001';
const A_BANK = '0071000123456';
const B_BANK = '19035551234018';
const A_NAME = 'Trần Thị Bảo Ngọc';
const B_NAME = 'Lê Văn Khánh Duy';
const C_NAME = 'Phạm Thị Hồng Nhung';

let platform: LocalPlatform;
let a: SeededPerson;
let b: SeededPerson;
const tokens: Record<string, string> = {};
const ENV = ['ANSINH_RATE_LIMIT_PER_PERSON', 'ANSINH_RATE_LIMIT_PER_CLIENT', 'ANSINH_RATE_LIMIT_WINDOW_SECONDS'];
const savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

beforeAll(async () => {
  captureAllOutput();
  // The functional tests below send many requests as one person; the sweep tests lower the limits.
  process.env.ANSINH_RATE_LIMIT_PER_PERSON = '1000';
  process.env.ANSINH_RATE_LIMIT_PER_CLIENT = '100000';
  platform = await startTestPlatform({ log: (msg, extra) => captured.push(`${msg} ${JSON.stringify(extra ?? {})}`) });
  [a, b] = await Promise.all([
    seedPerson({
      personalId: A_ID,
      fullName: A_NAME,
      jurisdiction: '79',
      communeCode: '26734',
      bankAccount: A_BANK,
      payments: [
        { period: '2026-01', amount: 750_000, path: ['SENT', 'ACCEPTED', 'SETTLED'] },
        { period: '2026-02', amount: 750_000, path: ['SENT', ['REJECTED', { status: 'RJCT', reason: 'AC04' }]] },
        {
          period: '2026-03',
          months: ['2026-02', '2026-03'],
          amount: 1_500_000,
          path: ['SENT', 'SETTLED', ['RETURNED', { reason: 'AC04' }]],
        },
      ],
    }),
    seedPerson({
      personalId: B_ID,
      fullName: B_NAME,
      jurisdiction: '01',
      communeCode: '00004',
      bankAccount: B_BANK,
      payments: [{ period: '2026-01', amount: 975_000, path: ['SENT', 'SETTLED'] }],
    }),
    seedPerson({ personalId: C_ID, fullName: C_NAME, jurisdiction: '79', communeCode: '26737' }),
  ]);
  const idp = platform.identityProvider;
  tokens.a = await idp.tokenFor(beneficiaryUser('nguoihuong.a', A_ID));
  tokens.b = await idp.tokenFor(beneficiaryUser('nguoihuong.b', B_ID));
  tokens.d = await idp.tokenFor(beneficiaryUser('nguoihuong.d', D_ID));
  tokens.officer79 = await idp.tokenFor(demoUser('labor_officer', '79'));
  tokens.officer01 = await idp.tokenFor(demoUser('labor_officer', '01'));
  tokens.preparer79 = await idp.tokenFor(demoUser('finance_preparer'));
  tokens.approver79 = await idp.tokenFor(demoUser('finance_approver'));
  tokens.auditor = await idp.tokenFor(demoUser('auditor'));
  tokens.preparer01 = await idp.tokenFor(officerUser('ketoan.lap.hanoi', 'finance_preparer', '01'));
  tokens.officerNoJurisdiction = await idp.tokenFor(officerUser('canbo.chuagan', 'labor_officer'));
});

afterAll(async () => {
  await platform?.stop();
  for (const restore of restores.reverse()) restore();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (savedLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = savedLogLevel;
});

// ------------------------------------------------------------------------------------------------ HTTP

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** Raw HTTP: the path goes out exactly as written (no client-side normalisation), GET may carry a body. */
function raw(
  path: string,
  opts: { token?: string; headers?: Record<string, string>; body?: string; method?: string } = {},
): Promise<Answer> {
  const url = new URL(platform.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method ?? 'GET',
        path,
        headers: {
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(opts.body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(opts.body) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          try {
            // The gateway reads the path as a URL does (dot segments removed): the route it answered for.
            const pathname = new URL(path, 'http://localhost').pathname;
            checkResponse(
              opts.method ?? 'GET',
              pathname,
              res.statusCode ?? 0,
              res.headers['content-type'] ?? null,
              text,
            );
          } catch (err) {
            return reject(err);
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

const me = (token: string, extra: Parameters<typeof raw>[1] = {}) => raw('/v1/me/payments', { token, ...extra });
const lookup = (token: string, id: string) =>
  raw('/v1/people/payments', {
    token,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identityNumber: id }),
  });
const withoutRequestId = (json: any) => ({ ...json, error: { ...json.error, requestId: undefined } });

/** Nothing of B in an answer: identity number (whole or masked), account, name, person, payment ids, amount. */
function expectNothingOfB(text: string) {
  for (const secret of [B_ID, '00********01', B_BANK, '******4018', B_NAME, b.personId, ...b.paymentIds, '975000'])
    expect(text).not.toContain(secret);
}

// ------------------------------------------------------------------------------------------------ tests

describe('a beneficiary sees their own payments, and only those', () => {
  let baseline: Answer;

  beforeAll(async () => {
    baseline = await me(tokens.a as string);
  });

  it('shows A their payments in plain words, newest first, the account masked', () => {
    expect(baseline.status).toBe(200);
    expect(baseline.headers['cache-control']).toBe('no-store');
    const body = MyPayments.parse(baseline.json);
    expect(body.account).toEqual({
      status: 'ACTIVE',
      statusLabel: { vi: 'Đang hưởng trợ cấp', en: 'Receiving the allowance' },
      channel: 'BANK',
      channelLabel: { vi: 'Chuyển khoản ngân hàng', en: 'Bank transfer' },
      bankAccount: '******3456',
    });
    expect(body.payments.map((p) => [p.period, p.status, p.amountVnd, p.failure?.code ?? null])).toEqual([
      ['2026-03', 'RETURNED', 1_500_000, 'AC04'],
      ['2026-02', 'REJECTED', 750_000, 'AC04'],
      ['2026-01', 'SETTLED', 750_000, null],
    ]);
    const [returned, rejected, settled] = body.payments;
    expect(settled).toMatchObject({
      statusLabel: { vi: 'Đã chuyển vào tài khoản' },
      bankAccount: '******3456',
      statusDate: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
      nextStep: null,
    });
    expect(rejected?.failure?.reason.vi).toBe('Tài khoản ngân hàng đã bị đóng');
    expect(rejected?.nextStep?.vi).toMatch(/^Cập nhật tài khoản ngân hàng .* tại UBND xã/);
    expect(returned).toMatchObject({ months: ['2026-02', '2026-03'], monthsLabel: '02/2026, 03/2026' });
    expect(baseline.text).not.toContain(A_ID);
    expect(baseline.text).not.toContain(A_BANK);
    expect(baseline.text).not.toContain(a.personId);
    expectNothingOfB(baseline.text);
  });

  it('answers someone without an account with the same shape, empty', async () => {
    const res = await me(tokens.d as string);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ account: null, payments: [] });
  });

  // Test titles name the people by placeholder: the reporter's output is captured with the logs.
  const fill = (template: string) =>
    template.replaceAll('{A}', A_ID).replaceAll('{B}', B_ID).replaceAll('{B.person}', b.personId);

  it.each([
    'personalId={B}',
    'identityNumber={B}',
    'id={B}',
    'cccd={B}',
    'personId={B.person}',
    'personalId={A}',
    'personalId={B}&personalId={B}',
    'personalId',
    '={B}',
    'ansinh%3Apersonal_id={B}',
    'page=2',
  ])('refuses the query ?%s with 400, whatever it names', async (query) => {
    const res = await raw(`/v1/me/payments?${fill(query)}`, { token: tokens.a });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.json).error.code).toBe('INVALID_REQUEST');
    expectNothingOfB(res.text);
  });

  it.each([
    '/v1/me/payments/{B}',
    '/v1/me/payments/',
    '/v1/me/payments;personalId={B}',
    '/v1/me%2Fpayments',
    '/v1/me/payments%2F{B}',
    '/V1/ME/PAYMENTS',
    '/v1/me/{B}/payments',
    '/v1/people/{B}',
    '/v1/people/{B}/payments',
    '/v1/me/payments%00{B}',
    '//v1/me/payments',
  ])('finds no route for %s (404), and nothing of B', async (path) => {
    const res = await raw(fill(path), { token: tokens.a });
    expect(res.status).toBe(404);
    expectNothingOfB(res.text);
  });

  it.each([
    '/v1/me/../people/payments',
    '/v1/me/payments/../../people/payments',
    '/v1/me/%2e%2e/people/payments',
    '/v1/people/payments',
  ])('keeps a beneficiary off the officer route, however the path is written: %s (403 or 404)', async (path) => {
    const res = await raw(fill(path), { token: tokens.a });
    expect([403, 404]).toContain(res.status);
    expectNothingOfB(res.text);
  });

  it('ignores identity headers and bodies: A always gets exactly A', async () => {
    const attempts: Parameters<typeof raw>[1][] = [
      { headers: { 'x-personal-id': B_ID } },
      { headers: { 'x-ansinh-personal-id': B_ID, 'ansinh-personal-id': B_ID } },
      { headers: { 'x-amzn-oidc-identity': B_ID, 'x-forwarded-user': B_ID } },
      { headers: { 'x-forwarded-for': '10.0.0.1', 'x-real-ip': '10.0.0.2' } },
      { headers: { cookie: `personalId=${B_ID}` } },
      { body: JSON.stringify({ personalId: B_ID, identityNumber: B_ID }) },
      { headers: { 'content-type': 'text/plain' }, body: B_ID },
    ];
    for (const attempt of attempts) {
      const res = await me(tokens.a as string, attempt);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(baseline.json);
      expectNothingOfB(res.text);
    }
  });

  it('keeps beneficiaries apart: B sees B, and nothing of A', async () => {
    const res = await me(tokens.b as string);
    expect(res.status).toBe(200);
    const body = MyPayments.parse(res.json);
    expect(body.payments.map((p) => [p.period, p.status, p.amountVnd])).toEqual([['2026-01', 'SETTLED', 975_000]]);
    for (const secret of [A_ID, A_BANK, '******3456', a.personId, ...a.paymentIds])
      expect(res.text).not.toContain(secret);
  });
});

describe('tokens', () => {
  const user = () => beneficiaryUser('nguoihuong.a', A_ID);

  /** Base64url JSON. */
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = () => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: 'local|nguoihuong.b',
      iss: platform.identityProvider.issuer,
      aud: DEV_AUDIENCE,
      iat: now,
      nbf: now - 5,
      exp: now + 600,
      'ansinh:roles': ['beneficiary'],
      'ansinh:personal_id': B_ID,
    };
  };

  const forged: [string, () => Promise<string>][] = [
    ['expired', () => platform.identityProvider.tokenFor(user(), { expiresInSeconds: -120 })],
    ['from another issuer', () => platform.identityProvider.tokenFor(user(), { issuer: 'https://id.evil.example' })],
    ['for another audience', () => platform.identityProvider.tokenFor(user(), { audience: 'another-api' })],
    ['unsigned (alg none)', async () => `${part({ alg: 'none', typ: 'JWT' })}.${part(claims())}.`],
    [
      'alg none with the dev key id',
      async () =>
        `${part({ alg: 'none', typ: 'JWT', kid: platform.identityProvider.jwks.keys[0]?.kid })}.${part(claims())}.`,
    ],
    [
      'signed by another key under the dev key id',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(claims())
          .setProtectedHeader({ alg: 'RS256', kid: platform.identityProvider.jwks.keys[0]?.kid })
          .sign(privateKey);
      },
    ],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      async () => {
        const secret = Buffer.from(JSON.stringify(platform.identityProvider.jwks.keys[0]));
        return new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(secret);
      },
    ],
    [
      "A's valid token with B's identity number swapped into the payload",
      async () => {
        const [header, payload, signature] = (tokens.a as string).split('.');
        const body = JSON.parse(Buffer.from(payload as string, 'base64url').toString('utf8'));
        return `${header}.${part({ ...body, 'ansinh:personal_id': B_ID })}.${signature}`;
      },
    ],
    ['not a token', async () => 'not-a-token'],
  ];

  it.each(forged)('refuses a token %s with 401 on both routes', async (_, make) => {
    const token = await make();
    for (const res of [await raw('/v1/me/payments', { token }), await lookup(token, B_ID)]) {
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ message: 'Unauthorized' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('refuses no token and another scheme with 401', async () => {
    const basic = `Basic ${Buffer.from(`x:${A_ID}`).toString('base64')}`;
    for (const headers of [{}, { authorization: basic }] as Record<string, string>[]) {
      expect((await raw('/v1/me/payments', { headers })).status).toBe(401);
    }
  });

  it('refuses a beneficiary on the officer route (403) and an officer on the beneficiary route (403)', async () => {
    for (const [token, path] of [
      [tokens.a, 'lookup'],
      [tokens.b, 'lookup'],
      [tokens.officer79, '/v1/me/payments'],
      [tokens.auditor, '/v1/me/payments'],
    ] as const) {
      const res = path === 'lookup' ? await lookup(token as string, A_ID) : await raw(path, { token });
      expect(res.status).toBe(403);
      expect(ErrorBody.parse(res.json).error.code).toBe('FORBIDDEN');
    }
  });
});

describe('officer look-ups', () => {
  it('shows a labour or finance officer the people of their province, and an auditor everyone', async () => {
    for (const token of [tokens.officer79, tokens.preparer79, tokens.approver79, tokens.auditor]) {
      const res = await lookup(token as string, A_ID);
      expect(res.status).toBe(200);
      const body = PersonPayments.parse(res.json);
      expect(body.person).toMatchObject({ identityNumber: '07********56', jurisdiction: '79', communeCode: '26734' });
      expect(body.payments.map((p) => p.paymentId)).toEqual([...a.paymentIds].reverse());
      expect(res.text).not.toContain(A_ID);
      expect(res.text).not.toContain(A_BANK);
    }
    for (const token of [tokens.officer01, tokens.preparer01, tokens.auditor]) {
      expect((await lookup(token as string, B_ID)).status).toBe(200);
    }
    // A person with an account but no payment.
    expect(PersonPayments.parse((await lookup(tokens.officer79 as string, C_ID)).json).payments).toEqual([]);
  });

  it('answers a person of another province exactly like an identity number without an account (404)', async () => {
    const pairs: [string, string][] = [
      [tokens.officer01 as string, A_ID],
      [tokens.officer79 as string, B_ID],
      [tokens.preparer79 as string, B_ID],
      [tokens.approver79 as string, B_ID],
      [tokens.preparer01 as string, C_ID],
    ];
    const absent = await lookup(tokens.officer79 as string, D_ID);
    expect(absent.status).toBe(404);
    for (const [token, id] of pairs) {
      const res = await lookup(token, id);
      expect(res.status).toBe(404);
      expect(withoutRequestId(res.json)).toEqual(withoutRequestId(absent.json));
      expect(Object.keys(res.headers).sort()).toEqual(Object.keys(absent.headers).sort());
    }
  });

  it('refuses an officer with no jurisdiction (403), a malformed number (400) and any query parameter (400)', async () => {
    expect((await lookup(tokens.officerNoJurisdiction as string, A_ID)).status).toBe(403);
    for (const id of ['79140123456', '0791401234567', 'abcdefghijkl', '07914012345%20']) {
      expect((await lookup(tokens.officer79 as string, id)).status).toBe(400);
    }
    const withQuery = await raw('/v1/people/payments?full=true', {
      token: tokens.officer79,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identityNumber: A_ID }),
    });
    expect(withQuery.status).toBe(400);
    // The old route, with the number in the URL, no longer exists.
    expect((await raw(`/v1/people/${A_ID}/payments`, { token: tokens.officer79 })).status).toBe(404);
  });

  it('audits every look-up, found or not, with the identity number masked', async () => {
    const query = async (pk: string) =>
      (
        await dynamo().send(
          new QueryCommand({
            TableName: platform.name('accounts'),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    const ofA = (await query(`PERSON#${a.personId}`)).filter((i) => String(i.sk).startsWith('LOOKUP#'));
    expect(ofA.filter((i) => i.outcome === 'FOUND').length).toBeGreaterThanOrEqual(4);
    expect(ofA.find((i) => i.outcome === 'OUT_OF_JURISDICTION')).toMatchObject({
      action: 'PAYMENTS_LOOKUP',
      actor: 'local|canbo.hanoi',
      roles: ['labor_officer'],
      jurisdiction: '01',
      identityNumber: '07********56',
      route: 'POST /v1/people/payments',
      at: expect.any(String),
      requestId: expect.any(String),
    });
    expect(ofA.find((i) => i.actor === 'local|thanhtra')).toMatchObject({ outcome: 'FOUND', roles: ['auditor'] });
    const misses = await query(`LOOKUPS#${new Date().toISOString().slice(0, 10)}`);
    expect(misses.find((i) => i.identityNumber === '07********01' && i.actor === 'local|canbo.hcm')).toMatchObject({
      outcome: 'NOT_FOUND',
      roles: ['labor_officer'],
      jurisdiction: '79',
    });
    // No identity number looked up in this file is stored whole (a 12-digit run alone could be an opaque id).
    for (const item of [...ofA, ...misses]) {
      for (const id of [A_ID, B_ID, C_ID, D_ID]) expect(JSON.stringify(item)).not.toContain(id);
    }
  });
});

describe('rate limits', () => {
  const numbers = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => `0791${String(seed * 1000 + i).padStart(8, '0')}`);

  it('throttles one officer sweeping identity numbers (429, bilingual, retry-after)', async () => {
    process.env.ANSINH_RATE_LIMIT_PER_PERSON = '10';
    try {
      const sweeper = await platform.identityProvider.tokenFor(officerUser('canbo.quet', 'labor_officer', '79'));
      const answers = [];
      for (const id of [A_ID, ...numbers(24, 1)]) answers.push(await lookup(sweeper, id));
      // The first ten always pass (whatever window boundary the sweep crosses); at least one window then refuses.
      expect(answers.slice(0, 10).map((r) => r.status)).not.toContain(429);
      const refused = answers.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(5);
      for (const r of refused) {
        expect(ErrorBody.parse(r.json).error).toMatchObject({
          code: 'RATE_LIMITED',
          message: { vi: expect.stringMatching(/quá nhiều yêu cầu/), en: expect.stringMatching(/Too many requests/) },
        });
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
      }
      // Another officer is not affected by this one's limit.
      expect((await lookup(tokens.officer79 as string, A_ID)).status).toBe(200);
    } finally {
      process.env.ANSINH_RATE_LIMIT_PER_PERSON = '1000';
    }
  });

  it('throttles one client sweeping through many officer accounts, not the other clients', async () => {
    process.env.ANSINH_RATE_LIMIT_PER_CLIENT = '10';
    try {
      const idp = platform.identityProvider;
      const ids = numbers(25, 2);
      const answers = [];
      for (const [i, id] of ids.entries()) {
        const token = await idp.tokenFor(officerUser(`canbo.bot${i}`, 'labor_officer', '79'), {
          claims: { azp: 'bulk-export-tool' },
        });
        answers.push(await lookup(token, id));
      }
      expect(answers.slice(0, 10).map((r) => r.status)).not.toContain(429);
      expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(5);
      const other = await idp.tokenFor(officerUser('canbo.web', 'labor_officer', '79'), {
        claims: { azp: 'ansinh-web' },
      });
      expect((await lookup(other, A_ID)).status).toBe(200);
    } finally {
      process.env.ANSINH_RATE_LIMIT_PER_CLIENT = '100000';
    }
  });

  it('throttles a beneficiary refreshing their own payments', async () => {
    process.env.ANSINH_RATE_LIMIT_PER_PERSON = '5';
    try {
      const token = await platform.identityProvider.tokenFor(beneficiaryUser('nguoihuong.vuive', C_ID));
      const statuses = [];
      for (let i = 0; i < 12; i++) statuses.push((await me(token)).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses).toContain(429);
    } finally {
      process.env.ANSINH_RATE_LIMIT_PER_PERSON = '1000';
    }
  });
});

describe('logs (keep last)', () => {
  it('captured the run, and no identity number, bank account, name or token of anyone appears in it', async () => {
    const all = captured.join('\n');
    // The capture works: the handlers' own warnings are in it.
    expect(all).toContain('Rate limit reached');
    expect(all).toContain('Request refused');
    for (const secret of [A_ID, B_ID, C_ID, D_ID, A_BANK, B_BANK, A_NAME, B_NAME, C_NAME])
      expect(all).not.toContain(secret);
    // No bearer token (its payload carries the identity number, base64-encoded).
    expect(all).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
  });
});
