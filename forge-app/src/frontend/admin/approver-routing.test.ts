import { describe, expect, it } from 'vitest';
import { LAST_UNTIL, lastDayOf, projectKeyProblem, untilOfDay } from './approver-routing';

describe('approver routing checks', () => {
  it('takes a delegation day to its end (UTC) and refuses days that do not exist', () => {
    expect(untilOfDay('2026-12-31')).toBe(Date.UTC(2027, 0, 1));
    expect(lastDayOf(Date.UTC(2027, 0, 1))).toBe('2026-12-31');
    // Date.UTC would roll these over into the next month.
    expect(untilOfDay('2026-02-31')).toBeUndefined();
    expect(untilOfDay('31/12/2026')).toBeUndefined();
    // The last day core takes is 31 December 2099: it ends exactly at core's bound.
    expect(untilOfDay('2099-12-31')).toBe(LAST_UNTIL);
  });

  it("checks project keys as core's projectKeySchema does", () => {
    expect(projectKeyProblem('AIR', [])).toBeUndefined();
    expect(projectKeyProblem('OPS_2', [])).toBeUndefined();
    expect(projectKeyProblem('A', [])).toContain('is not a Jira project key');
    expect(projectKeyProblem('2AIR', [])).toContain('is not a Jira project key');
    expect(projectKeyProblem('ABCDEFGHIJKLMNOPQRSTU', [])).toContain('is not a Jira project key');
    expect(projectKeyProblem('AIR', ['AIR'])).toBe('AIR already has its own approvers: change them in its row.');
  });
});
