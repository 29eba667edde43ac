import { describe, expect, it } from 'vitest';
import { DEFAULT_GOVERNANCE_RULES } from '../governance/policy.js';
import { durationCap } from './duration-cap.js';

describe('durationCap', () => {
  it("is the risk rule's maximum when it is lower than the tool's own", () => {
    // Default governance: high risk at most 30 days.
    expect(durationCap(DEFAULT_GOVERNANCE_RULES, { riskLevel: 'high', maxDurationDays: 90 })).toEqual({ days: 30, cappedBy: 'risk' });
  });

  it("is the tool's own maximum when the rule allows more, or the same", () => {
    expect(durationCap(DEFAULT_GOVERNANCE_RULES, { riskLevel: 'low', maxDurationDays: 60 })).toEqual({ days: 60, cappedBy: 'tool' });
    expect(durationCap(DEFAULT_GOVERNANCE_RULES, { riskLevel: 'high', maxDurationDays: 30 })).toEqual({ days: 30, cappedBy: 'tool' });
  });
});
