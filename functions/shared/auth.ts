/**
 * Tokens → principals. The gateway (API Gateway's JWT authorizer on AWS, infra/local/gateway.ts locally)
 * has already checked signature, issuer, audience and expiry; here the validated claims become a
 * Principal through the role configuration, so an identity provider's group names never leak into code.
 */
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import roleConfigJson from '../../schemas/roles.config.json' with { type: 'json' };
import { Principal, RoleConfig, type RoleId } from '../../schemas/roles.js';

export const roleConfig: RoleConfig = RoleConfig.parse(roleConfigJson);

/** Role id or alias → role id, per configuration (the one passed in, not always the default). */
const aliasMaps = new WeakMap<RoleConfig, Map<string, RoleId>>();
function aliasesOf(config: RoleConfig): Map<string, RoleId> {
  let map = aliasMaps.get(config);
  if (!map) {
    map = new Map<string, RoleId>(
      Object.entries(config.roles).flatMap(([role, def]) => [
        [role, role as RoleId],
        ...def.aliases.map((alias) => [alias, role as RoleId] as [string, RoleId]),
      ]),
    );
    aliasMaps.set(config, map);
  }
  return map;
}

/** API Gateway passes array claims to Lambda as `[a b]` strings; tokens carry arrays or space lists. */
function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function principalFromClaims(
  claims: Record<string, unknown>,
  config: RoleConfig = roleConfig,
): Principal | null {
  const aliases = aliasesOf(config);
  const roles = [
    ...new Set(claimList(claims[config.rolesClaim]).flatMap((r) => (aliases.has(r) ? [aliases.get(r) as RoleId] : []))),
  ];
  const jurisdiction = claims[config.jurisdictionClaim] || undefined;
  const code = typeof jurisdiction === 'string' ? jurisdiction : '';
  // A province officer's jurisdiction is its province; a commune officer's province comes only from its claim.
  const province = claims[config.provinceClaim] || (/^\d{2}$/.test(code) ? code : undefined);
  const commune = claims[config.communeClaim] || (/^\d{5}$/.test(code) ? code : undefined);
  const parsed = Principal.safeParse({
    subject: claims.sub,
    roles,
    jurisdiction: jurisdiction ?? commune ?? province,
    ...(province ? { province } : {}),
    ...(commune ? { commune } : {}),
    personalId: claims[config.personalIdClaim] || undefined,
  });
  return parsed.success ? parsed.data : null;
}

export interface TokenPolicy {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

/** The checks API Gateway's JWT authorizer makes: signature (RS256/ES256 only, never `none`), iss, aud, exp, nbf. */
export async function verifyAccessToken(token: string, policy: TokenPolicy): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, policy.keys, {
    issuer: policy.issuer,
    audience: policy.audience,
    algorithms: ['RS256', 'ES256'],
    requiredClaims: ['exp', 'sub'],
  });
  return payload;
}

export function remoteKeys(issuer: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(`${issuer.replace(/\/$/, '')}/.well-known/jwks.json`));
}
