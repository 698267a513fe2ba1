/**
 * A development OpenID provider for the local runtime: discovery, JWKS, and the authorization code flow with
 * PKCE (S256 only) that the console also uses against the organisation's provider when deployed. Its
 * sign-in page lists the demo users (locally there is no password) and holds no session: each sign-in picks
 * a user again. `GET /token?user=` stays as a shortcut for tests, the CLI and the README's curl examples.
 * Keys persist in the data folder so tokens survive a restart. Never deployed.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
import roleConfig from '../../schemas/roles.config.json' with { type: 'json' };
import { claimsFor, DEMO_USERS, type DemoUser } from './demo-users.js';

export const DEV_AUDIENCE = 'ansinh-api';
/** The console's client id at the local provider (a public client: PKCE, no secret). */
export const LOCAL_CONSOLE_CLIENT_ID = 'ansinh-console-local';
/** How long an authorization code can be redeemed. */
export const CODE_TTL_MS = 60_000;
const TOKEN_TTL_S = 3600;

export interface LocalClient {
  clientId: string;
  /** Compared exactly, character for character. */
  redirectUris: string[];
}

export interface ProviderOptions {
  /** Registered clients; by default the console at the issuer's origin (`<origin>/`). */
  clients?: LocalClient[];
  /** Milliseconds since the epoch (tests move it to expire codes and tokens). */
  now?: () => number;
}

export interface ProviderRequest {
  method: string;
  /** The path below the issuer (`/authorize`). */
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body?: string;
}

export interface ProviderResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  user: DemoUser;
  expiresAt: number;
}

/** What the sign-in page asks for, already checked. */
interface AuthorizeRequest {
  client: LocalClient;
  redirectUri: string;
  state: string;
  challenge: string;
  scope: string;
}

type Bilingual = { vi: string; en: string };

export class DevIdentityProvider {
  private readonly codes = new Map<string, PendingCode>();
  private readonly clients: LocalClient[];
  private readonly now: () => number;

  private constructor(
    readonly issuer: string,
    private readonly privateJwk: JWK,
    readonly jwks: JSONWebKeySet,
    opts: ProviderOptions,
  ) {
    this.clients = opts.clients ?? [
      { clientId: LOCAL_CONSOLE_CLIENT_ID, redirectUris: [`${new URL(issuer).origin}/`] },
    ];
    this.now = opts.now ?? Date.now;
  }

  static async create(issuer: string, keyFile?: string, opts: ProviderOptions = {}): Promise<DevIdentityProvider> {
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
    return new DevIdentityProvider(issuer, privateJwk, { keys: [publicJwk] }, opts);
  }

  get keys(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks);
  }

  user(username: string): DemoUser | undefined {
    return DEMO_USERS.find((u) => u.username === username);
  }

  /**
   * `issuer`/`audience` overrides exist so tests can prove the gateway refuses foreign tokens; extra `claims`
   * (e.g. `azp`, `client_id`) let them act as a given client application, or hold several roles at once.
   */
  async tokenFor(
    user: DemoUser,
    opts: { expiresInSeconds?: number; audience?: string; issuer?: string; claims?: Record<string, unknown> } = {},
  ): Promise<string> {
    const key = await importJWK(this.privateJwk, 'RS256');
    const now = Math.floor(this.now() / 1000);
    return new SignJWT({ ...claimsFor(user), ...opts.claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.privateJwk.kid, typ: 'JWT' })
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? DEV_AUDIENCE)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (opts.expiresInSeconds ?? TOKEN_TTL_S))
      .sign(key);
  }

  /** Serves discovery, JWKS, `/authorize` and `/token` under the issuer path. Returns null if not ours. */
  async handle(req: ProviderRequest): Promise<ProviderResponse | null> {
    const method = req.method.toUpperCase();
    switch (`${method} ${req.path}`) {
      case 'GET /.well-known/openid-configuration':
        return json(200, {
          issuer: this.issuer,
          authorization_endpoint: `${this.issuer}/authorize`,
          token_endpoint: `${this.issuer}/token`,
          jwks_uri: `${this.issuer}/.well-known/jwks.json`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          scopes_supported: ['openid'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
        });
      case 'GET /.well-known/jwks.json':
        return json(200, this.jwks);
      case 'GET /authorize': {
        const checked = this.checkAuthorize(req.query);
        return 'problem' in checked ? errorPage(checked.problem) : signInPage(this.issuer, checked);
      }
      case 'POST /authorize':
        return this.authorize(formOf(req));
      case 'POST /token':
        return this.redeem(formOf(req));
      case 'GET /token': {
        // The shortcut for tests, the CLI and curl: not part of the OAuth flow.
        const user = this.user(req.query.get('user') ?? '');
        if (!user) return json(404, { error: 'unknown_user', users: DEMO_USERS.map((u) => u.username) });
        return json(200, {
          access_token: await this.tokenFor(user),
          token_type: 'Bearer',
          expires_in: TOKEN_TTL_S,
          user,
        });
      }
      default:
        return null;
    }
  }

  /** Checks an authorization request; a problem is shown on the provider's page, never sent to a redirect URI. */
  private checkAuthorize(q: URLSearchParams): AuthorizeRequest | { problem: Bilingual } {
    const client = this.clients.find((c) => c.clientId === q.get('client_id'));
    if (!client) return { problem: { vi: 'Ứng dụng (client_id) không được đăng ký.', en: 'Unknown client_id.' } };
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!client.redirectUris.includes(redirectUri))
      return {
        problem: { vi: 'Địa chỉ quay lại (redirect_uri) không được phép.', en: 'redirect_uri is not allowed.' },
      };
    if (q.get('response_type') !== 'code')
      return { problem: { vi: 'Chỉ hỗ trợ response_type=code.', en: 'Only response_type=code is supported.' } };
    if (q.get('code_challenge_method') !== 'S256')
      return { problem: { vi: 'PKCE phải dùng S256.', en: 'PKCE must use code_challenge_method=S256.' } };
    const challenge = q.get('code_challenge') ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge))
      return { problem: { vi: 'Thiếu hoặc sai code_challenge.', en: 'Missing or malformed code_challenge.' } };
    const state = q.get('state') ?? '';
    if (!state || state.length > 512)
      return { problem: { vi: 'Thiếu tham số state.', en: 'The state parameter is required.' } };
    return { client, redirectUri, state, challenge, scope: q.get('scope') ?? 'openid' };
  }

  /** The user picked on the page: a one-time code bound to the client, redirect URI, challenge and user. */
  private authorize(form: URLSearchParams | undefined): ProviderResponse {
    if (!form) return errorPage({ vi: 'Yêu cầu không hợp lệ.', en: 'Invalid request.' });
    const checked = this.checkAuthorize(form);
    if ('problem' in checked) return errorPage(checked.problem);
    const user = this.user(form.get('user') ?? '');
    if (!user) return errorPage({ vi: 'Không có người dùng mẫu này.', en: 'No such demo user.' });
    const now = this.now();
    for (const [c, pending] of this.codes) if (pending.expiresAt <= now) this.codes.delete(c);
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, {
      clientId: checked.client.clientId,
      redirectUri: checked.redirectUri,
      challenge: checked.challenge,
      user,
      expiresAt: now + CODE_TTL_MS,
    });
    const target = new URL(checked.redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', checked.state);
    return { status: 303, headers: { location: target.href, 'cache-control': 'no-store' }, body: '' };
  }

  /** The token endpoint: a code is spent by its first redemption, whether or not it succeeds. */
  private async redeem(form: URLSearchParams | undefined): Promise<ProviderResponse> {
    if (!form) return oauthError(400, 'invalid_request', 'expected an application/x-www-form-urlencoded body');
    if (form.get('grant_type') !== 'authorization_code')
      return oauthError(400, 'unsupported_grant_type', 'only authorization_code is supported');
    const clientId = form.get('client_id') ?? '';
    if (!this.clients.some((c) => c.clientId === clientId)) return oauthError(401, 'invalid_client', 'unknown client');
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending) return oauthError(400, 'invalid_grant', 'unknown or already used code');
    if (pending.expiresAt <= this.now()) return oauthError(400, 'invalid_grant', 'the code has expired');
    if (pending.clientId !== clientId) return oauthError(400, 'invalid_grant', 'the code was issued to another client');
    if (pending.redirectUri !== form.get('redirect_uri'))
      return oauthError(400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || !sameText(s256(verifier), pending.challenge))
      return oauthError(400, 'invalid_grant', 'code_verifier does not match the code_challenge');
    return json(200, {
      access_token: await this.tokenFor(pending.user),
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_S,
      scope: 'openid',
    });
  }
}

const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function formOf(req: ProviderRequest): URLSearchParams | undefined {
  return /^application\/x-www-form-urlencoded\b/i.test(req.contentType ?? '')
    ? new URLSearchParams(req.body ?? '')
    : undefined;
}

function json(status: number, body: unknown): ProviderResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function oauthError(status: number, error: string, description: string): ProviderResponse {
  const res = json(status, { error, error_description: description });
  if (status === 401) res.headers['www-authenticate'] = 'Basic realm="ansinh-local"';
  return res;
}

// The provider's own pages: plain HTML, one stylesheet allowed by its hash, no script.

const STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1a1a1a;background:#fff}
main{max-width:40rem;margin:0 auto;padding:16px}h1{font-size:1.5rem;margin:8px 0 12px}.en{color:#4a4a4a}
fieldset{border:1px solid #c9d2dc;border-radius:6px;margin:0;padding:8px 12px}legend{font-weight:600;padding:0 4px}
ul{list-style:none;margin:0;padding:0}li{margin:8px 0}
button{font:inherit;width:100%;min-height:44px;text-align:left;padding:8px 12px;border-radius:6px;border:2px solid #0b5394;background:#fff;color:#1a1a1a;cursor:pointer}
button:hover{background:#f3f6fa}button strong{color:#0b5394}.meta{color:#4a4a4a;font-size:.9rem}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.error{border-left:4px solid #990000;background:#fdeeee;color:#990000;padding:8px 12px;border-radius:6px}`;
const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
/** Vietnamese first, English alongside (marked as English for screen readers). */
const both = (m: Bilingual) => `${esc(m.vi)} <span class="en" lang="en">/ ${esc(m.en)}</span>`;

function page(status: number, title: Bilingual, content: string, formTarget?: string): ProviderResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': [
        "default-src 'none'",
        `style-src ${STYLE_HASH}`,
        `form-action 'self'${formTarget ? ` ${formTarget}` : ''}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    },
    body: `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title.vi)} / ${esc(title.en)} · ansinh (local)</title><style>${STYLE}</style></head>
<body><main><h1>${both(title)}</h1>${content}</main></body></html>`,
  };
}

function signInPage(issuer: string, req: AuthorizeRequest): ProviderResponse {
  const hidden = {
    response_type: 'code',
    client_id: req.client.clientId,
    redirect_uri: req.redirectUri,
    state: req.state,
    code_challenge: req.challenge,
    code_challenge_method: 'S256',
    scope: req.scope,
  };
  const users = DEMO_USERS.map((u) => {
    const role = roleConfig.roles[u.role].label;
    return `<li><button type="submit" name="user" value="${esc(u.username)}"><strong>${esc(u.displayName)}</strong><br>${both(role)}<br><span class="meta">${esc(u.username)}</span></button></li>`;
  }).join('');
  return page(
    200,
    { vi: 'Đăng nhập', en: 'Sign in' },
    `<p>${both({ vi: 'Môi trường thử nghiệm: không có mật khẩu, hãy chọn một người dùng mẫu.', en: 'Local environment: no password, pick a demo user.' })}</p>
<form method="post" action="${esc(new URL(issuer).pathname)}/authorize">
${Object.entries(hidden)
  .map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`)
  .join('')}
<fieldset><legend>${both({ vi: 'Người dùng mẫu', en: 'Demo users' })}</legend><ul>${users}</ul></fieldset></form>`,
    new URL(req.redirectUri).origin,
  );
}

function errorPage(problem: Bilingual): ProviderResponse {
  return page(
    400,
    { vi: 'Không thể đăng nhập', en: 'Cannot sign in' },
    `<p class="error" role="alert">${both(problem)}</p><p>${both({
      vi: 'Yêu cầu đăng nhập không hợp lệ, nên không quay lại ứng dụng. Hãy mở lại ứng dụng và đăng nhập.',
      en: 'The sign-in request is invalid, so you are not sent back to the application. Open the application again and sign in.',
    })}</p>`,
  );
}
