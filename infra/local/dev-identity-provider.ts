/**
 * A development OpenID issuer: publishes its discovery document and JWKS on localhost and signs RS256
 * access tokens for the demo users. Keys persist in the data folder so tokens survive a restart.
 * Never deployed: on AWS the issuer is the real identity provider named in the CDK context.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { claimsFor, DEMO_USERS, type DemoUser } from './demo-users.js';

export const DEV_AUDIENCE = 'ansinh-api';

export class DevIdentityProvider {
  private constructor(
    readonly issuer: string,
    private readonly privateJwk: JWK,
    readonly jwks: JSONWebKeySet,
  ) {}

  static async create(issuer: string, keyFile?: string): Promise<DevIdentityProvider> {
    let privateJwk: JWK;
    if (keyFile && existsSync(keyFile)) {
      privateJwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
    } else {
      const { privateKey } = await generateKeyPair('RS256', { extractable: true });
      privateJwk = {
        ...(await exportJWK(privateKey)),
        kid: `dev-${Date.now().toString(36)}`,
        alg: 'RS256',
        use: 'sig',
      };
      if (keyFile) {
        mkdirSync(dirname(keyFile), { recursive: true });
        writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
      }
    }
    const { d, p, q, dp, dq, qi, ...publicJwk } = privateJwk;
    return new DevIdentityProvider(issuer, privateJwk, { keys: [publicJwk] });
  }

  get keys(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks);
  }

  user(username: string): DemoUser | undefined {
    return DEMO_USERS.find((u) => u.username === username);
  }

  /**
   * `issuer`/`audience` overrides exist so tests can prove the gateway refuses foreign tokens; extra `claims`
   * (e.g. `azp`, `client_id`) let them act as a given client application.
   */
  async tokenFor(
    user: DemoUser,
    opts: { expiresInSeconds?: number; audience?: string; issuer?: string; claims?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = await importJWK(this.privateJwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...opts.claims, ...claimsFor(user) })
      .setProtectedHeader({ alg: 'RS256', kid: this.privateJwk.kid, typ: 'JWT' })
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? DEV_AUDIENCE)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (opts.expiresInSeconds ?? 3600))
      .sign(key);
  }

  /** Serves `/.well-known/*`, `/users` and `/token?user=` under the issuer path. Returns null if not ours. */
  async handle(path: string, query: URLSearchParams): Promise<{ status: number; body: unknown } | null> {
    switch (path) {
      case '/.well-known/openid-configuration':
        return {
          status: 200,
          body: {
            issuer: this.issuer,
            jwks_uri: `${this.issuer}/.well-known/jwks.json`,
            token_endpoint: `${this.issuer}/token`,
            id_token_signing_alg_values_supported: ['RS256'],
            response_types_supported: ['token'],
            subject_types_supported: ['public'],
          },
        };
      case '/.well-known/jwks.json':
        return { status: 200, body: this.jwks };
      case '/users':
        return { status: 200, body: { users: DEMO_USERS } };
      case '/token': {
        const user = this.user(query.get('user') ?? '');
        if (!user) return { status: 404, body: { error: 'unknown_user', users: DEMO_USERS.map((u) => u.username) } };
        return {
          status: 200,
          body: { access_token: await this.tokenFor(user), token_type: 'Bearer', expires_in: 3600, user },
        };
      }
      default:
        return null;
    }
  }
}
