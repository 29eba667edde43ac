import { iterateQuery } from '../ports/store.js';
import type { WorkEvent, WorkIssue } from '../ports/work-issues.js';
import { addOutcomes, NO_CHANGE, type WorkDeps, type WorkOutcome } from './deps.js';
import { endLink, rearmLink, startLink, type StartOutcome } from './link-changes.js';
import { workLinkId, type WorkLink } from './link.js';
import { endReasonFor, isLive, isLiveStatus, subjectsOf } from './liveness.js';
import { noteLinkEnded, noteLinkStarted, personName } from './notes.js';
import { currentWorkPolicies } from './policy-service.js';
import { userFieldIdsOf, type WorkLinkedPolicy, type WorkPoliciesVersion } from './policy.js';

export interface ReconcileOptions {
  /** The issue as already read (a sweep's search page); `null`: Jira says it is gone. Read from Jira when absent. */
  readonly observed?: WorkIssue | null;
  /** The event that prompted this pass: a status it entered is evidence the work began again. */
  readonly event?: WorkEvent;
  /** The policies in force, when the caller read them already. */
  readonly policies?: WorkPoliciesVersion;
}

/**
 * Brings one issue's work-linked access in line with the issue as it is now: every user a live
 * issue names under an enabled policy holds a link (and so the tool); every other link ends, with
 * the reason. Idempotent — any number of passes, in any order, for any mix of events, leave the
 * same state — so events delivered twice, late or out of order change nothing once applied.
 */
export async function reconcileWorkIssue(deps: WorkDeps, issueIdOrKey: string, options: ReconcileOptions = {}): Promise<WorkOutcome> {
  const current = options.policies ?? (await currentWorkPolicies(deps.store));
  const enabled = current.policies.filter((policy) => policy.enabled);
  const issue = options.observed === undefined ? await deps.issues.read(issueIdOrKey, userFieldIdsOf(enabled)) : (options.observed ?? undefined);
  const issueId = issue?.id ?? options.event?.issueId ?? issueIdOrKey;
  const links: WorkLink[] = [];
  for await (const link of iterateQuery(deps.store, 'workLink', 'byIssue', { partition: [issueId], limit: 100 })) links.push(link);
  if (!issue && links.every((link) => link.state === 'ended')) return NO_CHANGE;

  const now = deps.clock.now();
  const wanted = new Map<string, { policy: WorkLinkedPolicy; accountId: string }>();
  if (issue) {
    for (const policy of enabled) {
      if (!isLive(policy, issue)) continue;
      for (const accountId of subjectsOf(policy, issue)) wanted.set(workLinkId(policy.id, issue.id, accountId), { policy, accountId });
    }
  }
  const byId = new Map(links.map((link) => [link.id, link]));
  let outcome = NO_CHANGE;

  for (const link of links) {
    const want = wanted.get(link.id);
    if (link.state === 'ended') {
      if (!want && !link.rearmed) await rearmLink(deps, link.id, link.version);
      continue;
    }
    const policy = current.policies.find((candidate) => candidate.id === link.policyId);
    if (!want) outcome = addOutcomes(outcome, await finish(deps, link, endReasonFor(policy, issue, link.accountId)));
    else if (now >= link.deadline) outcome = addOutcomes(outcome, await finish(deps, link, 'max_duration'));
    else if (link.state === 'live') outcome = addOutcomes(outcome, await keepLive(deps, link));
    else outcome = addOutcomes(outcome, await begin(deps, want.policy, current.policyVersion, issue!, want.accountId, link.version));
  }

  for (const [id, want] of wanted) {
    const link = byId.get(id);
    if (link && link.state !== 'ended') continue;
    if (link && !link.rearmed && !reentered(want.policy, link, options.event, issue!)) {
      outcome = addOutcomes(outcome, { ...NO_CHANGE, unchanged: 1 });
      continue;
    }
    outcome = addOutcomes(outcome, await begin(deps, want.policy, current.policyVersion, issue!, want.accountId, link?.version ?? 0));
  }
  return outcome;
}

/**
 * The event shows the issue entering a live status after the link ended: the work began again. The
 * entered status's category is known when it is the issue's status now (the event names only its id).
 */
function reentered(policy: WorkLinkedPolicy, link: WorkLink, event: WorkEvent | undefined, issue: WorkIssue): boolean {
  if (event?.enteredStatusId === undefined || event.at <= (link.endedAt ?? Number.POSITIVE_INFINITY)) return false;
  return isLiveStatus(policy, event.enteredStatusId === issue.status.id ? issue.status : { id: event.enteredStatusId });
}

/** A live link whose grant someone ended (an approver's revoke, an expiry) ends with it, and does not grant again until the work does. */
async function keepLive(deps: WorkDeps, link: WorkLink): Promise<WorkOutcome> {
  const grant = link.grantId === undefined ? undefined : await deps.store.get('grant', link.grantId);
  if (grant && ['pending_provision', 'active', 'provision_failed'].includes(grant.status)) return { ...NO_CHANGE, unchanged: 1 };
  const ended = await endLink(deps, link.id, link.version, 'grant_ended');
  return ended.outcome === 'ended' ? { ...NO_CHANGE, ended: 1 } : { ...NO_CHANGE, unchanged: 1 };
}

async function finish(deps: WorkDeps, link: WorkLink, reason: Parameters<typeof endLink>[3]): Promise<WorkOutcome> {
  const ended = await endLink(deps, link.id, link.version, reason);
  if (ended.outcome !== 'ended') return { ...NO_CHANGE, unchanged: 1 };
  if (link.state === 'live' || link.state === 'covered') {
    const tool = await deps.store.get('tool', link.toolId);
    await noteLinkEnded(deps, { issueKey: link.issueKey, person: personName(link.accountId, link.displayName), toolName: tool?.name ?? link.toolId, reason, grantEnded: ended.grantEnded });
  }
  return { ...NO_CHANGE, ended: 1 };
}

async function begin(deps: WorkDeps, policy: WorkLinkedPolicy, policyVersion: number, issue: WorkIssue, accountId: string, seenVersion: number): Promise<WorkOutcome> {
  const started: StartOutcome = await startLink(deps, { policy, policyVersion, issue, accountId, seenVersion });
  if (started.outcome === 'unchanged') return { ...NO_CHANGE, unchanged: 1 };
  if (started.outcome === 'ended') return { ...NO_CHANGE, ended: 1 };
  await noteLinkStarted(deps, { issueKey: issue.key, person: personName(accountId, issue.people?.[accountId]?.displayName), toolName: started.tool.name, policy, deadline: started.deadline, outcome: started.outcome });
  return { ...NO_CHANGE, [started.outcome]: 1 };
}
