import { DEFAULT_GOVERNANCE_RULES, type GovernanceRules } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { approversReadiness } from './readiness';

const rules = (approvers: Partial<GovernanceRules['approvers']>): GovernanceRules => ({ ...DEFAULT_GOVERNANCE_RULES, approvers: { ...DEFAULT_GOVERNANCE_RULES.approvers, ...approvers } });

describe('approversReadiness', () => {
  it('follows core: a project listed with no approvers overrides the default ones, so no one but admins could decide', () => {
    const listedEmpty = rules({ byProject: { AIR: [] }, default: ['acc-approver'], adminFallback: false });
    expect(approversReadiness(listedEmpty, 'AIR', [])).toMatchObject({ done: false, detail: expect.stringContaining('project AIR is listed with no approvers') });
    expect(approversReadiness({ ...listedEmpty, approvers: { ...listedEmpty.approvers, adminFallback: true } }, 'AIR', [])).toMatchObject({ done: true });
  });

  it("counts a project's own approvers, else the default ones", () => {
    expect(approversReadiness(rules({ byProject: { AIR: ['a', 'b'] }, adminFallback: false }), 'AIR', [])).toEqual({ done: true, detail: "Requests are decided by project AIR's own 2 approvers." });
    expect(approversReadiness(rules({ default: ['a'], adminFallback: false }), 'AIR', [])).toEqual({ done: true, detail: 'Requests are decided by the default 1 approver.' });
  });
});
