import { MemoryWorkIssues, STATUSES } from '../testing/work-issues.js';
import { saveWorkPolicy } from '../work-linked/policy-service.js';
import type { WorkPolicyInput } from '../work-linked/policy.js';
import { admin, makeWorld } from './harness.js';

export { MemoryWorkIssues, STATUSES };

export const incidentPolicy = (overrides: Partial<WorkPolicyInput> = {}): WorkPolicyInput => ({
  name: 'Incident responders',
  projectKey: 'INC',
  statusIds: [STATUSES.progress.id, STATUSES.investigating.id],
  statusNames: { [STATUSES.progress.id]: 'In Progress', [STATUSES.investigating.id]: 'Investigating' },
  subject: { kind: 'assignee' },
  toolId: 'chatgpt',
  maxDurationHours: 12,
  ...overrides,
});

/** A world with the ChatGPT tool, the simulated issues, and one work-linked access policy. */
export async function makeWorkWorld(policy: Partial<WorkPolicyInput> = {}) {
  const world = await makeWorld();
  const issues = new MemoryWorkIssues();
  const deps = { ...world, issues };
  const saved = await saveWorkPolicy(deps, admin, incidentPolicy(policy));
  return { ...deps, policy: saved };
}
