/**
 * Sign-in with the organisation's OpenID Connect provider when deployed: authorization code flow with PKCE
 * (S256), no client secret, the access token kept for the tab only. The provider comes from `config.json`
 * next to the page (written by the CDK deployment); the local runtime uses its demo users instead.
 */

export interface OidcConfig {
  issuer: string;
  clientId: string;
  scope?: string;
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
  const res = await fetch(`${cfg.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OIDC discovery: HTTP ${res.status}`);
  return res.json();
}

/** Sends the browser to the provider. */
export async function startSignIn(cfg: OidcConfig): Promise<void> {
  const meta = await discover(cfg);
  const verifier = random(48);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const state = random(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier }));
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

/** On return from the provider (`?code=&state=`): the access token, or undefined when this is no such return. */
export async function finishSignIn(cfg: OidcConfig | undefined): Promise<string | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code || !cfg) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { state: string; verifier: string } | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (!pending || pending.state !== params.get('state')) throw new Error('OIDC state mismatch');
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
  });
  if (!res.ok) throw new Error(`OIDC token: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
