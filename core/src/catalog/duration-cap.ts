import type { GovernanceRules } from '../governance/policy.js';
import type { Tool } from './tool.js';

/**
 * The longest access to a tool may last, and what sets it: the tool's own maximum, or its risk
 * level's rule in governance when that is lower. Requests, decisions and every screen that shows a
 * maximum use this one answer, so the Catalog never promises what a requester cannot ask for.
 */
export interface DurationCap {
  readonly days: number;
  /** `risk`: the governance rule for the tool's risk level is lower than the tool's own maximum. */
  readonly cappedBy: 'tool' | 'risk';
}

export function durationCap(rules: GovernanceRules, tool: Pick<Tool, 'maxDurationDays' | 'riskLevel'>): DurationCap {
  const risk = rules.riskRules[tool.riskLevel].maxDurationDays;
  return risk < tool.maxDurationDays ? { days: risk, cappedBy: 'risk' } : { days: tool.maxDurationDays, cappedBy: 'tool' };
}
