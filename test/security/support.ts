/** Tokens the security tests attack with: any role mix, any jurisdiction, as the identity provider would sign them. */
import type { DemoUser } from '../../infra/local/demo-users.js';
import type { LocalPlatform } from '../../infra/local/runtime.js';
import roleConfig from '../../schemas/roles.config.json' with { type: 'json' };
import type { RoleId } from '../../schemas/roles.js';

export function tokenOf(
  platform: LocalPlatform,
  username: string,
  roles: RoleId[],
  claims: { jurisdiction?: string; province?: string; commune?: string } = {},
): Promise<string> {
  const user: DemoUser = { username, displayName: username, role: roles[0] as RoleId };
  return platform.identityProvider.tokenFor(user, {
    claims: {
      [roleConfig.rolesClaim]: roles,
      ...(claims.jurisdiction ? { [roleConfig.jurisdictionClaim]: claims.jurisdiction } : {}),
      ...(claims.province ? { [roleConfig.provinceClaim]: claims.province } : {}),
      ...(claims.commune ? { [roleConfig.communeClaim]: claims.commune } : {}),
    },
  });
}
