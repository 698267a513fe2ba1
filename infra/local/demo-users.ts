/**
 * Demo users of the local identity provider, one per role. Synthetic people only: the beneficiary is a
 * person of the built-in synthetic population (`DEFAULT_POPULATION`).
 */

import roleConfig from '../../schemas/roles.config.json' with { type: 'json' };
import type { RoleId } from '../../schemas/roles.js';

export interface DemoUser {
  username: string;
  displayName: string;
  role: RoleId;
  jurisdiction?: string;
  /** A commune officer's province and commune, as the identity provider's claims name them. */
  province?: string;
  commune?: string;
  personalId?: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'canbo.hcm', displayName: 'Cán bộ TP. Hồ Chí Minh', role: 'labor_officer', jurisdiction: '79' },
  { username: 'canbo.hanoi', displayName: 'Cán bộ TP. Hà Nội', role: 'labor_officer', jurisdiction: '01' },
  // A commune of Hồ Chí Minh City whose code does not start with 79: its province is the claim, not the digits.
  {
    username: 'canbo.xa',
    displayName: 'Cán bộ UBND phường (TP.HCM)',
    role: 'labor_officer',
    jurisdiction: '26734',
    province: '79',
    commune: '26734',
  },
  { username: 'ketoan.lap', displayName: 'Kế toán lập (TP.HCM)', role: 'finance_preparer', jurisdiction: '79' },
  { username: 'ketoan.duyet', displayName: 'Lãnh đạo duyệt (TP.HCM)', role: 'finance_approver', jurisdiction: '79' },
  { username: 'thanhtra', displayName: 'Thanh tra', role: 'auditor' },
  { username: 'nguoihuong', displayName: 'Nguyễn Thu Minh Yến', role: 'beneficiary', personalId: '079132108434' },
];

/** Claims as the configured identity provider would issue them. */
export function claimsFor(user: DemoUser): Record<string, unknown> {
  return {
    sub: `local|${user.username}`,
    name: user.displayName,
    [roleConfig.rolesClaim]: [user.role],
    ...(user.jurisdiction ? { [roleConfig.jurisdictionClaim]: user.jurisdiction } : {}),
    ...(user.province ? { [roleConfig.provinceClaim]: user.province } : {}),
    ...(user.commune ? { [roleConfig.communeClaim]: user.commune } : {}),
    ...(user.personalId ? { [roleConfig.personalIdClaim]: user.personalId } : {}),
  };
}
