/**
 * Sign-in with an OpenID Connect provider: authorization code flow with PKCE (S256), a public client (no
 * secret), the access token kept for this tab only. The provider comes from `config.json` next to the page:
 * written by the CDK deployment (the organisation's provider), served by the local gateway (the development
 * provider, whose page lists the demo users). The same code runs in both places.
 */

export interface OidcConfig {
  issuer: string;
  clientId: string;
  scope?: string;
}

/** A sign-in that did not complete, with what to tell the user. */
export class SignInError extends Error {
  constructor(readonly text: { vi: string; en: string }) {
    super(text.en);
  }
}

const PENDING = 'ansinh.oidc.pending';

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));
const redirectUri = () => `${location.origin}/`;

export async function loadConfig(): Promise<OidcConfig | undefined> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (!res.ok) return undefined;
    const cfg = (await res.json()) as { oidc?: OidcConfig };
    return cfg.oidc?.issuer && cfg.oidc.clientId ? cfg.oidc : undefined;
  } catch {
    return undefined;
  }
}

async function discover(cfg: OidcConfig): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const res = await fetch(`${cfg.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`).catch(() => null);
  if (!res?.ok)
    throw new SignInError({
      vi: 'Không liên lạc được với cổng định danh. Hãy thử lại sau.',
      en: 'The identity provider cannot be reached. Try again later.',
    });
  return res.json();
}

/** Sends the browser to the provider; `returnTo` (a hash route) is opened once signed in. */
export async function startSignIn(cfg: OidcConfig, returnTo: string): Promise<void> {
  const meta = await discover(cfg);
  const verifier = random(48);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier, returnTo }));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(),
    scope: cfg.scope ?? 'openid',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`${meta.authorization_endpoint}?${q}`);
}

/**
 * On return from the provider (`?code=&state=` or `?error=`): the access token and the route to open, or
 * undefined when this is no such return. A state that is not the one this tab sent is refused.
 */
export async function finishSignIn(
  cfg: OidcConfig | undefined,
): Promise<{ token: string; returnTo: string } | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if ((!code && !error) || !cfg) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    state: string;
    verifier: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (!pending || pending.state !== params.get('state'))
    throw new SignInError({
      vi: 'Phản hồi đăng nhập không khớp với yêu cầu của trang này (state), nên đã bị từ chối. Hãy đăng nhập lại.',
      en: 'The sign-in response does not match the request this page made (state), so it was refused. Please sign in again.',
    });
  if (!code)
    throw new SignInError({
      vi: `Cổng định danh không cho đăng nhập (${error}).`,
      en: `The identity provider refused the sign-in (${error}).`,
    });
  const meta = await discover(cfg);
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: cfg.clientId,
      code_verifier: pending.verifier,
    }),
  }).catch(() => null);
  if (!res?.ok)
    throw new SignInError({
      vi: `Cổng định danh không cấp token (HTTP ${res?.status ?? '—'}). Hãy đăng nhập lại.`,
      en: `The identity provider issued no token (HTTP ${res?.status ?? '—'}). Please sign in again.`,
    });
  const token = ((await res.json()) as { access_token?: string }).access_token;
  if (!token) throw new SignInError({ vi: 'Không nhận được token.', en: 'No token was received.' });
  return { token, returnTo: pending.returnTo };
}
