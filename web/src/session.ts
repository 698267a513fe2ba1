/**
 * Who is signed in: the access token (kept for this browser tab only) and the claims the console reads from
 * it to choose pages. The claims are only a hint for the UI; the API checks the token's signature, roles
 * and jurisdiction on every call.
 */
import roleConfig from '../../schemas/roles.config.json' with { type: 'json' };

export type RoleId = 'labor_officer' | 'finance_preparer' | 'finance_approver' | 'auditor' | 'beneficiary';

export interface Session {
  token: string;
  subject: string;
  name: string;
  roles: RoleId[];
  jurisdiction?: string;
  expiresAt: number;
}

const KEY = 'ansinh.session';
/** A token this close to its expiry counts as expired, so that no API call races the expiry. */
const EXPIRY_MARGIN_MS = 30_000;

function decodePart(part: string): Record<string, unknown> {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function sessionFromToken(token: string): Session {
  const claims = decodePart(token.split('.')[1] ?? '');
  const raw = claims[roleConfig.rolesClaim];
  const roles = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : []).map(String);
  const jurisdiction = claims[roleConfig.jurisdictionClaim];
  return {
    token,
    subject: String(claims.sub ?? ''),
    name: String(claims.name ?? claims.sub ?? ''),
    roles: roles.filter((r): r is RoleId => r in roleConfig.roles),
    ...(typeof jurisdiction === 'string' ? { jurisdiction } : {}),
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

export function currentSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  if (!token) return undefined;
  try {
    const s = sessionFromToken(token);
    if (msUntilExpiry(s) <= 0) throw new Error('expired');
    return s;
  } catch {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
}

/** How long the console may still use this session (a token without `exp` has none). */
export const msUntilExpiry = (s: Session): number => s.expiresAt - EXPIRY_MARGIN_MS - Date.now();

export function signIn(token: string): Session {
  const s = sessionFromToken(token);
  sessionStorage.setItem(KEY, token);
  return s;
}

/**
 * Forgets the token: that is the whole sign-out locally, where the development provider keeps no session of
 * its own (its page asks for a user every time). An organisation's provider may keep a single sign-on session,
 * which ends on its side.
 */
export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

export const roleLabel = (role: RoleId) => roleConfig.roles[role].label;

export const hasRole = (s: Session | undefined, ...roles: RoleId[]) => !!s && s.roles.some((r) => roles.includes(r));
