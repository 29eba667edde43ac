import type { Claim } from '../ports/store-schema.js';
import type { AccessRequest } from './request.js';

/**
 * Uniqueness as records: one claim per (requester, tool) while a request is pending or its grant
 * is live, and one per Jira issue. Creating a claim that exists fails the whole commit, so two
 * concurrent submissions can't both get through.
 */
export function openClaimId(accountId: string, toolKey: string): string {
  return `open:${accountId}:${toolKey}`;
}

export function issueClaimId(issueKey: string): string {
  return `issue:${issueKey}`;
}

/** The key a request's tool is claimed under: the catalog id, or `new:<name>` for a tool not in the catalog. */
export function toolKeyOf(request: Pick<AccessRequest, 'toolId' | 'newTool'>): string {
  if (request.toolId) return request.toolId;
  const name = (request.newTool?.name ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `new:${name}`;
}

export function newClaim(id: string, holder: { requestId?: string; grantId?: string }, now: number): Claim {
  return { id, version: 0, ...holder, createdAt: now };
}
