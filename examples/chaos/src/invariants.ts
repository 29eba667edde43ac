/**
 * The end state of a run, judged against the simulator's real memberships and the changes it
 * recorded — never against Clearway's records alone. Every count must be 0.
 */
import { isOpenJob, iterateQuery, verifyAuditLog, type CoreDeps, type Grant, type Job } from '@clearway/core';
import type { IdpSimulator } from '@clearway/idp-simulator';
import type { JournalEntry } from './fault-proxy/proxy.js';
import type { ChaosTool, PlannedGrant } from './world.js';

export interface InvariantCounts {
  /** A grant with no terminal state and no open job (stuck), or a grant missing. */
  lost: number;
  /** `active`, but the user is not in the tool's group. */
  wronglyActive: number;
  /** `expired`, `revoked` or `provision_failed` with its jobs settled, but the user is in the group. */
  endedOrFailedButMember: number;
  /** A membership change applied twice (no change between), a group created twice, a job recorded twice, or more `applied` records than changes. */
  duplicateEffects: number;
  /** A terminal failure whose error was transient, rate limited, `unexpected_response` or `retries_exhausted`. */
  terminalFromTransient: number;
  /** The audit chain does not verify. */
  chainBroken: number;
  /** Any other terminal failure: in this world every user exists and every setting is right, so only a fault can cause one. */
  terminalOther: number;
  /** A job recorded `applied` or `already_satisfied` for a change the simulator never saw (a made-up answer believed). */
  phantomOutcomes: number;
  /** A grant whose job was still open when the settle phase gave up. */
  unsettled: number;
  /** A tool bound to a group id that is not its configured group in the simulator. */
  bindingWrong: number;
  /** Worker processes that died on their own (not killed by the driver). */
  workerCrashes: number;
  /** Store errors the driver's own admin actions met (revoke, expiry sweep). */
  storeErrors: number;
  /** `runDueJobs` runs that returned (or were still running) well past their deadline. */
  deadlineOverruns: number;
}

export interface EndState {
  readonly counts: InvariantCounts;
  /** Up to a few grants or jobs behind each non-zero count, for whoever reads the report. */
  readonly examples: Partial<Record<keyof InvariantCounts, string[]>>;
  readonly grantsByStatus: Record<string, number>;
  /** Terminal failures by `job type: kind / code`. */
  readonly terminalFailures: Record<string, number>;
  /** Attempts that failed and were retried, by error code. */
  readonly retriedAttempts: Record<string, number>;
  /** For the first grants behind a non-zero count: what the proxy and the simulator saw for the user, and the grant's audit events. */
  readonly traces: Record<string, string[]>;
}

export interface Health {
  readonly workerCrashes: number;
  readonly storeErrors: number;
  readonly deadlineOverruns: number;
}

interface Membership {
  readonly groupIds: readonly string[];
  readonly members: ReadonlySet<string>;
}

const TRANSIENT_CODES = new Set(['unexpected_response', 'retries_exhausted']);
const MAX_EXAMPLES = 6;
const MAX_TRACES = 4;

const clockTime = (at: number) => new Date(at).toISOString().slice(5, 23).replace('T', ' ');

/** One audit event, at its (virtual) time, so a day the clock jumped shows. */
function auditLine(event: { seq: number; at: number; type: string; actor: string; data: Readonly<Record<string, unknown>> }): string {
  const facts = ['attempt', 'outcome', 'code', 'from', 'to', 'reason'].filter((key) => event.data[key] !== undefined).map((key) => `${key}=${String(event.data[key])}`);
  const times = ['leaseEndedAt', 'checkAt', 'nextAttemptAt'].filter((key) => typeof event.data[key] === 'number').map((key) => `${key}=${clockTime(event.data[key] as number)}`);
  const all = [...facts, ...times];
  return `audit #${event.seq} ${clockTime(event.at)} ${event.type} by ${event.actor}${all.length > 0 ? ` (${all.join(', ')})` : ''}`;
}

/** The proxy's and the simulator's view of one user, in time order. */
function userTimeline(simulator: IdpSimulator, journal: readonly JournalEntry[], userId: string, email: string, since: number): string[] {
  const proxied = journal
    .filter((entry) => entry.target.userIds.includes(userId) || entry.path.includes(userId) || decodeURIComponent(entry.path).includes(email))
    .map((entry) => ({ at: entry.at, line: `proxy  ${entry.method} ${entry.target.vendor}.${entry.target.endpoint}${entry.fault ? ` [${entry.fault}]` : ''} upstream ${entry.upstream ?? '-'} answered ${entry.answered ?? '-'}` }));
  const applied = simulator.calls
    .filter((call) => call.path.includes(userId) || call.effects.some((effect) => effect.userId === userId))
    .map((call) => ({ at: call.at, line: `sim    ${call.method} ${call.path.split('?')[0]} → ${call.status} ${call.outcome}${call.effects.length > 0 ? ` ${call.effects.map((effect) => effect.kind).join(',')}` : ''}` }));
  return [...proxied, ...applied].sort((a, b) => a.at - b.at).map((item) => `+${((item.at - since) / 1000).toFixed(2)}s ${item.line}`);
}

/** The simulator's groups carrying the tool's configured name, and everyone in any of them. */
function membershipOf(simulator: IdpSimulator, tool: ChaosTool): Membership {
  const groups =
    tool.vendor === 'okta'
      ? [...(simulator.okta?.groups.values() ?? [])].filter((group) => group.profile.name === tool.groupName)
      : [...(simulator.graph?.groups.values() ?? [])].filter((group) => group.displayName === tool.groupName);
  return { groupIds: groups.map((group) => group.id), members: new Set(groups.flatMap((group) => [...group.members])) };
}

function directoryUserId(simulator: IdpSimulator, tool: ChaosTool, email: string): string | undefined {
  return tool.vendor === 'okta' ? simulator.okta?.findUser(email)?.id : simulator.graph?.findUser(email)?.id;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Every count at 0: what a run must end with. */
export const ZERO_COUNTS: Readonly<InvariantCounts> = {
  lost: 0,
  wronglyActive: 0,
  endedOrFailedButMember: 0,
  duplicateEffects: 0,
  terminalFromTransient: 0,
  chainBroken: 0,
  terminalOther: 0,
  phantomOutcomes: 0,
  unsettled: 0,
  bindingWrong: 0,
  workerCrashes: 0,
  storeErrors: 0,
  deadlineOverruns: 0,
};

export async function judgeEndState(simulator: IdpSimulator, deps: CoreDeps, planned: readonly PlannedGrant[], health: Health, journal: readonly JournalEntry[] = []): Promise<EndState> {
  const counts: InvariantCounts = { ...ZERO_COUNTS, workerCrashes: health.workerCrashes, storeErrors: health.storeErrors, deadlineOverruns: health.deadlineOverruns };
  const examples: Partial<Record<keyof InvariantCounts, string[]>> = {};
  const flag = (count: keyof InvariantCounts, example: string, amount = 1) => {
    counts[count] += amount;
    const list = (examples[count] ??= []);
    if (list.length < MAX_EXAMPLES) list.push(example);
  };
  const traced: Array<{ grant: Grant; plan: PlannedGrant; userId: string | undefined }> = [];
  const flaggedSoFar = (): number => (Object.keys(counts) as Array<keyof InvariantCounts>).reduce((sum, key) => sum + counts[key], 0);
  const grantsByStatus: Record<string, number> = {};
  const terminalFailures: Record<string, number> = {};

  // What the simulator applied, in order: member_added / member_removed per (vendor, group, user).
  const applied = new Map<string, { added: number; removed: number; inGroup: boolean }>();
  for (const call of [...simulator.calls].sort((a, b) => a.seq - b.seq)) {
    for (const effect of call.effects) {
      if (effect.kind !== 'member_added' && effect.kind !== 'member_removed') continue;
      const key = `${effect.vendor}/${effect.groupId ?? ''}/${effect.userId ?? ''}`;
      const state = applied.get(key) ?? { added: 0, removed: 0, inGroup: false };
      const adding = effect.kind === 'member_added';
      if (adding === state.inGroup) flag('duplicateEffects', `the simulator applied ${effect.kind} twice in a row for ${key} (call ${call.seq} ${call.method} ${call.path})`);
      applied.set(key, { added: state.added + (adding ? 1 : 0), removed: state.removed + (adding ? 0 : 1), inGroup: adding });
    }
  }

  const memberships = new Map<string, Membership>();
  const tools = new Map(planned.map((grant) => [grant.tool.id, grant.tool]));
  for (const tool of tools.values()) {
    const membership = membershipOf(simulator, tool);
    memberships.set(tool.id, membership);
    if (membership.groupIds.length > 1) flag('duplicateEffects', `${membership.groupIds.length} groups named "${tool.groupName}" (${tool.vendor})`, membership.groupIds.length - 1);
    const bound = (await deps.store.get('tool', tool.id))?.fulfillment.bound;
    if (bound && !membership.groupIds.includes(bound.groupId)) flag('bindingWrong', `${tool.id} is bound to "${bound.groupId}", not to a group named "${tool.groupName}" (${membership.groupIds.join(', ') || 'none'})`);
  }

  const succeededPerJob = new Map<string, number>();
  const retriedAttempts: Record<string, number> = {};
  const auditByGrant = new Map<string, string[]>();
  for await (const event of iterateQuery(deps.store, 'audit', 'bySeq', { partition: [], limit: 100 })) {
    if (event.refs.grantId) auditByGrant.set(event.refs.grantId, [...(auditByGrant.get(event.refs.grantId) ?? []), auditLine(event)]);
    if (/^job\.\w+_succeeded$/.test(event.type) && event.refs.jobId) succeededPerJob.set(event.refs.jobId, (succeededPerJob.get(event.refs.jobId) ?? 0) + 1);
    if (event.type === 'job.attempt_failed') {
      const code = typeof event.data.code === 'string' ? event.data.code : 'unknown';
      retriedAttempts[code] = (retriedAttempts[code] ?? 0) + 1;
    }
  }
  for (const [jobId, times] of succeededPerJob) if (times > 1) flag('duplicateEffects', `job ${jobId} recorded its success ${times} times`, times - 1);

  for (const plan of planned) {
    const grant: Grant | undefined = await deps.store.get('grant', plan.grantId);
    if (!grant) {
      flag('lost', `grant ${plan.grantId} (${plan.email}, ${plan.tool.id}) is missing`);
      continue;
    }
    const statusKey = grant.status === 'expired' || grant.status === 'revoked' ? `${grant.status} (deprovision ${grant.deprovision})` : grant.status;
    grantsByStatus[statusKey] = (grantsByStatus[statusKey] ?? 0) + 1;
    const jobs: Job[] = await collect(iterateQuery(deps.store, 'job', 'byGrant', { partition: [grant.id], limit: 50 }));
    const open = jobs.filter((job) => isOpenJob(job));
    const userId = directoryUserId(simulator, plan.tool, plan.email);
    const membership = memberships.get(plan.tool.id);
    const member = userId !== undefined && membership !== undefined && membership.members.has(userId);
    const who = `grant ${grant.id} (${plan.email}, ${plan.tool.id}, ${grant.status}${grant.status === 'expired' || grant.status === 'revoked' ? `, deprovision ${grant.deprovision}` : ''})`;
    const flaggedBefore = flaggedSoFar();

    const ended = grant.status === 'expired' || grant.status === 'revoked';
    const terminal = grant.status === 'active' || grant.status === 'provision_failed' || (ended && grant.deprovision !== 'pending');
    if (open.length > 0) flag('unsettled', `${who}: ${open.map((job) => `${job.type} ${job.status} after ${job.attempts} attempts${job.lastError ? ` (${job.lastError.code})` : ''}`).join('; ')}`);
    else if (!terminal) flag('lost', `${who}: no terminal state and no open job`);
    if (grant.status === 'active' && !member) flag('wronglyActive', `${who}: not in "${plan.tool.groupName}"`);
    if ((ended || grant.status === 'provision_failed') && open.length === 0 && member) flag('endedOrFailedButMember', `${who}: still in "${plan.tool.groupName}"`);

    for (const job of jobs.filter((candidate) => candidate.status === 'failed')) {
      const error = job.lastError;
      const label = `${job.type}: ${error?.kind ?? 'unknown'} / ${error?.code ?? 'unknown'}`;
      terminalFailures[label] = (terminalFailures[label] ?? 0) + 1;
      const transient = error !== undefined && (error.kind === 'transient' || error.kind === 'rate_limited' || TRANSIENT_CODES.has(error.code));
      flag(transient ? 'terminalFromTransient' : 'terminalOther', `${who}: ${label} after ${job.attempts} attempts`);
    }

    const key = (groupIds: readonly string[]) => groupIds.map((groupId) => `${plan.tool.vendor}/${groupId}/${userId ?? ''}`);
    const changes = key(membership?.groupIds ?? []).reduce(
      (sum, each) => {
        const state = applied.get(each);
        return { added: sum.added + (state?.added ?? 0), removed: sum.removed + (state?.removed ?? 0) };
      },
      { added: 0, removed: 0 },
    );
    const recorded = (type: Job['type'], outcomes: readonly string[]) => jobs.filter((job) => job.type === type && job.status === 'succeeded' && outcomes.includes(job.outcome ?? '')).length;
    const appliedAdds = recorded('provision', ['applied']);
    const appliedRemovals = recorded('deprovision', ['applied']);
    // More "applied" records than changes is a duplicate; "applied" with no change at all is a phantom (below).
    if (changes.added > 0 && appliedAdds > changes.added) flag('duplicateEffects', `${who}: ${appliedAdds} provision jobs recorded "applied", the simulator added the user ${changes.added} times`, appliedAdds - changes.added);
    if (changes.removed > 0 && appliedRemovals > changes.removed) flag('duplicateEffects', `${who}: ${appliedRemovals} deprovision jobs recorded "applied", the simulator removed the user ${changes.removed} times`, appliedRemovals - changes.removed);
    const claimedAdds = recorded('provision', ['applied', 'already_satisfied']);
    if (claimedAdds > 0 && changes.added === 0) flag('phantomOutcomes', `${who}: provisioning recorded "${jobs.find((job) => job.type === 'provision' && job.status === 'succeeded')?.outcome}" but the user was never added`);
    if (appliedRemovals > 0 && changes.removed === 0) flag('phantomOutcomes', `${who}: deprovisioning recorded "applied" but the user was never removed`);
    if (flaggedSoFar() > flaggedBefore && traced.length < MAX_TRACES) traced.push({ grant, plan, userId });
  }

  const since = Math.min(...journal.map((entry) => entry.at), ...simulator.calls.map((call) => call.at));
  const traces = Object.fromEntries(
    traced.map(({ grant, plan, userId }) => [
      `${grant.id} (${plan.email}, ${plan.tool.id})`,
      [...(userId ? userTimeline(simulator, journal, userId, plan.email, since) : []), ...(auditByGrant.get(grant.id) ?? [])],
    ]),
  );

  const chain = await verifyAuditLog(deps);
  if (!chain.ok) flag('chainBroken', `${chain.problem ?? 'problem'} at seq ${chain.firstBadSeq ?? '?'}: ${chain.detail ?? ''}`);
  return { counts, examples, grantsByStatus, terminalFailures, retriedAttempts, traces };
}
