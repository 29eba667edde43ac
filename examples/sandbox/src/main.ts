/**
 * The local sandbox: Clearway's whole access lifecycle, end to end, against the embedded store
 * and the IdP simulator, with the real Okta and Entra providers talking HTTPS to it. Every step
 * says what it does and checks that it did; the process exits non-zero if any check failed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DAY_MS,
  DEFAULT_GOVERNANCE_RULES,
  anchorEvidenceExport,
  auditMacKey,
  bulkDecide,
  completeManualTask,
  createConnector,
  currentGovernance,
  decide,
  exceptionReport,
  expireDueGrants,
  extendGrant,
  initializeClearway,
  listFailedJobs,
  listManualTasks,
  listUnmanagedMembers,
  openRecertifications,
  retryFailedJob,
  reviewException,
  revokeGrant,
  saveTool,
  scheduleDriftChecks,
  seedCatalog,
  setEvidenceAnchorIssue,
  setIdentityMapping,
  submitRequest,
  sweepExceptions,
  testConnector,
  updateGovernance,
  verifyAuditLog,
  verifyEvidence,
  viewGrant,
  type Actor,
  type FulfillmentEngine,
  type Grant,
} from '@clearway/core';
import { writeEvidencePack } from './evidence-pack.js';
import { paths } from './paths.js';
import { sandboxEngine, withProviders } from './providers.js';
import { PEOPLE, STAFF, simulatorConnectors } from './simulator-seed.js';
import { Story, bold, dim, green, red, table } from './story.js';
import { gatewaySteps } from './gateway/steps.js';
import { workLinkedSteps } from './work/steps.js';
import { freshSandbox } from './world.js';

const admin: Actor = STAFF.admin;
const approver: Actor = STAFF.approver;
const person = (key: keyof typeof PEOPLE): Actor => PEOPLE[key];
const NAMES: Record<string, string> = Object.fromEntries([admin, approver, ...Object.values(PEOPLE)].map((actor) => [actor.accountId, actor.displayName ?? actor.accountId]));
const nameOf = (accountId: string) => NAMES[accountId] ?? (accountId.startsWith('clearway:') ? 'Clearway' : accountId);

const { deps, simulator } = await freshSandbox();
const connectorDeps = withProviders(deps);
const engine: FulfillmentEngine = sandboxEngine(deps, { workerId: 'sandbox', retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 5_000 } });
const start = deps.clock.now();
const story = new Story(deps, 32, start, nameOf);
const grants: Record<string, string> = {};
let issueCount = 0;

console.log(bold('Clearway sandbox — the whole AI-tool access lifecycle, locally'));
console.log(dim(`  IdP simulator  ${simulator.url}  (Okta org, Microsoft Graph + Entra sign-in, over TLS)`));
console.log(dim(`  store          ${paths.store}  (fresh)`));

/** Opens a JSM issue and submits the portal request on it, as the portal panel would. */
async function ask(who: keyof typeof PEOPLE, toolId: string, durationDays = 30, purpose = 'Day-to-day work on the product team') {
  issueCount += 1;
  const issueKey = deps.jira.openRequestIssue('AIR', `Access to ${toolId} for ${PEOPLE[who].displayName}`);
  try {
    return await submitRequest(deps, person(who), { issueKey, projectKey: 'AIR', portalId: '1', requestTypeId: '10', toolId, purpose, durationDays });
  } catch (error) {
    // As the Forge app's intake does: the requester learns on the issue why nothing happens.
    await deps.jira.comment(issueKey, `Clearway did not take this request in: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/** Runs the engine until no job is due, sleeping (for real) through short retry waits. */
async function drain(limitMs = 60_000) {
  const until = Date.now() + limitMs;
  const totals = { succeeded: 0, retrying: 0, failed: 0, awaitingManual: 0 };
  while (Date.now() < until) {
    const summary = await engine.runDueJobs({ deadline: deps.clock.now() + 20_000 });
    totals.succeeded += summary.succeeded;
    totals.retrying += summary.retrying;
    totals.failed += summary.failed;
    totals.awaitingManual += summary.awaitingManual;
    if (summary.redispatchAfterMs === undefined) return totals;
    await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(summary.redispatchAfterMs ?? 0, 50), 5_000)));
  }
  story.fail('the engine did not finish its queue within a minute');
  return totals;
}

const grant = async (key: string): Promise<Grant | undefined> => (grants[key] ? deps.store.get('grant', grants[key]) : undefined);

await story.step('Set up: governance, connectors (tested), catalog', async () => {
  await initializeClearway(deps);
  await updateGovernance(deps, admin, {
    note: 'sandbox defaults',
    rules: {
      ...DEFAULT_GOVERNANCE_RULES,
      intake: { projectKey: 'AIR', portalId: '1', requestTypeIds: ['10'], recertIssueTypeId: '10050' },
      approvers: { byProject: {}, default: [approver.accountId], securityReviewers: [approver.accountId], adminFallback: true, delegations: [] },
      autoApproval: [{ id: 'engineering-chatgpt', name: 'Engineering gets ChatGPT', scope: { projectKeys: ['AIR'], toolIds: ['chatgpt-enterprise'] }, autoApprove: true, allowedGroups: ['engineering'], maxDurationDays: 30 }],
      reviewWindowDays: 7,
      // Medium risk (ChatGPT, Claude) may be granted 45 days; one exception per medium-risk tool at a time.
      riskRules: { ...DEFAULT_GOVERNANCE_RULES.riskRules, medium: { ...DEFAULT_GOVERNANCE_RULES.riskRules.medium, maxDurationDays: 45 } },
      exceptions: { ...DEFAULT_GOVERNANCE_RULES.exceptions, openLimits: { ...DEFAULT_GOVERNANCE_RULES.exceptions.openLimits, medium: 1 } },
    },
  });
  const { rules } = await currentGovernance(deps.store);
  const stranger = updateGovernance(deps, admin, { rules: { ...rules, approvers: { ...rules.approvers, default: [approver.accountId, 'jira-nobody'] } } });
  await story.expectRefusal('Governance refuses an approver the Jira site does not know', stranger, 'validation_failed');
  const connectors = simulatorConnectors(simulator.url);
  await createConnector(connectorDeps, admin, { id: 'okta-sim', providerType: 'okta-group', name: 'Okta (simulator)', settings: connectors['okta-group'].settings, secrets: connectors['okta-group'].secrets });
  await createConnector(connectorDeps, admin, { id: 'entra-sim', providerType: 'entra-group', name: 'Microsoft Entra (simulator)', settings: connectors['entra-group'].settings, secrets: connectors['entra-group'].secrets });
  // The third-party example provider (examples/scim-group), registered with one line like the others.
  await createConnector(connectorDeps, admin, { id: 'scim-sim', providerType: 'scim-group', name: 'SCIM 2.0 directory (simulator)', settings: connectors['scim-group'].settings, secrets: connectors['scim-group'].secrets });
  for (const id of ['okta-sim', 'entra-sim', 'scim-sim']) {
    const result = await testConnector(connectorDeps, admin, id);
    story.expect(`Test connection: ${id}`, result.ok, result.checks.map((check) => `${check.passed ? '✓' : '✗'} ${check.name}`).join(', '));
  }
  const seeded = await seedCatalog(deps, admin);
  story.note(`seeded ${seeded.added.length} common AI tools (manual fulfillment until bound)`);
  const tools = [
    { id: 'chatgpt-enterprise', connectorId: 'okta-sim', group: { name: 'AI - ChatGPT Enterprise', createIfMissing: true } },
    { id: 'github-copilot-business', connectorId: 'entra-sim', group: { name: 'AI - GitHub Copilot' } },
    { id: 'claude-enterprise', connectorId: 'scim-sim', group: { name: 'AI - Claude', createIfMissing: true } },
  ];
  for (const binding of tools) {
    const current = (await deps.store.get('tool', binding.id))!;
    await saveTool(deps, admin, { id: current.id, name: current.name, vendor: current.vendor, status: current.status, riskLevel: current.riskLevel, defaultDurationDays: 30, maxDurationDays: 90, guidance: current.guidance, ...(current.url !== undefined && { url: current.url }), fulfillment: { connectorId: binding.connectorId, group: binding.group } });
  }
  const bound = await Promise.all(['chatgpt-enterprise', 'github-copilot-business', 'claude-enterprise', 'midjourney'].map((id) => deps.store.get('tool', id)));
  story.expect('one tool per fulfillment mode: okta-group, entra-group, scim-group, manual', bound.map((tool) => tool?.fulfillment.connectorId).join(',') === 'okta-sim,entra-sim,scim-sim,manual');
});

await story.step('Requests come in from the portal; a duplicate is refused', async () => {
  const ana = await ask('ana', 'chatgpt-enterprise', 30, 'Drafting release notes and support macros');
  grants.anaChatgpt = ana.grant?.id ?? '';
  story.expect("Ana's ChatGPT request is auto-approved (engineering policy)", ana.autoApproved);
  await story.expectRefusal("Ana's second ChatGPT request is refused as a duplicate", ask('ana', 'chatgpt-enterprise'), 'duplicate_request');
  for (const who of ['ben', 'chen', 'dev'] as const) await ask(who, 'github-copilot-business', 30, 'Pair programming on the billing service');
  await ask('ben', 'chatgpt-enterprise', 30, 'Summarising sales calls');
  await ask('chen', 'claude-enterprise', 30, 'Reviewing design documents');
  await ask('eve', 'midjourney', 30, 'Campaign mood boards');
  await ask('ghost', 'chatgpt-enterprise', 14, 'Contract work on the data pipeline');
  await ask('hana', 'chatgpt-enterprise', 30, 'Reconciling vendor invoices');
  const taken = await deps.store.query('request', 'all', { partition: [], limit: 100 });
  story.expect(`${issueCount} portal requests: ${taken.items.length} taken in, the duplicate refused`, taken.items.length === issueCount - 1);
});

await story.step('Approvers decide: a bulk approval, a denial, single approvals', async () => {
  const pending = await deps.store.query('request', 'byStatus', { partition: ['pending'], limit: 50 });
  const copilot = pending.items.filter((request) => request.toolId === 'github-copilot-business');
  const results = await bulkDecide(deps, approver, { requestIds: copilot.map((request) => request.id), outcome: 'approved', rationale: 'Engineering pilot of Copilot' });
  story.expect('bulk approval of 3 Copilot requests', results.length === 3 && results.every((result) => result.ok));
  for (const result of results) if (result.ok && result.result.grant) grants[`${result.result.request.requesterAccountId.replace('jira-', '')}Copilot`] = result.result.grant.id;
  const benChatgpt = pending.items.find((request) => request.requesterAccountId === PEOPLE.ben.accountId && request.toolId === 'chatgpt-enterprise')!;
  const denied = await decide(deps, approver, { requestId: benChatgpt.id, outcome: 'denied', rationale: 'Sales uses the shared assistant' });
  story.expect("Ben's ChatGPT request is denied, no grant", denied.request.status === 'denied' && denied.grant === undefined);
  await story.expectRefusal('Eve cannot approve her own request', decide(deps, { ...person('eve'), isAdmin: true }, { requestId: pending.items.find((request) => request.requesterAccountId === PEOPLE.eve.accountId)!.id, outcome: 'approved', rationale: 'mine' }), 'self_approval');
  for (const [who, toolId, key] of [['eve', 'midjourney', 'eveMidjourney'], ['ghost', 'chatgpt-enterprise', 'ghostChatgpt'], ['chen', 'claude-enterprise', 'chenClaude'], ['hana', 'chatgpt-enterprise', 'hanaChatgpt']] as const) {
    const request = pending.items.find((candidate) => candidate.requesterAccountId === PEOPLE[who].accountId && candidate.toolId === toolId)!;
    const decided = await decide(deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'Approved for the quarter' });
    grants[key] = decided.grant?.id ?? '';
  }
  const waiting = await Promise.all(Object.values(grants).map((id) => deps.store.get('grant', id)));
  story.expect('every approved grant, the auto-approved one included, waits for provisioning', waiting.every((item) => item?.status === 'pending_provision'));
});

await story.step('Provisioning through the real providers, with a 429 and a 503 injected', async () => {
  simulator.failNext({ vendor: 'okta', method: 'PUT', status: 429, retryAfterSeconds: 1 });
  simulator.failNext({ vendor: 'graph', method: 'PATCH', status: 503 });
  const totals = await drain();
  story.note(`engine: ${totals.succeeded} succeeded, ${totals.retrying} retried, ${totals.failed} failed, ${totals.awaitingManual} waiting for a person`);
  const calls = simulator.calls;
  story.expect('the 429 and the 503 were answered and retried', calls.some((call) => call.status === 429) && calls.some((call) => call.status === 503) && totals.retrying >= 2);
  for (const key of ['anaChatgpt', 'benCopilot', 'chenCopilot', 'devCopilot', 'chenClaude']) {
    const item = await grant(key);
    story.expect(`${key.replace(/([A-Z])/, ' $1')} is active`, item?.status === 'active', item?.status);
  }
  const claude = simulator.scim?.findGroupByName('AI - Claude');
  const chenScim = simulator.scim?.findUser(PEOPLE.chen.email);
  story.expect('the simulator has Chen in the SCIM group Clearway created', Boolean(claude && chenScim && claude.members.has(chenScim.id)));
  const oktaGroup = simulator.okta?.findGroupByName('AI - ChatGPT Enterprise');
  const anaOkta = simulator.okta?.findUser(PEOPLE.ana.email);
  story.expect('the simulator has Ana in the Okta group Clearway created', Boolean(oktaGroup && anaOkta && oktaGroup.members.has(anaOkta.id)));
  const graphGroup = simulator.graph?.findGroupByName('AI - GitHub Copilot');
  story.expect('the simulator has Ben, Chen and Dev in the Entra group', graphGroup?.members.size === 3);
  const adds = simulator.effects('member_added');
  story.expect('no membership was added twice', new Set(adds.map((effect) => `${effect.groupId}/${effect.userId}`)).size === adds.length, `${adds.length} adds`);
  const ghost = await grant('ghostChatgpt');
  story.expect("Ghost's grant failed terminally (unknown in Okta) and shows why", ghost?.status === 'provision_failed' && ghost.failure?.code === 'identity_not_found', ghost?.failure?.code);
  const ghostIssue = ghost ? deps.jira.issues[ghost.issueKey] : undefined;
  story.expect('the failure went to the team as an internal note on the Jira issue', Boolean(ghostIssue?.internalNotes?.some((note) => note.includes('needs an admin'))));
  story.expect('the requester was told what happens next, without provider details', Boolean(ghostIssue?.comments.some((comment) => comment.startsWith('Setting up your access')) && !ghostIssue?.comments.some((comment) => comment.includes('identity_'))));
  const eve = await grant('eveMidjourney');
  story.expect("Eve's Midjourney grant waits for a person (manual fulfillment)", eve?.status === 'pending_provision');
});

await story.step('Hana hides her email: the admin maps her Jira account, then retries', async () => {
  const hanaOkta = simulator.okta!.findUser(PEOPLE.hana.oktaLogin)!;
  const oktaCallsForHana = () => simulator.calls.filter((call) => call.vendor === 'okta' && [hanaOkta.id, PEOPLE.hana.oktaLogin].some((key) => decodeURIComponent(call.path).includes(key)));
  const failed = await grant('hanaChatgpt');
  story.expect("Hana's grant failed terminally: Okta needs an identity mapping for her", failed?.status === 'provision_failed' && failed.failure?.code === 'identity_mapping_required', failed?.failure?.code);
  story.expect('no Okta call was made for her', oktaCallsForHana().length === 0, `${oktaCallsForHana().length} calls`);
  story.expect('the failure tells the admin to map this Jira user, and where', Boolean(failed?.failure?.message.startsWith('Map this Jira user:') && failed.failure.message.includes('Connectors → Okta (simulator) → Identity mappings')), failed?.failure?.message);
  await setIdentityMapping(connectorDeps, admin, { connectorId: 'okta-sim', accountId: PEOPLE.hana.accountId, externalId: PEOPLE.hana.oktaLogin });
  const job = (await listFailedJobs(deps)).items.find((candidate) => candidate.grantId === grants.hanaChatgpt);
  if (job) await retryFailedJob(deps, admin, job.id);
  story.expect('the admin retries her failed fulfillment', job !== undefined && (await grant('hanaChatgpt'))?.status === 'pending_provision');
  await drain();
  const item = await grant('hanaChatgpt');
  story.expect('hana Chatgpt is active, through the mapping', item?.status === 'active', item?.status);
  const oktaGroup = simulator.okta!.findGroupByName('AI - ChatGPT Enterprise')!;
  story.expect('the simulator has Hana in the Okta group', oktaGroup.members.has(hanaOkta.id), `${oktaCallsForHana().length} Okta calls for her now`);
});

await story.step('A manual provisioning task is marked fulfilled', async () => {
  const [task] = (await listManualTasks(deps)).items;
  story.expect('one manual task in the queue', task?.manualTask?.action === 'provision', task?.manualTask?.summary);
  if (task) await completeManualTask(deps, approver, { jobId: task.id, completion: 'fulfilled', note: 'Seat assigned in the Midjourney admin console' });
  story.expect("Eve's grant is active after Mark fulfilled", (await grant('eveMidjourney'))?.status === 'active');
});

await story.step('Day 24: review-before-expiry issues open for grants entering the 7-day window', async () => {
  deps.clock.advance(24 * DAY_MS);
  const { opened } = await openRecertifications(deps);
  story.expect('recertification issues opened for the seven active grants', opened === 7, `${opened} opened`);
  const again = await openRecertifications(deps);
  story.expect('a second sweep opens none again', again.opened === 0);
});

await story.step('An approver extends one grant within the 180-day bound', async () => {
  const extended = await extendGrant(deps, approver, { grantId: grants.anaChatgpt!, days: 14, rationale: 'Release slipped two weeks' });
  story.expect("Ana's grant runs 14 days longer", extended.extensions.length === 1);
  await story.expectRefusal('Ana cannot extend her own grant', extendGrant(deps, person('ana'), { grantId: grants.anaChatgpt!, days: 7, rationale: 'more' }), 'self_extension');
  await story.expectRefusal('nor can anyone take it past 180 days', extendGrant(deps, approver, { grantId: grants.anaChatgpt!, days: 170, rationale: 'forever' }), 'extension_out_of_bounds');
});

await story.step('Drift: someone removes Chen from the Entra group by hand; the check finds it', async () => {
  const group = simulator.graph!.findGroupByName('AI - GitHub Copilot')!;
  const chen = simulator.graph!.findUser(PEOPLE.chen.email)!;
  simulator.graph!.removeMemberOutOfBand(group.id, chen.id);
  const { queued } = await scheduleDriftChecks(deps);
  story.note(`${queued} membership checks queued`);
  await drain();
  const item = await grant('chenCopilot');
  story.expect("Chen's grant records drift: missing member", item?.drift?.kind === 'missing_member');
  const others = await Promise.all(['anaChatgpt', 'benCopilot', 'devCopilot', 'chenClaude', 'hanaChatgpt'].map(grant));
  story.expect('the other grants agree with their groups', others.every((other) => other?.drift === undefined));
});

await story.step('An approver revokes a grant; access is removed at once', async () => {
  await revokeGrant(deps, approver, { grantId: grants.devCopilot!, rationale: 'Moved to the design team' });
  await drain();
  const group = simulator.graph!.findGroupByName('AI - GitHub Copilot')!;
  const dev = simulator.graph!.findUser(PEOPLE.dev.email)!;
  story.expect("Dev's grant is revoked and deprovisioned", (await grant('devCopilot'))?.deprovision === 'done');
  story.expect('Dev is out of the Entra group', !group.members.has(dev.id));
});

await story.step('Drift reconciliation: Dev is put back in the Copilot group by hand, and Ana, who never had Copilot, is added too', async () => {
  const { rules } = await currentGovernance(deps.store);
  await updateGovernance(deps, admin, { note: 'daily drift checks; remove members whose grant ended', rules: { ...rules, drift: { checkIntervalDays: 1, deprovisionUnexpected: true } } });
  const group = simulator.graph!.findGroupByName('AI - GitHub Copilot')!;
  const dev = simulator.graph!.findUser(PEOPLE.dev.email)!;
  const ana = simulator.graph!.findUser(PEOPLE.ana.email)!;
  simulator.graph!.addMemberOutOfBand(group.id, dev.id);
  simulator.graph!.addMemberOutOfBand(group.id, ana.id);
  const { queued } = await scheduleDriftChecks(deps);
  story.note(`${queued} jobs queued: each bound tool group is read through the provider's listMembers`);
  await drain();
  await drain();
  story.expect("Dev's revoked grant records drift: unexpected member", (await grant('devCopilot'))?.drift?.kind === 'unexpected_member');
  story.expect('Dev is out of the Entra group again (the admin turned removal on)', !group.members.has(dev.id));
  const unmanaged = await listUnmanagedMembers(deps, 'github-copilot-business');
  story.expect('Ana, whom no grant explains, is reported, not removed', unmanaged?.members.some((member) => member.id === ana.id) === true && group.members.has(ana.id), unmanaged?.members.map((member) => member.login ?? member.id).join(', '));
  simulator.graph!.removeMemberOutOfBand(group.id, ana.id);
});

await story.step("A revoke races an add whose answer was lost: Clearway takes the user out anyway", async () => {
  // Dev is in engineering: the ChatGPT auto-approval policy decides.
  const asked = await ask('dev', 'chatgpt-enterprise', 30, 'Incident write-ups');
  grants.devChatgpt = asked.grant?.id ?? '';
  story.expect("Dev's ChatGPT request is auto-approved", asked.autoApproved);
  simulator.failNext({ vendor: 'okta', method: 'PUT', lostResponse: true });
  const attempt = await engine.runDueJobs({ deadline: deps.clock.now() + 20_000, maxJobs: 1 });
  const group = simulator.okta!.findGroupByName('AI - ChatGPT Enterprise')!;
  const devOkta = simulator.okta!.findUser(PEOPLE.dev.email)!;
  story.expect('the add reached Okta, but its answer was lost (504)', group.members.has(devOkta.id) && attempt.retrying === 1);
  const inDoubt = await grant('devChatgpt');
  story.expect('the grant stays pending and remembers that its add is in doubt', inDoubt?.status === 'pending_provision' && inDoubt.unconfirmedAddAt !== undefined);
  await revokeGrant(deps, approver, { grantId: grants.devChatgpt, rationale: 'Requested by mistake' });
  const removal = await engine.runDueJobs({ deadline: deps.clock.now() + 20_000 });
  story.expect('Dev is out of the Okta group after the revoke', !group.members.has(devOkta.id) && removal.succeeded === 1);
  story.expect('removal stays pending until a check after the late-effect window', (await grant('devChatgpt'))?.deprovision === 'pending');
  deps.clock.advance(61_000);
  await drain();
  story.expect('the check finds Dev out: deprovisioning done', (await grant('devChatgpt'))?.deprovision === 'done' && !group.members.has(devOkta.id));
});

await story.step('Day 31: grants expire and are deprovisioned (the manual one by a person)', async () => {
  deps.clock.advance(7 * DAY_MS + 60_000);
  const { expired } = await expireDueGrants(deps);
  story.expect('six grants expired (Ana was extended)', expired === 6, `${expired} expired`);
  await drain();
  for (const task of (await listManualTasks(deps)).items) {
    await completeManualTask(deps, approver, task.manualTask?.action === 'verify' ? { jobId: task.id, completion: 'verified', member: true } : { jobId: task.id, completion: task.type === 'deprovision' ? 'deprovisioned' : 'fulfilled' });
  }
  for (const key of ['benCopilot', 'chenCopilot', 'chenClaude', 'eveMidjourney', 'hanaChatgpt']) {
    const item = await grant(key);
    story.expect(`${key.replace(/([A-Z])/, ' $1')} expired, deprovisioning done`, item?.status === 'expired' && item.deprovision === 'done', `${item?.status}/${item?.deprovision}`);
  }
  const copilot = simulator.graph!.findGroupByName('AI - GitHub Copilot')!;
  story.expect('the Entra group is empty again', copilot.members.size === 0);
  story.expect('the SCIM group is empty again', simulator.scim!.findGroupByName('AI - Claude')!.members.size === 0);
  story.expect('Hana is out of the Okta group', !simulator.okta!.findGroupByName('AI - ChatGPT Enterprise')!.members.has(simulator.okta!.findUser(PEOPLE.hana.oktaLogin)!.id));
  story.expect("Ana's extended grant is still active", (await grant('anaChatgpt'))?.status === 'active');
});

await story.step('Day 45: the extended grant expires too', async () => {
  deps.clock.advance(14 * DAY_MS);
  await expireDueGrants(deps);
  await drain();
  const oktaGroup = simulator.okta!.findGroupByName('AI - ChatGPT Enterprise')!;
  story.expect('the Okta group is empty again', oktaGroup.members.size === 0);
  const removals = simulator.effects('member_removed');
  // Dev's Copilot membership twice: after his revoke, and after someone put him back by hand.
  story.expect('each membership was removed once, the one put back by hand once more', new Set(removals.map((effect) => `${effect.groupId}/${effect.userId}`)).size === removals.length - 1, `${removals.length} removals`);
});

await story.step('An exception: a security reviewer approves Claude for 75 days where 45 are allowed; nobody reviews it, so it lapses', async () => {
  const ben = await ask('ben', 'claude-enterprise', 30, 'Quarter-long pilot of AI-assisted sales proposals');
  const eve = await ask('eve', 'claude-enterprise', 30, 'Campaign copy for the launch');
  await story.expectRefusal('an ordinary approval for 75 days is refused: medium risk allows 45', decide(deps, approver, { requestId: ben.request.id, outcome: 'approved', rationale: 'Pilot', durationDays: 75 }), 'validation_failed');
  const reason = 'The pilot runs the whole quarter; security signed off on the sales workspace';
  const approved = await decide(deps, approver, { requestId: ben.request.id, outcome: 'approved', rationale: 'Pilot', durationDays: 75, exception: { reason } });
  grants.benClaude = approved.grant?.id ?? '';
  const exception = await deps.store.get('exception', grants.benClaude);
  story.expect('Pat, a security reviewer, approves it as an exception, with the reason on record', exception?.state === 'open' && exception.kinds.join() === 'duration' && exception.reason === reason, `${exception?.grantedDays} days where ${exception?.allowedDays} are allowed`);
  await story.expectRefusal("Eve's exception is refused: one medium-risk exception per tool is open already", decide(deps, approver, { requestId: eve.request.id, outcome: 'approved', rationale: 'Launch', durationDays: 75, exception: { reason: 'Launch copy for the whole quarter' } }), 'exception_limit_reached');
  await decide(deps, approver, { requestId: eve.request.id, outcome: 'denied', rationale: 'Ask again for 45 days or less' });
  await drain();
  const claude = simulator.scim!.findGroupByName('AI - Claude')!;
  const benScim = simulator.scim!.findUser(PEOPLE.ben.email)!;
  story.expect('Ben is in the SCIM group: the exception is access like any other', (await grant('benClaude'))?.status === 'active' && claude.members.has(benScim.id));
  deps.clock.advance(7 * DAY_MS);
  const first = await sweepExceptions(deps);
  story.expect('a week later its review is due: a review issue opens', first.reviewsDue === 1 && Object.values(deps.jira.issues).some((issue) => issue.summary.startsWith('Review exception: Claude for Enterprise')));
  const kept = await reviewException(deps, approver, { grantId: grants.benClaude, outcome: 'keep', note: 'Pilot on track; keep it' });
  story.expect('Pat keeps it: the next review is a week away', kept.state === 'open' && Math.abs(kept.nextReviewAt - (deps.clock.now() + 7 * DAY_MS)) < 60_000);
  deps.clock.advance(7 * DAY_MS);
  await sweepExceptions(deps);
  deps.clock.advance(3 * DAY_MS);
  const lapsed = await sweepExceptions(deps);
  story.expect('nobody reviews it the second time: three days later it lapses and the grant is revoked', lapsed.lapsed === 1 && (await grant('benClaude'))?.status === 'revoked' && (await deps.store.get('exception', grants.benClaude))?.closedHow === 'lapsed');
  await drain();
  story.expect('Ben is out of the SCIM group', !claude.members.has(benScim.id));
  const report = await exceptionReport(deps);
  story.expect('the exceptions report: none open, one granted and one lapsed in the last 30 days', report.open === 0 && report.last30Days.granted === 1 && report.last30Days.closed.lapsed === 1);
});

await story.step('Day 62: Ana asks for ChatGPT again; the engineering policy approves it and Okta adds her', async () => {
  const again = await ask('ana', 'chatgpt-enterprise', 30, 'Working through the OPS queue with ChatGPT');
  grants.anaChatgptAgain = again.grant?.id ?? '';
  story.expect('auto-approved again (engineering policy)', again.autoApproved);
  await drain();
  story.expect('her new ChatGPT grant is active', (await grant('anaChatgptAgain'))?.status === 'active');
});

await workLinkedSteps({ story, deps, simulator, admin, approver, drain: () => drain(), nameOf });

await gatewaySteps(story, deps, simulator, admin);

await story.step('An evidence pack is exported and verified offline', async () => {
  mkdirSync(paths.evidence, { recursive: true });
  const jsonlPath = join(paths.evidence, 'evidence-pack.jsonl');
  const csvPath = join(paths.evidence, 'evidence-pack.csv');
  const anchorPath = join(paths.evidence, 'evidence-anchor.json');
  // The evidence issue the anchor is recorded on; the sandbox keeps its issue property in a file, as Jira answers it.
  const { key: evidenceIssue } = await deps.jira.createIssue({ projectKey: 'AUD', issueTypeId: 'task', summary: 'Clearway evidence anchors', description: 'Each evidence export records its anchor here.' });
  await setEvidenceAnchorIssue(deps, admin, evidenceIssue);
  const manifest = await writeEvidencePack(deps, admin, {}, { jsonl: jsonlPath, csv: csvPath });
  const anchoring = await anchorEvidenceExport(deps, admin, manifest, async ({ propertyKey }, anchor) => {
    writeFileSync(anchorPath, `${JSON.stringify({ key: propertyKey, value: anchor }, null, 2)}\n`);
    return { ok: true };
  });
  story.expect(`the anchor is recorded on ${evidenceIssue}, outside Clearway's storage`, anchoring.status === 'recorded', anchoring.status === 'recorded' ? anchoring.propertyKey : anchoring.status);
  const key = await auditMacKey(deps.secrets, deps.ids);
  writeFileSync(join(paths.evidence, 'audit-mac.key'), key, { mode: 0o600 });
  const lines = readFileSync(jsonlPath, 'utf8').split('\n');
  const verified = await verifyEvidence(lines, { key });
  story.expect(`the pack verifies with the key: ${manifest.count} events, seq ${manifest.firstSeq}–${manifest.lastSeq}`, verified.ok && verified.macChecked, verified.problem);
  const gatewayCalls = lines.filter((line) => line.includes('"type":"gateway.call"')).length;
  story.expect(`the pack includes the AI-agent gateway's activity (${gatewayCalls} gateway.call events) and it verifies with the rest`, gatewayCalls >= 3 && verified.ok);
  const tampered = [...lines];
  const target = tampered.findIndex((line) => line.includes('"request.denied"'));
  tampered[target] = tampered[target]!.replace('Sales uses the shared assistant', 'Approved after all');
  const caught = await verifyEvidence(tampered, { key });
  story.expect('an edited copy is caught, at the exact event', !caught.ok && caught.firstBadSeq === (JSON.parse(lines[target]!) as { seq: number }).seq, `${caught.problem} at seq ${caught.firstBadSeq}`);

  // An auditor without the key: the anchor proves the pack; without it, the result says what is unproven.
  const anchor = JSON.parse(readFileSync(anchorPath, 'utf8')) as unknown;
  const anchored = await verifyEvidence(lines, { anchor });
  story.expect('without the key, the pack verifies against the anchor', anchored.ok && anchored.anchorChecked && !anchored.macChecked, anchored.problem);
  const events = lines.filter((line) => line.trim() !== '' && !line.startsWith('{"manifest"'));
  const kept = events.slice(0, -3);
  const last = JSON.parse(kept.at(-1)!) as { seq: number; entryHash: string };
  const cut = [...kept, JSON.stringify({ manifest: { ...manifest, count: kept.length, lastSeq: last.seq, lastEntryHash: last.entryHash, chainHead: { seq: last.seq, entryHash: last.entryHash } } })];
  const keyless = await verifyEvidence(cut);
  story.expect('a copy cut short, its manifest edited to match, is not proven without the key, and says so', keyless.ok && keyless.notProven.length > 0, keyless.notProven[1]);
  const cutAgainstAnchor = await verifyEvidence(cut, { anchor });
  story.expect('the anchor catches it', !cutAgainstAnchor.ok && cutAgainstAnchor.problem === 'anchor_mismatch', cutAgainstAnchor.detail);
  const stored = await verifyAuditLog(deps);
  story.expect('the stored chain verifies end to end', stored.ok, `${stored.verified} events`);
});

await story.step('The record, as the CLI will show it', async () => {
  const all = await deps.store.query('grant', 'all', { partition: [], limit: 100 });
  const now = deps.clock.now();
  const rows = all.items.map((item) => {
    const view = viewGrant(item, now);
    return [nameOf(item.requesterAccountId), item.toolId, item.connectorId, item.status, item.deprovision, view.expiryLabel, item.drift?.kind ?? '', item.failure?.code ?? ''];
  });
  console.log(`\n${table(['requester', 'tool', 'connector', 'status', 'deprovision', 'label', 'drift', 'failure'], rows)}`);
  const calls = simulator.calls;
  const count = (predicate: (status: number) => boolean) => calls.filter((call) => predicate(call.status)).length;
  console.log(`\n${table(['simulator calls', 'ok', '429', '5xx', 'other 4xx', 'memberships added', 'removed'], [[String(calls.length), String(count((status) => status < 400)), String(count((status) => status === 429)), String(count((status) => status >= 500)), String(count((status) => status >= 400 && status < 500 && status !== 429)), String(simulator.effects('member_added').length), String(simulator.effects('member_removed').length)]])}`);
  story.note(`left on disk for the CLI: ${paths.dataDir} (try: pnpm clearway grants, pnpm clearway exceptions --all, pnpm clearway audit --tail 20, pnpm clearway evidence verify ${join(paths.evidence, 'evidence-pack.jsonl')} --key-file ${join(paths.evidence, 'audit-mac.key')}, or without the key: --anchor ${join(paths.evidence, 'evidence-anchor.json')})`);
});

await story.step('Warnings and checks', async () => {
  for (const warning of deps.logger.warnings) story.note(`warning logged: ${warning}`);
  story.expect('every step did what it said', story.failures.length === 0, story.failures.length > 0 ? `${story.failures.length} failed` : undefined);
});

await simulator.stop();
deps.store.close();
if (story.failures.length > 0) {
  console.log(`\n${red(bold(`Sandbox run FAILED: ${story.failures.length} check(s) did not hold:`))}`);
  for (const failure of story.failures) console.log(red(`  - ${failure}`));
  process.exit(1);
}
console.log(`\n${green(bold('Sandbox run complete: every step did what it said.'))}`);
