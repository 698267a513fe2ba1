/**
 * Tokens → principals: the claims the gateway hands over become a Principal through the role
 * configuration, and the token checks are the ones API Gateway's JWT authorizer makes.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  type CryptoKey,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { principalFromClaims, roleConfig, verifyAccessToken } from '../../../functions/shared/auth.js';
import roleConfigJson from '../../../schemas/roles.config.json' with { type: 'json' };
import { ROLE_IDS, RoleConfig } from '../../../schemas/roles.js';

const { rolesClaim, jurisdictionClaim, personalIdClaim } = roleConfigJson;
const claims = (extra: Record<string, unknown>) => ({ sub: 'local|canbo.hcm', ...extra });

describe('principalFromClaims', () => {
  it('reads the claim names of schemas/roles.config.json', () => {
    expect(roleConfig.rolesClaim).toBe('ansinh:roles');
    expect(principalFromClaims(claims({ [rolesClaim]: '[labor_officer]', [jurisdictionClaim]: '79' }))).toEqual({
      subject: 'local|canbo.hcm',
      roles: ['labor_officer'],
      jurisdiction: '79',
      province: '79',
    });
  });

  it("takes a commune officer's province from the province claim, never from the commune code's digits", () => {
    const { provinceClaim, communeClaim } = roleConfigJson;
    const hcmCommune = principalFromClaims(
      claims({
        [rolesClaim]: '[ubnd-xa]',
        [jurisdictionClaim]: '26734',
        [provinceClaim]: '79',
        [communeClaim]: '26734',
      }),
    );
    expect(hcmCommune).toEqual({
      subject: 'local|canbo.hcm',
      roles: ['labor_officer'],
      jurisdiction: '26734',
      province: '79',
      commune: '26734',
    });
    // A commune code alone names no province: `79000` is not in province 79 because of its digits.
    const made = principalFromClaims(claims({ [rolesClaim]: '[ubnd-xa]', [jurisdictionClaim]: '79000' }));
    expect(made).toEqual({
      subject: 'local|canbo.hcm',
      roles: ['labor_officer'],
      jurisdiction: '79000',
      commune: '79000',
    });
    expect(made?.province).toBeUndefined();
    // Claims only: a commune officer with province and commune claims and no jurisdiction claim acts for the commune.
    expect(
      principalFromClaims(claims({ [rolesClaim]: '[ubnd-xa]', [provinceClaim]: '79', [communeClaim]: '26734' }))
        ?.jurisdiction,
    ).toBe('26734');
    expect(principalFromClaims(claims({ [rolesClaim]: '[ubnd-xa]', [provinceClaim]: '7' }))).toBeNull();
  });

  it('maps every alias of the configuration to its role id', () => {
    const aliases = Object.entries(roleConfigJson.roles).flatMap(([role, def]) =>
      def.aliases.map((alias) => [alias, role] as const),
    );
    expect(aliases.length).toBeGreaterThanOrEqual(ROLE_IDS.length);
    for (const [alias, role] of aliases) {
      expect(principalFromClaims(claims({ [rolesClaim]: `[${alias}]` }))?.roles).toEqual([role]);
    }
  });

  it("reads API Gateway's `[a b]` array format, JSON arrays and plain lists, without duplicates", () => {
    const forms = [
      '[so-ldtbxh thanh-tra]',
      ['so-ldtbxh', 'thanh-tra'],
      'so-ldtbxh thanh-tra',
      'so-ldtbxh,thanh-tra',
      '[so-ldtbxh ubnd-xa labor_officer thanh-tra]',
    ];
    for (const value of forms) {
      expect(principalFromClaims(claims({ [rolesClaim]: value }))?.roles).toEqual(['labor_officer', 'auditor']);
    }
  });

  it('ignores roles it does not know, and refuses a caller with no known role', () => {
    const keycloakDefaults = '[default-roles-ansinh offline_access uma_authorization]';
    expect(principalFromClaims(claims({ [rolesClaim]: '[offline_access thanh-tra admin]' }))?.roles).toEqual([
      'auditor',
    ]);
    expect(principalFromClaims(claims({ [rolesClaim]: keycloakDefaults }))).toBeNull();
    expect(principalFromClaims(claims({ [rolesClaim]: '[]' }))).toBeNull();
    expect(principalFromClaims(claims({}))).toBeNull();
    // Property names of Object.prototype are not roles.
    expect(principalFromClaims(claims({ [rolesClaim]: '[constructor __proto__ toString]' }))).toBeNull();
  });

  it('refuses claims without a subject', () => {
    expect(principalFromClaims({ [rolesClaim]: '[thanh-tra]' })).toBeNull();
    expect(principalFromClaims({ sub: '', [rolesClaim]: '[thanh-tra]' })).toBeNull();
    expect(principalFromClaims({ sub: 42, [rolesClaim]: '[thanh-tra]' })).toBeNull();
  });

  it('accepts a province (2 digits) or commune (5 digits) jurisdiction and refuses anything else', () => {
    const withJurisdiction = (j: unknown) =>
      principalFromClaims(claims({ [rolesClaim]: '[so-ldtbxh]', [jurisdictionClaim]: j }));
    expect(withJurisdiction('79')?.jurisdiction).toBe('79');
    expect(withJurisdiction('79')?.province).toBe('79');
    expect(withJurisdiction('26734')?.jurisdiction).toBe('26734');
    for (const bad of ['7', '079', '7912', 'HCM', ' 79', '79\n', '٧٩']) expect(withJurisdiction(bad)).toBeNull();
    // An empty claim is an absent one.
    expect(withJurisdiction('')).toEqual({ subject: 'local|canbo.hcm', roles: ['labor_officer'] });
  });

  it('accepts a personal id of exactly 12 digits only', () => {
    const withId = (id: unknown) => principalFromClaims(claims({ [rolesClaim]: '[cong-dan]', [personalIdClaim]: id }));
    expect(withId('079130796635')).toEqual({
      subject: 'local|canbo.hcm',
      roles: ['beneficiary'],
      personalId: '079130796635',
    });
    for (const bad of ['79130796635', '0791307966351', '123456789', '07913079663x', '0791 3079 6635', 79130796635]) {
      expect(withId(bad)).toBeNull();
    }
  });

  it('uses the configuration it is given: its claim names and its aliases', () => {
    const config = RoleConfig.parse({
      rolesClaim: 'groups',
      jurisdictionClaim: 'province',
      personalIdClaim: 'pid',
      roles: Object.fromEntries(
        ROLE_IDS.map((role) => [role, { label: { vi: role, en: role }, aliases: [`/ansinh/${role}`] }]),
      ),
    });
    const principal = principalFromClaims({ sub: 's', groups: '[/ansinh/auditor so-ldtbxh]', province: '01' }, config);
    // `so-ldtbxh` is an alias of the default configuration only.
    expect(principal).toEqual({ subject: 's', roles: ['auditor'], jurisdiction: '01', province: '01' });
    expect(principalFromClaims({ sub: 's', [rolesClaim]: '[thanh-tra]' }, config)).toBeNull();
  });
});

describe('verifyAccessToken', () => {
  const issuer = 'https://id.ansinh.example/realms/ansinh';
  const audience = 'ansinh-api';
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  let publicPem: Uint8Array;
  let keys: JWTVerifyGetKey;

  beforeAll(async () => {
    ({ privateKey, publicKey } = await generateKeyPair('RS256'));
    publicPem = new TextEncoder().encode(await exportSPKI(publicKey));
    // A careless key resolver that would hand an HMAC verifier the public key bytes: only the algorithm
    // allow-list stands between it and an algorithm-confusion forgery.
    keys = async (header) => (header.alg?.startsWith('HS') ? publicPem : publicKey);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const policy = () => ({ issuer, audience, keys });

  async function token(
    opts: { payload?: JWTPayload; iss?: string; aud?: string; sub?: string | null; exp?: number; nbf?: number } = {},
  ) {
    const jwt = new SignJWT({ 'ansinh:roles': ['labor_officer'], ...opts.payload })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(opts.iss ?? issuer)
      .setAudience(opts.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? now() + 300);
    if (opts.sub !== null) jwt.setSubject(opts.sub ?? 'local|canbo.hcm');
    if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
    return jwt.sign(privateKey);
  }

  it('accepts a valid RS256 token and returns its claims', async () => {
    const payload = await verifyAccessToken(await token(), policy());
    expect(payload).toMatchObject({
      sub: 'local|canbo.hcm',
      iss: issuer,
      aud: audience,
      'ansinh:roles': ['labor_officer'],
    });
  });

  it('accepts a valid ES256 token', async () => {
    const ec = await generateKeyPair('ES256');
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('s')
      .setExpirationTime('5m')
      .sign(ec.privateKey);
    await expect(verifyAccessToken(jwt, { issuer, audience, keys: async () => ec.publicKey })).resolves.toMatchObject({
      sub: 's',
    });
  });

  it('refuses an unsigned token (alg none)', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'attacker' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime(now() + 300)
      .encode();
    expect(unsigned.endsWith('.')).toBe(true);
    await expect(verifyAccessToken(unsigned, policy())).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('refuses an HS256 token signed with the public key bytes (algorithm confusion)', async () => {
    const forged = await new SignJWT({ sub: 'attacker', 'ansinh:roles': ['auditor'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime(now() + 300)
      .sign(publicPem);
    await expect(verifyAccessToken(forged, policy())).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('refuses a token signed with another key, and a tampered payload', async () => {
    const other = await generateKeyPair('RS256');
    const foreign = await new SignJWT({ sub: 's' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(other.privateKey);
    await expect(verifyAccessToken(foreign, policy())).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });

    const [header, payload, signature] = (await token()).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, 'ansinh:roles': ['auditor'] })).toString('base64url');
    await expect(verifyAccessToken(`${header}.${tampered}.${signature}`, policy())).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('refuses an expired token', async () => {
    await expect(verifyAccessToken(await token({ exp: now() - 10 }), policy())).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
    });
  });

  it('refuses a token that is not yet valid (nbf in the future)', async () => {
    await expect(verifyAccessToken(await token({ nbf: now() + 120 }), policy())).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'nbf',
    });
  });

  it('refuses a token of another issuer', async () => {
    await expect(
      verifyAccessToken(await token({ iss: 'https://evil.example/realms/ansinh' }), policy()),
    ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
  });

  it('refuses a token for another audience', async () => {
    await expect(verifyAccessToken(await token({ aud: 'another-api' }), policy())).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
  });

  it('refuses a token without a subject', async () => {
    await expect(verifyAccessToken(await token({ sub: null }), policy())).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'sub',
    });
  });

  it('refuses a token without an expiry', async () => {
    const eternal = await new SignJWT({ sub: 's' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .sign(privateKey);
    await expect(verifyAccessToken(eternal, policy())).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'exp',
    });
  });

  it('refuses RS256 variants outside the allow-list (PS256)', async () => {
    const ps = await generateKeyPair('PS256');
    const jwt = await new SignJWT({ sub: 's' })
      .setProtectedHeader({ alg: 'PS256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(ps.privateKey);
    await expect(verifyAccessToken(jwt, { issuer, audience, keys: async () => ps.publicKey })).rejects.toMatchObject({
      code: 'ERR_JOSE_ALG_NOT_ALLOWED',
    });
  });
});
