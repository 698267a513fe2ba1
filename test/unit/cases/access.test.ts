import { describe, expect, it } from '@jest/globals';
import { mayAct, mayRead, officerCaseScope } from '../../../functions/cases/access.js';
import { principalFromClaims } from '../../../functions/shared/auth.js';
import { claimsFor, DEMO_USERS } from '../../../infra/local/demo-users.js';

const principalOf = (username: string) => {
  const user = DEMO_USERS.find((u) => u.username === username);
  if (!user) throw new Error(username);
  return principalFromClaims(claimsFor(user));
};
/** A case of Hồ Chí Minh City (79) in the commune of the demo commune officer, and one in another commune. */
const inCommune = { jurisdiction: '79', communeCode: '26734' };
const otherCommune = { jurisdiction: '79', communeCode: '26737' };
const hanoi = { jurisdiction: '01', communeCode: '00004' };

describe('who sees and works a case', () => {
  it('a province officer: every case of the province, none of another', () => {
    const p = principalOf('canbo.hcm');
    expect(officerCaseScope(p)).toEqual({ province: '79' });
    expect([inCommune, otherCommune, hanoi].map((c) => [mayRead(p, c), mayAct(p, c)])).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it("a commune officer: their commune's cases only, found by the province claim (not the commune code's digits)", () => {
    const p = principalOf('canbo.xa');
    expect(officerCaseScope(p)).toEqual({ province: '79', commune: '26734' });
    expect([inCommune, otherCommune, hanoi].map((c) => [mayRead(p, c), mayAct(p, c)])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    // The same commune code under another province is not theirs.
    expect(mayRead(p, { jurisdiction: '26', communeCode: '26734' })).toBe(false);
  });

  it('a commune officer whose token names no province sees nothing', () => {
    const p = principalFromClaims({
      sub: 'x',
      'ansinh:roles': ['labor_officer'],
      'ansinh:jurisdiction': '26734',
    });
    expect(officerCaseScope(p)).toBeUndefined();
    expect(mayRead(p, inCommune)).toBe(false);
  });

  it('auditors read every case and act on none; other roles see nothing', () => {
    const auditor = principalOf('thanhtra');
    expect([mayRead(auditor, hanoi), mayAct(auditor, hanoi)]).toEqual([true, false]);
    for (const u of ['ketoan.lap', 'ketoan.duyet', 'nguoihuong']) {
      expect([u, mayRead(principalOf(u), inCommune)]).toEqual([u, false]);
    }
    expect(mayRead(null, inCommune)).toBe(false);
  });
});
