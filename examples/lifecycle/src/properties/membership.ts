import { DAY_MS, identityRecordId, listUnmanagedMembers, type UnmanagedMembers } from '@clearway/core';
import { reportGrant, reportSubject, storedGrant, type RunContext } from '../context.js';
import { iso, type GrantRecord } from '../record.js';
import { TOOLS, directoryIdOf, type HarnessTool, type Person } from '../world.js';

/** Clearway has a day (one drift interval) to notice a hand-made change. */
const NOTICE_MS = DAY_MS;

type Listing = { readonly read: true; readonly listed: UnmanagedMembers | undefined } | { readonly read: false; readonly why: string; readonly detail: string };

/**
 * Property 4, once the jobs settled after a sweep, for each directory tool: the group's members
 * in the simulator are exactly the people with an active grant (by the record), plus outsiders an
 * admin added by hand, minus active members an admin took out whose removal drift has not reported
 * yet (once reported, drift puts them back: the world runs with `drift.restoreMissing`). Someone
 * put back by hand after their grant ended may stay for at most a day — unless retention has
 * already pruned their cached identity (their grant ended long ago), in which case Clearway no
 * longer knows who they are and must list them as unmanaged instead. A hand
 * removal is reported as `missing_member` within a day; an outsider added by hand is listed by
 * `listUnmanagedMembers` within a day, and nobody whose grant is active is listed there.
 */
export async function checkMembership(ctx: RunContext): Promise<void> {
  for (const tool of TOOLS) {
    const members = tool.directory === 'manual' ? undefined : ctx.world.groupMembers(tool);
    if (!members) continue;
    const current = new Map<Person, GrantRecord>();
    for (const person of ctx.world.people) {
      const grant = ctx.record.currentGrant(person, tool);
      if (grant) current.set(person, grant);
    }
    const listing = await readListing(ctx, tool);
    await checkGroup(ctx, tool, members, current, listing);
    checkDriftReports(ctx, current);
    checkListing(ctx, tool, current, listing);
  }
}

async function readListing(ctx: RunContext, tool: HarnessTool): Promise<Listing> {
  try {
    return { read: true, listed: await listUnmanagedMembers(ctx.world.deps, tool.id) };
  } catch (error) {
    return { read: false, why: 'listUnmanagedMembers failed', detail: error instanceof Error ? error.message : String(error) };
  }
}

async function checkGroup(ctx: RunContext, tool: HarnessTool, members: ReadonlySet<string>, current: ReadonlyMap<Person, GrantRecord>, listing: Listing): Promise<void> {
  const now = ctx.now();
  const people = new Map(ctx.world.people.map((person) => [directoryIdOf(person, tool), person]));
  // Who must be in, who may be either way; everyone else must be out.
  const mustBeIn = new Map<string, GrantRecord | undefined>();
  const eitherWay = new Set<string>();
  for (const grant of current.values()) {
    const id = directoryIdOf(grant.person, tool);
    const stored = await storedGrant(ctx, grant);
    // Nothing here fails but by a defect: every person exists, every setting is right.
    if (stored?.status === 'provision_failed') reportGrant(ctx, 'membership', 'provisioning failed for good', grant, `${stored.failure?.kind ?? '?'} / ${stored.failure?.code ?? '?'}: ${stored.failure?.message ?? ''}`);
    if (stored?.deprovision === 'failed') reportGrant(ctx, 'membership', 'deprovisioning failed for good', grant, `${stored.failure?.kind ?? '?'} / ${stored.failure?.code ?? '?'}: ${stored.failure?.message ?? ''}`);
    // A grant Clearway ended early or late is reported under ends; its membership follows from that.
    if (grant.diverged !== undefined || stored?.status !== grant.status) eitherWay.add(id);
    else if (grant.status === 'pending_provision') {
      reportGrant(ctx, 'membership', 'still pending provisioning after the jobs settled', grant, `approved ${iso(grant.approvedAt)}`);
      eitherWay.add(id);
    } else if (grant.status === 'active' && (grant.handRemovedAt === undefined || grant.driftReportedAt !== undefined)) mustBeIn.set(id, grant);
  }
  for (const change of ctx.record.handChanges) {
    if (change.tool !== tool) continue;
    const id = directoryIdOf(change.person, tool);
    if (change.kind === 'added_never_granted') mustBeIn.set(id, undefined);
    else if (now < change.at + NOTICE_MS && !mustBeIn.has(id)) eitherWay.add(id);
  }

  for (const id of members) {
    if (mustBeIn.has(id) || eitherWay.has(id)) continue;
    const person = people.get(id);
    const grant = person ? current.get(person) : undefined;
    // A put-back counts when it came after the grant's end (a later grant's own end is its own story).
    const putBack = person ? lastPutBack(ctx, person, tool, grant?.timeline.at(-1)?.at ?? 0) : undefined;
    const renamed = person !== undefined && person.emails.length > 1;
    const identity = person ? await ctx.world.deps.store.get('identity', identityRecordId(tool.connectorId, person.accountId)) : undefined;
    const isListed = listing.read && listing.listed?.members.some((member) => member.id === id) === true;
    // Retention forgot who this directory user is (their grant ended past the retention period): drift can only report them.
    if (putBack !== undefined && !identity?.externalId && isListed) continue;
    // A lapsed exception's grant is judged under its own property: the lapse must really take the user out.
    const lapsed = putBack === undefined && grant?.status === 'revoked' && grant.exception?.closedHow === 'lapsed';
    const what = lapsed
      ? 'exception lapsed, but its user is still in the group after the jobs settled'
      : putBack !== undefined
        ? 'put back by hand after the grant ended, still in the group a day later'
        : grant?.status === 'active'
          ? 'taken out by hand, back in the group before drift reported it'
          : grant
            ? renamed
              ? 'renamed user still in the group after the grant ended'
              : 'still in the group after the grant ended'
            : 'in the group with no grant or hand-made change to explain it';
    const listed = listing.read ? (isListed ? 'listed as unmanaged' : 'not listed as unmanaged') : listing.why;
    const detail = [
      `${person?.accountId ?? id} in ${tool.groupName}`,
      grant ? `grant ${grant.status}, approved end ${iso(grant.end)}` : undefined,
      putBack !== undefined ? `put back ${iso(putBack)}` : undefined,
      renamed && person ? `renamed to ${person.email}` : undefined,
      `cached identity ${identity?.externalId ? 'kept' : 'gone'}`,
      lapsed && grant ? `lapsed ${iso(grant.exception?.closedAt ?? 0)}, Clearway's deprovisioning ${(await storedGrant(ctx, grant))?.deprovision ?? '?'}` : undefined,
      listed,
    ].filter(Boolean).join('; ');
    if (grant) reportGrant(ctx, lapsed ? 'exception-lapse' : 'membership', what, grant, detail);
    else reportSubject(ctx, 'membership', what, `${tool.id}/${person?.accountId ?? id}`, detail);
  }
  for (const [id, grant] of mustBeIn) {
    if (members.has(id)) continue;
    const who = people.get(id)?.accountId ?? id;
    if (!grant) reportSubject(ctx, 'membership', 'added by hand (never granted) but taken out of the group', `${tool.id}/${who}`, `${who} not in ${tool.groupName}`);
    else if (grant.driftReportedAt !== undefined) reportGrant(ctx, 'membership', 'taken out by hand and reported as drift, but not put back', grant, `${who} not in ${tool.groupName}: taken out ${iso(grant.handRemovedAt ?? 0)}, missing_member reported ${iso(grant.driftReportedAt)}; approved end ${iso(grant.end)}`);
    else reportGrant(ctx, 'membership', 'active grant but not in the group', grant, `${who} not in ${tool.groupName}; approved end ${iso(grant.end)}`);
  }
}

function checkDriftReports(ctx: RunContext, current: ReadonlyMap<Person, GrantRecord>): void {
  for (const grant of current.values()) {
    if (grant.diverged !== undefined || grant.status !== 'active' || grant.handRemovedAt === undefined || grant.driftReportedAt !== undefined) continue;
    if (ctx.now() >= grant.handRemovedAt + NOTICE_MS) reportGrant(ctx, 'membership', 'hand removal of an active member not reported as missing_member within a day', grant, `taken out ${iso(grant.handRemovedAt)}`);
  }
}

function checkListing(ctx: RunContext, tool: HarnessTool, current: ReadonlyMap<Person, GrantRecord>, listing: Listing): void {
  const now = ctx.now();
  const due = ctx.record.handChanges.filter((change) => change.tool === tool && change.kind === 'added_never_granted' && now >= change.at + NOTICE_MS);
  if (!listing.read) {
    if (due.length > 0) reportSubject(ctx, 'membership', listing.why, tool.id, `${listing.detail}; ${due.length} hand-added member(s) of ${tool.groupName} could not be looked up`);
    return;
  }
  const listed = listing.listed;
  const ids = new Set(listed?.members.map((member) => member.id) ?? []);
  for (const change of due) {
    if (ids.has(directoryIdOf(change.person, tool))) continue;
    reportSubject(ctx, 'membership', 'added by hand (never granted), not listed by listUnmanagedMembers within a day', `${tool.id}/${change.person.accountId}`, `added ${iso(change.at)}; listing ${listed ? `checked ${iso(listed.checkedAt)}, ${listed.members.length} member(s)` : 'undefined'}`);
  }
  for (const member of listed?.members ?? []) {
    const person = ctx.world.people.find((candidate) => directoryIdOf(candidate, tool) === member.id);
    const grant = person ? current.get(person) : undefined;
    // Active since before the listing was made: its grant explains the member.
    const activeSince = grant?.status === 'active' ? grant.timeline.at(-1)?.at : undefined;
    if (grant && grant.diverged === undefined && activeSince !== undefined && listed && activeSince <= listed.checkedAt) {
      reportGrant(ctx, 'membership', 'listUnmanagedMembers lists a member whose grant is active', grant, `${person?.accountId} listed, checked ${iso(listed.checkedAt)}, active since ${iso(activeSince)}`);
    }
  }
}

function lastPutBack(ctx: RunContext, person: Person, tool: HarnessTool, after: number): number | undefined {
  let at: number | undefined;
  for (const change of ctx.record.handChanges) if (change.kind === 're_added_after_end' && change.person === person && change.tool === tool && change.at >= after) at = change.at;
  return at;
}
