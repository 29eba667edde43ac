/**
 * The main job's work-linked access steps: an admin adds a policy (incidents in progress give their
 * assignee ChatGPT, through Okta, for at most 12 hours); Jira's events move the access with the
 * work — start, reassignment, resolution — however often and in whatever order they arrive; the
 * scheduled sweep puts right what events cannot (a membership changed by hand, work that was under
 * way before the policy, the maximum duration); the issue carries the internal notes.
 */
import {
  currentGovernance,
  handleWorkEvent,
  iterateQuery,
  listUnmanagedMembers,
  listWorkLinks,
  previewWorkPolicy,
  runLifecycleSweeps,
  saveWorkPolicy,
  updateGovernance,
  type Actor,
  type AuditEvent,
  type Grant,
  type WorkOutcome,
  type WorkPolicyInput,
} from '@clearway/core';
import type { IdpSimulator } from '@clearway/idp-simulator';
import { PEOPLE } from '../simulator-seed.js';
import { table, type Story } from '../story.js';
import type { SandboxWorkDeps } from '../world.js';
import type { SiteEvent } from './site.js';

const TOOL_ID = 'chatgpt-enterprise';
const GROUP_NAME = 'AI - ChatGPT Enterprise';
const HOUR_MS = 3_600_000;

export interface WorkStepsContext {
  readonly story: Story;
  readonly deps: SandboxWorkDeps;
  readonly simulator: IdpSimulator;
  readonly admin: Actor;
  readonly approver: Actor;
  /** Runs the fulfillment engine until its queue is empty; answers how many jobs it ran. */
  readonly drain: () => Promise<{ succeeded: number; retrying: number; failed: number }>;
  readonly nameOf: (accountId: string) => string;
}

export async function workLinkedSteps({ story, deps, simulator, admin, approver, drain, nameOf }: WorkStepsContext): Promise<void> {
  const site = deps.issues;
  const issues: Record<'checkout' | 'token' | 'search' | 'ops', string> = { checkout: '', token: '', search: '', ops: '' };
  const delivered: SiteEvent[] = [];
  const grantIds: Record<string, string> = {};

  /** Delivers events as the Forge trigger would (each once, in the order given); answers what they changed. */
  const deliver = async (deliveries: readonly SiteEvent[]) => {
    const total = { started: 0, ended: 0, awaiting: 0, covered: 0, unchanged: 0, ignored: 0 };
    for (const delivery of deliveries) {
      const outcome: WorkOutcome & { ignored?: string } = await handleWorkEvent(deps, delivery.event);
      total.started += outcome.started;
      total.ended += outcome.ended;
      total.awaiting += outcome.awaiting;
      total.covered += outcome.covered;
      total.unchanged += outcome.unchanged;
      if (outcome.ignored) total.ignored += 1;
      delivered.push(delivery);
    }
    return total;
  };
  const oktaGroup = () => simulator.okta!.findGroupByName(GROUP_NAME)!;
  const oktaId = (who: 'ben' | 'chen' | 'dev' | 'eve') => simulator.okta!.findUser(PEOPLE[who].email)!.id;
  const inGroup = (who: 'ben' | 'chen' | 'dev' | 'eve') => oktaGroup().members.has(oktaId(who));
  const grantOf = async (issueKey: string, accountId: string): Promise<Grant | undefined> => {
    const issue = site.issue(issueKey);
    const links = issue ? (await listWorkLinks(deps, { issueId: issue.id }, { limit: 20 })).items : [];
    const grantId = links.find((link) => link.accountId === accountId)?.grantId;
    return grantId === undefined ? undefined : deps.store.get('grant', grantId);
  };
  const lastSeq = async () => (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items[0]?.seq ?? 0;
  const eventsSince = async (seq: number): Promise<AuditEvent[]> => {
    const events: AuditEvent[] = [];
    for await (const event of iterateQuery(deps.store, 'audit', 'bySeq', { partition: [], range: { gt: seq }, limit: 100 })) events.push(event);
    return events;
  };
  const describeGrant = (grant: Grant | undefined) => (grant?.work ? `linked to ${grant.work.links.map((link) => link.issueKey).join(', ')}; ends: ${grant.work.endsWhen}` : 'no work-linked grant');

  await story.step('An admin adds a work-linked access policy: an incident in progress gives its assignee ChatGPT, for at most 12 hours', async () => {
    // Work already in Jira before the policy: an open incident (Chen's), a task under investigation
    // with nobody on it, and a search outage Eve has been investigating since before the policy existed.
    issues.checkout = site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Checkout answers 502 for EU customers', assignee: PEOPLE.chen.accountId, reporter: PEOPLE.ana.accountId });
    issues.token = site.create({ projectKey: 'INC', issueType: 'Task', summary: 'Rotate the leaked staging token', status: 'Investigating', reporter: PEOPLE.ana.accountId });
    issues.search = site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Search results are empty for some tenants', status: 'Investigating', assignee: PEOPLE.eve.accountId, reporter: PEOPLE.ben.accountId });
    const before = await deliver(site.takeEvents());
    story.expect('events before any policy are ignored, without a Jira call', before.ignored === 3 && site.calls.read === 0, `${before.ignored} ignored, ${site.calls.read} reads`);

    // The admin's status picker: the statuses INC's workflows use, with their categories.
    const statuses = await site.projectStatuses('INC');
    story.note(`INC statuses: ${statuses.map((status) => `${status.name} (${status.categoryKey})`).join(', ')}`);
    const live = statuses.filter((status) => status.name === 'In Progress' || status.name === 'Investigating');
    const input: WorkPolicyInput = {
      name: 'On-call incidents get ChatGPT',
      projectKey: 'INC',
      statusIds: live.map((status) => status.id),
      statusNames: Object.fromEntries(live.map((status) => [status.id, status.name])),
      subject: { kind: 'assignee' },
      toolId: TOOL_ID,
      maxDurationHours: 12,
      approval: 'automatic',
    };
    await story.expectRefusal('a policy live in the Done category is refused', saveWorkPolicy(deps, admin, { ...input, categoryKeys: ['done'] }), 'validation_failed');
    await story.expectRefusal('only an admin may add one', saveWorkPolicy(deps, approver, input), 'forbidden');

    const preview = await previewWorkPolicy(deps, admin, input);
    console.log(`\n${table(['preview: open issue', 'status', 'people', 'would'], preview.items.map((item) => [item.issueKey, item.statusName, item.accountIds.map(nameOf).join(', ') || '—', item.outcome === 'none' ? `none (${item.reason ?? ''})` : item.outcome]))}`);
    const byKey = new Map(preview.items.map((item) => [item.issueKey, item]));
    story.expect(
      `the preview: ${issues.search} would grant Eve now; ${issues.token} names nobody; ${issues.checkout} (Open) is not live`,
      byKey.get(issues.search)?.outcome === 'grant' && byKey.get(issues.search)?.accountIds.join() === PEOPLE.eve.accountId && byKey.get(issues.token)?.outcome === 'none' && !byKey.has(issues.checkout) && !preview.more,
    );
    const saved = await saveWorkPolicy(deps, admin, input);
    story.expect('the policy is saved as version 1, enabled, automatic, 12 hours at most', saved.enabled && saved.approval === 'automatic' && saved.maxDurationHours === 12, saved.id);
    story.expect('saving grants nothing by itself: the next event or sweep does', (await grantOf(issues.search, PEOPLE.eve.accountId)) === undefined && !inGroup('eve'));
  });

  await story.step(`The checkout incident moves to In Progress: Chen, its assignee, gets ChatGPT through Okta`, async () => {
    site.transition(issues.checkout, 'In Progress');
    const outcome = await deliver(site.takeEvents());
    story.expect('the event starts one link (the handler read the issue as it is now)', outcome.started === 1, JSON.stringify(outcome));
    await drain();
    const grant = await grantOf(issues.checkout, PEOPLE.chen.accountId);
    grantIds.chen = grant?.id ?? '';
    story.expect("Chen's work grant is active", grant?.status === 'active', grant?.status);
    story.expect('the simulator has Chen in the Okta group', inGroup('chen'));
    const request = grant ? await deps.store.get('request', grant.requestId) : undefined;
    story.expect(
      'decided by the policy: source work, with the policy version and the issue key',
      request?.decision?.source === 'work' && request.decision.workPolicyVersion === 1 && request.issueKey === issues.checkout,
      request?.decision?.rationale,
    );
    const deadline = grant?.work?.links[0]?.deadline ?? 0;
    story.expect('it ends with the work, at the latest 12 hours from now', Math.abs(deadline - (deps.clock.now() + 12 * HOUR_MS)) < 5 * 60_000 && grant?.expiresAt === deadline);
    story.note(`grant ${grant?.id}: ${describeGrant(grant)}`);
  });

  await story.step('Reassigned to Dev: the access moves (Chen out of the group, Dev in)', async () => {
    site.assign(issues.checkout, PEOPLE.dev.accountId);
    const deliveries = site.takeEvents();
    story.expect('Jira sends two events for one assignment: assigned and updated', deliveries.map((delivery) => delivery.name.split(':')[2]).join(',') === 'assigned,updated');
    const outcome = await deliver(deliveries);
    story.expect("the first ends Chen's link and starts Dev's; the second changes nothing", outcome.started === 1 && outcome.ended === 1, JSON.stringify(outcome));
    await drain();
    const chen = await deps.store.get('grant', grantIds.chen!);
    const dev = await grantOf(issues.checkout, PEOPLE.dev.accountId);
    grantIds.dev = dev?.id ?? '';
    story.expect("Chen's grant is revoked by Clearway's work-linked access and deprovisioned", chen?.status === 'revoked' && chen.endedBy === 'clearway:work' && chen.deprovision === 'done', `${chen?.status}/${chen?.deprovision}: ${chen?.endReason}`);
    story.expect("Dev's grant is active", dev?.status === 'active', dev?.status);
    story.expect('the Okta group: Chen out, Dev in', !inGroup('chen') && inGroup('dev'));
    story.note(`grant ${dev?.id}: ${describeGrant(dev)}`);
  });

  await story.step('The same events delivered again, twice, out of order and late change nothing', async () => {
    const seq = await lastSeq();
    const readsBeforeReplay = site.calls.read;
    const again = delivered.filter((delivery) => delivery.event.issueKey === issues.checkout).reverse();
    const replayed = await deliver([...again, ...again]);
    issues.ops = site.create({ projectKey: 'OPS', issueType: 'Task', summary: 'Patch the build agents' });
    site.transition(issues.ops, 'Doing');
    const readsBeforeOps = site.calls.read;
    const other = await deliver(site.takeEvents());
    const engine = await drain();
    const changes = (await eventsSince(seq)).filter((event) => /^(work|grant|request)\./.test(event.type));
    story.expect(`${again.length * 2} redeliveries (every event of ${issues.checkout} so far, newest first, twice): nothing started or ended`, replayed.started === 0 && replayed.ended === 0, `${replayed.unchanged} unchanged`);
    story.expect('no new work.*, grant.* or request.* audit events, and no job for the engine', changes.length === 0 && engine.succeeded === 0, changes.map((event) => event.type).join(', ') || undefined);
    story.expect('the Okta group is as it was: Dev in, Chen out', inGroup('dev') && !inGroup('chen'));
    story.expect('each redelivery read the issue from Jira (it acts on the issue as it is, not on the event)', readsBeforeOps - readsBeforeReplay === again.length * 2, `${readsBeforeOps - readsBeforeReplay} reads`);
    story.expect(`events of ${issues.ops} (a project no policy names) are ignored without a Jira call`, other.ignored === 2 && site.calls.read === readsBeforeOps);
  });

  await story.step("The incident is resolved: Dev's access is revoked and he leaves the group", async () => {
    const inProgress = delivered.find((delivery) => delivery.event.issueKey === issues.checkout && delivery.event.enteredStatusId !== undefined)!;
    site.transition(issues.checkout, 'Resolved');
    const outcome = await deliver(site.takeEvents());
    story.expect('the event ends one link', outcome.ended === 1 && outcome.started === 0, JSON.stringify(outcome));
    await drain();
    const dev = await deps.store.get('grant', grantIds.dev!);
    story.expect("Dev's grant is revoked (the issue was resolved) and deprovisioned", dev?.status === 'revoked' && dev.deprovision === 'done' && (dev.endReason ?? '').includes('resolved'), dev?.endReason);
    story.expect('Dev is out of the Okta group', !inGroup('dev'));
    const late = await deliver([inProgress]);
    story.expect('the old "entered In Progress" event arriving late now starts nothing: the issue is resolved', late.started === 0 && !inGroup('dev'));
  });

  await story.step('Drift: someone puts Dev back in the Okta group by hand, and adds Ben; the scheduled sweep puts it right (and picks up work under way before the policy)', async () => {
    const { rules } = await currentGovernance(deps.store);
    if (!rules.drift.deprovisionUnexpected) await updateGovernance(deps, admin, { note: 'remove members whose grant ended', rules: { ...rules, drift: { ...rules.drift, deprovisionUnexpected: true } } });
    simulator.okta!.addMemberOutOfBand(oktaGroup().id, oktaId('dev'));
    simulator.okta!.addMemberOutOfBand(oktaGroup().id, oktaId('ben'));
    story.expect('Dev is in the group again, though his work ended; Ben, who never had ChatGPT, too', inGroup('dev') && inGroup('ben'));
    const report = await runLifecycleSweeps(deps, { deadline: deps.clock.now() + 120_000 });
    story.note(`sweep: work-linked ${JSON.stringify(report.workLinked)}, ${report.driftChecksQueued} drift job(s) queued, ${report.recertificationsOpened} review issue(s) opened${report.deferred.length > 0 ? `, deferred: ${report.deferred.join(', ')}` : ''}`);
    story.expect(`the work-linked sweep found ${issues.search} (Eve, investigating since before the policy: no event will come) and started her access`, report.workLinked?.started === 1, JSON.stringify(report.workLinked));
    await drain();
    await drain();
    const dev = await deps.store.get('grant', grantIds.dev!);
    story.expect("the group's reconciliation found Dev, whose grant ended: drift recorded, and he is removed again", dev?.drift?.kind === 'unexpected_member' && !inGroup('dev'), dev?.drift?.kind);
    const eve = await grantOf(issues.search, PEOPLE.eve.accountId);
    grantIds.eve = eve?.id ?? '';
    story.expect("Eve's work grant is active and she is in the group", eve?.status === 'active' && inGroup('eve'));
    const reported = (await listUnmanagedMembers(deps, TOOL_ID))?.members.map((member) => member.login ?? member.id) ?? [];
    story.expect('Ben, whom no grant explains (his ChatGPT request was denied), is reported, not removed: he may be managed elsewhere', reported.includes(PEOPLE.ben.email) && inGroup('ben'), reported.join(', '));
    // Drift after the sweep: members neither holding an active grant nor reported, and active grants without their member.
    const holders = new Set<string>();
    for await (const grant of iterateQuery(deps.store, 'grant', 'byTool', { partition: [TOOL_ID, 'active'], limit: 100 })) holders.add(grant.requesterAccountId);
    const members = [...oktaGroup().members].map((id) => simulator.okta!.findUser(id)?.profile.login ?? id);
    const holderLogins: string[] = [...holders].map((accountId) => Object.values(PEOPLE).find((person) => person.accountId === accountId)).map((person) => (person && 'email' in person ? person.email : person?.oktaLogin) ?? '');
    const drift = members.filter((login) => !holderLogins.includes(login) && !reported.includes(login)).length + holderLogins.filter((login) => !members.includes(login)).length;
    story.expect('drift after the sweep: 0 (every member holds an active grant or is reported; every active grant has its member)', drift === 0, `members: ${members.join(', ')}`);
    const second = await runLifecycleSweeps(deps, { deadline: deps.clock.now() + 120_000 });
    story.expect('a second sweep right after changes nothing, and opens no review-before-expiry issue for a work grant (it ends with its work)', second.workLinked?.started === 0 && second.workLinked.ended === 0 && second.recertificationsOpened === 0, JSON.stringify(second.workLinked));
  });

  await story.step('12 hours later: the maximum duration ends Eve’s access though the work goes on; when the work moves on, it starts again', async () => {
    deps.clock.advance(12 * HOUR_MS + 60_000);
    const report = await runLifecycleSweeps(deps, { deadline: deps.clock.now() + 120_000 });
    story.expect('the sweep ends her link at its maximum duration', report.workLinked?.ended === 1, JSON.stringify(report.workLinked));
    await drain();
    const eve = await deps.store.get('grant', grantIds.eve!);
    story.expect("Eve's grant is revoked and she is out of the group", eve?.status === 'revoked' && !inGroup('eve') && (eve.endReason ?? '').includes('maximum duration'), eve?.endReason);
    const again = await runLifecycleSweeps(deps, { deadline: deps.clock.now() + 120_000 });
    story.expect(`${issues.search} is still investigating, but the next sweep does not grant again`, again.workLinked?.started === 0 && !inGroup('eve'));
    site.transition(issues.search, 'In Progress');
    const moved = await deliver(site.takeEvents());
    await drain();
    const renewed = await grantOf(issues.search, PEOPLE.eve.accountId);
    story.expect('it moves to In Progress (the work began again): a new grant, and Eve is in the group', moved.started === 1 && renewed?.status === 'active' && renewed.id !== grantIds.eve && inGroup('eve'), JSON.stringify(moved));
    site.transition(issues.search, 'Closed');
    const closed = await deliver(site.takeEvents());
    await drain();
    story.expect('closed: her access ends, and the group holds no one from the incidents', closed.ended === 1 && !inGroup('eve') && !inGroup('dev') && !inGroup('chen'));
  });

  await story.step('The issues show what happened (internal notes only); the grants show their linked issue and what ended them', async () => {
    const checkout = deps.jira.issues[issues.checkout];
    const notes = checkout?.internalNotes ?? [];
    for (const note of notes) story.note(`${issues.checkout} internal note: ${note}`);
    story.expect(
      `${issues.checkout} has four internal notes: Chen's access started and ended (reassigned), Dev's started and ended (resolved)`,
      notes.length === 4 && notes[0]!.includes(`${PEOPLE.chen.displayName} (the assignee)`) && notes[1]!.includes('moved to someone else') && notes[2]!.includes(`${PEOPLE.dev.displayName} (the assignee)`) && notes[3]!.includes('resolved'),
    );
    story.expect('nothing was posted where a customer reads', (checkout?.comments.length ?? -1) === 0);
    const search = deps.jira.issues[issues.search]?.internalNotes ?? [];
    story.expect(`${issues.search} notes the maximum duration`, search.some((note) => note.includes('maximum duration')), `${search.length} notes`);
    const rows: string[][] = [];
    for (const id of Object.values(grantIds)) {
      const grant = await deps.store.get('grant', id);
      if (grant) rows.push([nameOf(grant.requesterAccountId), grant.work?.links.map((link) => link.issueKey).join(', ') ?? '', grant.status, grant.endReason ?? grant.work?.endsWhen ?? '']);
    }
    const renewed = await grantOf(issues.search, PEOPLE.eve.accountId);
    if (renewed) rows.push([nameOf(renewed.requesterAccountId), renewed.work?.links.map((link) => link.issueKey).join(', ') ?? '', renewed.status, renewed.endReason ?? '']);
    console.log(`\n${table(['work grant of', 'linked issue', 'status', 'ended by / ends when'], rows)}`);
    story.expect('every work grant names its linked issue', rows.length === 4 && rows.every((row) => row[1] !== ''));
  });
}
