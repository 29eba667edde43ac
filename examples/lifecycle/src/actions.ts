/**
 * The people of the run acting through core's public API, as the portal, the approvers' queue
 * and the admin pages would: requests, decisions, extensions, revokes, manual tasks, and calls
 * the rules refuse. Each call's outcome is predicted from the record first (see `expectOutcome`).
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, completeManualTask, decide, extendGrant, iterateQuery, revokeGrant, submitRequest, type Actor, type Job } from '@clearway/core';
import { expectOutcome } from './calls.js';
import { agrees, reportSubject, storedGrant, type RunContext } from './context.js';
import { EXCEPTION_PROBES, approveAsException, probeException, type ExceptionProbe } from './exception-actions.js';
import { GRACE_DAYS, MAX_LIFETIME_DAYS, dayOf, iso, predictExtension, startOf, type GrantRecord, type Prediction } from './record.js';
import { INTAKE_PROJECT, TOOLS, approver, securityReviewer, type HarnessTool, type Person } from './world.js';

const OK: Prediction = { ok: true };

function requester(person: Person): Actor {
  return { accountId: person.accountId, email: person.email };
}

async function allAgree(ctx: RunContext, grants: readonly GrantRecord[]): Promise<boolean> {
  for (const grant of grants) if (!agrees(grant, await storedGrant(ctx, grant))) return false;
  return true;
}

/** A grant the record and Clearway agree on that passes `accept`, picked at random. */
async function findGrant(ctx: RunContext, accept: (grant: GrantRecord) => boolean): Promise<GrantRecord | undefined> {
  const candidates = [...ctx.record.grants.values()].filter((grant) => grant.diverged === undefined && accept(grant));
  return ctx.random.find(candidates, async (grant) => agrees(grant, await storedGrant(ctx, grant)));
}

/** Whether the grant's current term already has its recertification issue. */
export function reviewOpened(ctx: RunContext, grant: GrantRecord): boolean {
  return (ctx.reviewIssues.get(grant.id)?.get(dayOf(grant.end)) ?? 0) > 0;
}

async function submitFor(ctx: RunContext, person: Person, tool: HarnessTool, prediction: Prediction, label: string) {
  const durationDays = ctx.random.pick(tool.durations);
  const issueKey = ctx.world.deps.jira.openRequestIssue(INTAKE_PROJECT, `${tool.name} for ${person.accountId}`);
  const outcome = await expectOutcome(
    ctx,
    label,
    prediction,
    () => submitRequest(ctx.world.deps, requester(person), { issueKey, projectKey: INTAKE_PROJECT, toolId: tool.id, purpose: 'Lifecycle harness: access for the current project', durationDays }),
    `${person.accountId} / ${tool.id}`,
  );
  return { outcome, issueKey, durationDays };
}

/** Someone asks for a tool: anyone without an open request or live grant for it, or (a share) someone whose grant for it ended. */
export async function submitOne(ctx: RunContext): Promise<void> {
  const tool = ctx.random.pick(TOOLS);
  const again = ctx.random.chance(ctx.options.reRequestShare);
  const person = await ctx.random.find(
    ctx.world.people.filter((candidate) => !candidate.outsider),
    async (candidate) => {
      if (ctx.record.hasOpenClaim(candidate, tool)) return false;
      const grants = ctx.record.grantsOf(candidate, tool);
      if (again && !grants.some((grant) => grant.status === 'expired' || grant.status === 'revoked')) return false;
      return allAgree(ctx, grants);
    },
  );
  if (!person) return;
  const { outcome, issueKey, durationDays } = await submitFor(ctx, person, tool, OK, 'submit a request');
  if (outcome.as !== 'predicted' || !outcome.value) return;
  const request = ctx.record.submit({ id: outcome.value.request.id, issueKey, person, tool, durationDays, submittedAt: ctx.now() });
  ctx.size.requests += 1;
  if (again) ctx.size.reRequests += 1;
  // Approvers decide within minutes to a day and a half; a request never goes stale.
  ctx.schedule.add(ctx.now() + ctx.random.int(10 * MINUTE_MS, 36 * HOUR_MS), { kind: 'decide', requestId: request.id });
}

export async function decideOne(ctx: RunContext, requestId: string): Promise<void> {
  const request = ctx.record.requests.get(requestId);
  if (!request || request.timeline.at(-1)?.status !== 'pending') return;
  const outcome = ctx.random.chance(ctx.options.denyShare) ? 'denied' : 'approved';
  // Refused at the open limit, the request is then approved as asked, within the rules.
  if (outcome === 'approved' && ctx.random.chance(ctx.options.exceptionShare) && (await approveAsException(ctx, request))) return;
  const decided = await expectOutcome(
    ctx,
    `${outcome === 'approved' ? 'approve' : 'deny'} a pending request`,
    OK,
    () => decide(ctx.world.deps, approver, { requestId, outcome, rationale: `Lifecycle harness: ${outcome}` }),
    `request ${request.issueKey}`,
  );
  if (decided.as !== 'predicted' || !decided.value) return;
  if (outcome === 'denied') {
    ctx.record.deny(request, ctx.now());
    ctx.size.denied += 1;
    return;
  }
  const grantId = decided.value.grant?.id;
  if (!grantId) {
    reportSubject(ctx, 'calls', 'an approval made no grant', `request ${request.issueKey}`, `request ${request.id} is ${decided.value.request.status}`);
    return;
  }
  ctx.record.approve(request, grantId, ctx.now());
  ctx.size.approved += 1;
  ctx.size.grants += 1;
}

type ExtensionKind = 'active' | 'past_lifetime' | 'in_grace' | 'out_of_grace' | 'before_activation' | 'revoked';

const EXTENSION_KINDS: ReadonlyArray<readonly [ExtensionKind, number]> = [
  ['active', 34],
  ['past_lifetime', 10],
  ['in_grace', 26],
  ['out_of_grace', 14],
  ['before_activation', 8],
  ['revoked', 8],
];

function extensionKind(ctx: RunContext): ExtensionKind {
  let roll = ctx.random.next() * EXTENSION_KINDS.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [kind, weight] of EXTENSION_KINDS) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return 'active';
}

/** An approver extends a grant: active ones (before and after their review issue), expired ones in and out of grace, to and past the lifetime cap, revoked ones. */
export async function extendOne(ctx: RunContext): Promise<void> {
  const now = ctx.now();
  const kind = extensionKind(ctx);
  const grant = await findGrant(ctx, (candidate) => {
    switch (kind) {
      case 'active':
      case 'past_lifetime':
        return candidate.status === 'active' && candidate.end > now;
      case 'in_grace':
        return candidate.status === 'expired' && candidate.firstActivation !== undefined && now <= graceEnd(candidate) && !ctx.record.hasOpenClaim(candidate.person, candidate.tool);
      case 'out_of_grace':
        return candidate.status === 'expired' && now > graceEnd(candidate);
      case 'before_activation':
        return candidate.status === 'pending_provision' && candidate.firstActivation === undefined;
      case 'revoked':
        return candidate.status === 'revoked';
    }
  });
  if (!grant) return;
  if (kind === 'past_lifetime') {
    // Up to the cap exactly (allowed) half the time, past it (refused) the other half.
    const upToCap = Math.floor((startOf(grant) + MAX_LIFETIME_DAYS * DAY_MS - grant.end) / DAY_MS);
    const days = Math.min(MAX_LIFETIME_DAYS, ctx.random.chance(0.5) && upToCap >= 1 ? upToCap : upToCap + ctx.random.int(1, 10));
    return tryExtension(ctx, grant, Math.max(1, days), 'to or past 180 days from its start');
  }
  await tryExtension(ctx, grant, kind === 'before_activation' ? ctx.random.int(1, 5) : ctx.random.int(1, 30), kind.replace(/_/g, ' '));
}

/** An extension asked on the edge of an expired grant's grace (planned when the grant expired). */
export async function extendAtGraceEdge(ctx: RunContext, grantId: string): Promise<void> {
  const grant = ctx.record.grants.get(grantId);
  // Re-opening takes the person's claim on the tool back: only when no newer request holds it.
  if (!grant || grant.status !== 'expired' || ctx.record.hasOpenClaim(grant.person, grant.tool)) return;
  if (!agrees(grant, await storedGrant(ctx, grant))) return;
  ctx.size.extensions.atGraceEdge += 1;
  await tryExtension(ctx, grant, ctx.random.int(1, 14), `on the edge of its grace (${ctx.now() - graceEnd(grant)} ms from it)`);
}

function graceEnd(grant: GrantRecord): number {
  return grant.end + GRACE_DAYS * DAY_MS;
}

async function tryExtension(ctx: RunContext, grant: GrantRecord, days: number, note: string): Promise<void> {
  const now = ctx.now();
  const prediction = predictExtension(grant, days, now);
  const afterReview = grant.status === 'active' && reviewOpened(ctx, grant);
  const what =
    grant.status === 'active'
      ? `an active grant ${afterReview ? 'after' : 'before'} its review issue opened`
      : grant.status === 'expired'
        ? `an expired grant ${now <= graceEnd(grant) ? 'within' : 'past'} its grace`
        : grant.status === 'pending_provision'
          ? 'a grant not yet active'
          : 'a revoked grant';
  const label = `extend ${what}`;
  // Only a security reviewer extends an exception's grant (an ordinary approver trying it is a probe).
  const actor = grant.exception ? securityReviewer : approver;
  const outcome = await expectOutcome(ctx, label, prediction, () => extendGrant(ctx.world.deps, actor, { grantId: grant.id, days, rationale: `Lifecycle harness: ${note}` }), grant);
  if (outcome.as === 'accepted_wrongly') {
    grant.diverged = `${iso(now)} ${label} by ${days} d was accepted`;
    grant.history.push(`${iso(now)} ${label} by ${days} d (${note}): accepted against the rules (${'refused' in prediction ? prediction.why : ''})`);
    return;
  }
  if (outcome.as !== 'predicted') return;
  if ('refused' in prediction) {
    grant.history.push(`${iso(now)} ${label} by ${days} d (${note}): refused as it must be (${prediction.why})`);
    if (prediction.refused === 'invalid_transition') ctx.size.extensions.revoked += 1;
    else if (grant.status === 'expired' && now > graceEnd(grant)) ctx.size.extensions.outOfGrace += 1;
    else ctx.size.extensions.pastLifetime += 1;
    return;
  }
  if (grant.status === 'expired') ctx.size.extensions.inGrace += 1;
  else if (grant.firstActivation === undefined) ctx.size.extensions.beforeActivation += 1;
  else if (afterReview) ctx.size.extensions.activeAfterReview += 1;
  else ctx.size.extensions.activeBeforeReview += 1;
  ctx.record.extend(grant, days, now, afterReview ? `${note}, after its review issue opened` : note);
}

/** An approver (or, a quarter of the time, the requester giving it up) revokes a live grant. */
export async function revokeOne(ctx: RunContext): Promise<void> {
  const now = ctx.now();
  const grant = await findGrant(ctx, (candidate) => (candidate.status === 'active' && candidate.end > now) || candidate.status === 'pending_provision');
  if (!grant) return;
  const bySelf = ctx.random.chance(0.25);
  const actor = bySelf ? requester(grant.person) : approver;
  const outcome = await expectOutcome(ctx, `revoke ${grant.status === 'active' ? 'an active' : 'a pending provision'} grant${bySelf ? ' (its requester)' : ''}`, OK, () => revokeGrant(ctx.world.deps, actor, { grantId: grant.id, rationale: 'Lifecycle harness: no longer needed' }), grant);
  if (outcome.as !== 'predicted') return;
  ctx.record.revoke(grant, now, bySelf ? 'its requester' : 'an approver');
  if (bySelf) ctx.size.revokes.byRequester += 1;
  else ctx.size.revokes.byApprover += 1;
}

const PROBES = ['duplicate', 'self_approval', 'already_decided', 'self_extension', ...EXCEPTION_PROBES] as const;

function isExceptionProbe(probe: (typeof PROBES)[number]): probe is ExceptionProbe {
  return (EXCEPTION_PROBES as readonly string[]).includes(probe);
}

/**
 * A call the rules refuse: a duplicate request, a self-approval, deciding a decided request,
 * extending one's own grant, or one on exceptions (see `probeException`).
 */
export async function probeOne(ctx: RunContext): Promise<void> {
  const probe = ctx.random.pick(PROBES);
  const requests = [...ctx.record.requests.values()];
  if (isExceptionProbe(probe)) {
    if (!(await probeException(ctx, probe))) return;
  } else if (probe === 'duplicate') {
    const tool = ctx.random.pick(TOOLS);
    const person = await ctx.random.find(
      ctx.world.people.filter((candidate) => !candidate.outsider && ctx.record.hasOpenClaim(candidate, tool)),
      (candidate) => allAgree(ctx, ctx.record.grantsOf(candidate, tool)),
    );
    if (!person) return;
    await submitFor(ctx, person, tool, { refused: 'duplicate_request', why: 'a pending request or live grant for the tool exists' }, 'submit a second request for a tool');
  } else if (probe === 'self_approval' || probe === 'already_decided') {
    const pending = probe === 'self_approval';
    const request = await ctx.random.find(requests, (candidate) => (candidate.timeline.at(-1)?.status === 'pending') === pending);
    if (!request) return;
    const actor = pending ? { ...requester(request.person), isAdmin: true } : approver;
    const prediction: Prediction = pending ? { refused: 'self_approval', why: 'nobody decides their own request' } : { refused: 'already_decided', why: 'the request was decided' };
    await expectOutcome(ctx, pending ? 'approve one’s own request' : 'decide a decided request', prediction, () => decide(ctx.world.deps, actor, { requestId: request.id, outcome: 'approved', rationale: 'Lifecycle harness probe' }), `request ${request.issueKey}`);
  } else {
    const grant = await findGrant(ctx, (candidate) => candidate.status === 'active' && candidate.end > ctx.now());
    if (!grant) return;
    await expectOutcome(ctx, 'extend one’s own grant', { refused: 'self_extension', why: 'no self-service extension' }, () => extendGrant(ctx.world.deps, requester(grant.person), { grantId: grant.id, days: 1, rationale: 'Lifecycle harness probe' }), grant);
  }
  ctx.size.refusalProbes += 1;
}

/** New manual tasks go to a person, who does them within hours (provisioning: up to a day and a half). */
export async function pickUpManualTasks(ctx: RunContext): Promise<void> {
  for await (const job of iterateQuery(ctx.world.deps.store, 'job', 'byStatus', { partition: ['awaiting_manual'], limit: 100 })) {
    if (ctx.manualTasksSeen.has(job.id)) continue;
    ctx.manualTasksSeen.add(job.id);
    const delay = job.type === 'provision' ? ctx.random.int(30 * MINUTE_MS, 36 * HOUR_MS) : job.type === 'deprovision' ? ctx.random.int(10 * MINUTE_MS, 12 * HOUR_MS) : ctx.random.int(10 * MINUTE_MS, 6 * HOUR_MS);
    ctx.schedule.add(ctx.now() + delay, { kind: 'manual_task', jobId: job.id });
  }
}

function completionOf(job: Job): 'fulfilled' | 'deprovisioned' | 'verified' {
  return job.type === 'provision' ? 'fulfilled' : job.type === 'deprovision' ? 'deprovisioned' : 'verified';
}

/** The person does the task: Mark fulfilled / deprovisioned / verified, through the approvers' queue. */
export async function completeManualOne(ctx: RunContext, jobId: string): Promise<void> {
  const job = await ctx.world.deps.store.get('job', jobId);
  if (!job || job.status !== 'awaiting_manual') return;
  const grant = ctx.record.grants.get(job.grantId);
  // A grant that ended meanwhile gets no access: the person sees it in the task and leaves it.
  if (!grant || (job.type === 'provision' && grant.status !== 'pending_provision')) return;
  const completion = completionOf(job);
  const member = completion === 'verified' ? grant.manualMember === true : undefined;
  const outcome = await expectOutcome(
    ctx,
    `mark a manual ${job.type} task ${completion}`,
    OK,
    () => completeManualTask(ctx.world.deps, approver, { jobId, completion, ...(member !== undefined && { member }) }),
    grant,
  );
  if (outcome.as !== 'predicted') return;
  ctx.size.manualTasksCompleted += 1;
  if (completion === 'fulfilled') grant.manualMember = true;
  if (completion === 'deprovisioned') grant.manualMember = false;
  grant.history.push(`${iso(ctx.now())} a person marked the ${job.type} task ${completion}`);
}
