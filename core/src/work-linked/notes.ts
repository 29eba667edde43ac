import { commentBestEffort } from '../decisions/jira-sync.js';
import type { GrantWorkLink } from '../grants/grant.js';
import type { CoreDeps } from '../shared/deps.js';
import { END_REASON_TEXT, type WorkEndReason } from './link.js';
import { liveStatusesLabel, subjectLabel, type WorkLinkedPolicy } from './policy.js';

const when = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** What will end a work-linked grant, in words, from the issues it lives by. */
export function endsWhenText(links: readonly GrantWorkLink[]): string {
  const keys = [...new Set(links.map((link) => link.issueKey))];
  const latest = Math.max(...links.map((link) => link.deadline));
  const issues = keys.length === 1 ? keys[0] : `the last of ${keys.join(', ')}`;
  return `When ${issues} leaves its live statuses, is resolved, reassigned or deleted; at the latest ${when(latest)}.`;
}

/** A person as notes name them: their Jira display name when Jira showed it, else their account. */
export function personName(accountId: string, displayName: string | undefined): string {
  return displayName !== undefined && displayName.trim() !== '' ? displayName.trim() : `account ${accountId}`;
}

/** Notes the work issue (internally: a customer never reads it) that access started, or waits for an approver. */
export async function noteLinkStarted(deps: CoreDeps, input: { issueKey: string; person: string; toolName: string; policy: WorkLinkedPolicy; deadline: number; outcome: 'started' | 'covered' | 'awaiting' }): Promise<void> {
  const who = `${input.person} (${subjectLabel(input.policy.subject)})`;
  const text =
    input.outcome === 'awaiting'
      ? `${capitalized(who)} needs ${input.toolName} for this work. Under the work-linked access policy "${input.policy.name}" an approver decides once for this issue; access starts when they approve.`
      : input.outcome === 'covered'
        ? `${capitalized(who)} already holds ${input.toolName} through an earlier request, so no new access was needed for this work.`
        : `Clearway is giving ${who} access to ${input.toolName} while this issue is in ${liveStatusesLabel(input.policy)} (work-linked access policy "${input.policy.name}"). Access ends when the work does, at the latest ${when(input.deadline)}.`;
  await commentBestEffort(deps, input.issueKey, text, { audience: 'internal', failure: 'Could not note work-linked access on its issue' });
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export async function noteLinkEnded(deps: CoreDeps, input: { issueKey: string; person: string; toolName: string; reason: WorkEndReason; grantEnded: boolean }): Promise<void> {
  const outcome = input.grantEnded ? `Clearway removed ${input.toolName} access for ${input.person}` : `This issue no longer keeps ${input.toolName} access for ${input.person} (other work still does)`;
  await commentBestEffort(deps, input.issueKey, `${outcome}: ${END_REASON_TEXT[input.reason]}.`, { audience: 'internal', failure: 'Could not note the end of work-linked access on its issue' });
}
