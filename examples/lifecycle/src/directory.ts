/**
 * What happens in the directories behind Clearway's back, done straight to the simulator's
 * records as an IdP admin would in its console: renames, and hand-made group changes.
 */
import { agrees, storedGrant, type RunContext } from './context.js';
import { iso, type GrantRecord } from './record.js';
import { TOOLS, directoryIdOf, type HarnessTool, type Person } from './world.js';

const DIRECTORY_TOOLS = TOOLS.filter((tool) => tool.directory !== 'manual');

function oktaUser(ctx: RunContext, person: Person) {
  return ctx.world.simulator.okta?.users.get(person.oktaId);
}

function entraUser(ctx: RunContext, person: Person) {
  return ctx.world.simulator.graph?.users.get(person.entraId);
}

/**
 * A person's address changes everywhere: Jira, their Okta login and email, their Entra UPN and
 * mail. Chosen among people with a live directory grant, so its revoke or expiry has to find
 * them by the id Clearway cached, not by the address on their request.
 */
export async function renameOne(ctx: RunContext): Promise<void> {
  const live = [...ctx.record.grants.values()].filter((grant) => grant.tool.directory !== 'manual' && grant.status === 'active' && grant.diverged === undefined);
  const grant = await ctx.random.find(live, async (candidate) => agrees(candidate, await storedGrant(ctx, candidate)));
  if (!grant) return;
  const person = grant.person;
  const okta = oktaUser(ctx, person);
  const entra = entraUser(ctx, person);
  if (!okta || !entra) return;
  const [local] = (person.emails[0] ?? person.email).split('@');
  const email = `${local}.renamed${person.emails.length}@example.com`;
  okta.profile.login = email;
  okta.profile.email = email;
  entra.userPrincipalName = email;
  entra.mail = email;
  person.email = email;
  person.emails.push(email);
  person.renamedAt.push(ctx.now());
  ctx.size.renames += 1;
  for (const own of ctx.record.grants.values()) if (own.person === person) own.history.push(`${iso(ctx.now())} renamed in Jira, Okta and Entra to ${email}`);
}

type HandChangeKind = 're_added_after_end' | 'added_never_granted' | 'removed_active';

/**
 * An IdP admin changes a group by hand: puts back someone whose grant ended (and was removed),
 * adds someone who never had a grant for the tool, or takes out someone with an active grant.
 */
export async function outOfBandOne(ctx: RunContext): Promise<void> {
  const tool = ctx.random.pick(DIRECTORY_TOOLS);
  const members = ctx.world.groupMembers(tool);
  if (!members) return;
  const kind = ctx.random.pick<HandChangeKind>(['re_added_after_end', 'added_never_granted', 'removed_active']);
  const now = ctx.now();
  if (kind === 'added_never_granted') {
    const person = await ctx.random.find(ctx.world.people.filter((candidate) => candidate.outsider && !members.has(directoryIdOf(candidate, tool))), () => true);
    if (!person) return;
    members.add(directoryIdOf(person, tool));
    ctx.record.handChanges.push({ kind, person, tool, at: now });
    ctx.size.outOfBand.addedNeverGranted += 1;
    return;
  }
  if (kind === 're_added_after_end') {
    const grant = await findEndedAndRemoved(ctx, tool, members);
    if (!grant) return;
    members.add(directoryIdOf(grant.person, tool));
    ctx.record.handChanges.push({ kind, person: grant.person, tool, at: now, grantId: grant.id });
    grant.history.push(`${iso(now)} an admin put ${grant.person.accountId} back in the group by hand`);
    ctx.size.outOfBand.reAddedAfterEnd += 1;
    return;
  }
  const active = [...ctx.record.grants.values()].filter(
    (grant) => grant.tool === tool && grant.status === 'active' && grant.end > now && grant.handRemovedAt === undefined && grant.diverged === undefined && members.has(directoryIdOf(grant.person, tool)),
  );
  const grant = await ctx.random.find(active, async (candidate) => agrees(candidate, await storedGrant(ctx, candidate)));
  if (!grant) return;
  members.delete(directoryIdOf(grant.person, tool));
  grant.handRemovedAt = now;
  grant.history.push(`${iso(now)} an admin took ${grant.person.accountId} out of the group by hand`);
  ctx.size.outOfBand.removedActive += 1;
}

/** Someone whose latest grant for the tool ended and whose removal is done, not in the group, with nothing open. */
async function findEndedAndRemoved(ctx: RunContext, tool: HarnessTool, members: Set<string>): Promise<GrantRecord | undefined> {
  const latest = ctx.world.people.map((person) => ctx.record.currentGrant(person, tool)).filter((grant): grant is GrantRecord => grant !== undefined);
  const ended = latest.filter(
    (grant) => (grant.status === 'expired' || grant.status === 'revoked') && grant.diverged === undefined && !members.has(directoryIdOf(grant.person, tool)) && !ctx.record.hasOpenClaim(grant.person, tool),
  );
  return ctx.random.find(ended, async (grant) => {
    const stored = await storedGrant(ctx, grant);
    return agrees(grant, stored) && stored?.deprovision === 'done';
  });
}
