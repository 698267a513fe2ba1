/**
 * Demo users of the local identity provider, one per role. Synthetic people only: the beneficiary is a
 * person of the built-in synthetic population (`DEFAULT_POPULATION`).
 */

import type { RoleId } from '../../schemas/roles.js';
import roleConfig from '../roles.config.json' with { type: 'json' };

export interface DemoUser {
  username: string;
  displayName: string;
  role: RoleId;
  jurisdiction?: string;
  personalId?: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'canbo.hcm', displayName: 'Cán bộ TP. Hồ Chí Minh', role: 'labor_officer', jurisdiction: '79' },
  { username: 'canbo.hanoi', displayName: 'Cán bộ TP. Hà Nội', role: 'labor_officer', jurisdiction: '01' },
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
    ...(user.personalId ? { [roleConfig.personalIdClaim]: user.personalId } : {}),
  };
}
