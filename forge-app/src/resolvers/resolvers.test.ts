import { transact, updateGovernance } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { textToAdf } from '../adapters/jira/adf';
import { ADMIN, freshScenario, PEOPLE, scenarioRules, SECRET_CANARY } from '../test-support/scenario';
import { CASES } from '../test-support/resolver-cases';
import { MAX_EXPORT_BYTES } from './actions/admin';
import { RESOLVER_KEYS, type ResolverKey } from './contract';
import { makeSurfaceResolver } from './define';

const admin = { accountId: PEOPLE.admin };
const approver = { accountId: PEOPLE.approver };
const requester = { accountId: PEOPLE.requester };
const customer = { accountId: PEOPLE.customer };
const PORTAL = { portal: { id: '1' }, request: { typeId: '10' } };

describe('secret fields are write-only', () => {
  const token = 'ssws-0011223344556677889900aabbccdd';

  it('stores a connector secret in secret storage and never answers it back', async () => {
    const { world } = await freshScenario();
    const created = await world.invoke('adminPage', 'connectors.create', { id: 'okta-main', providerType: 'okta-group', name: 'Okta', settings: { orgUrl: 'https://acme.okta.com' }, secrets: { apiToken: token } }, admin);
    expect(created).toMatchObject({ ok: true, data: { id: 'okta-main', secretsSet: ['apiToken'], providerName: expect.any(String) } });
    const updated = await world.invoke('adminPage', 'connectors.update', { connectorId: 'okta-main', name: 'Okta (prod)' }, admin);
    const answers = [
      created,
      updated,
      await world.invoke('adminPage', 'connectors.list', {}, admin),
      await world.invoke('adminPage', 'audit.events', { limit: 100 }, admin),
      await world.invoke('adminPage', 'evidence.export', { format: 'jsonl' }, admin),
      await world.invoke('adminPage', 'connectors.test', { connectorId: 'okta-main' }, admin),
    ];
    for (const answer of answers) {
      expect(answer.ok).toBe(true);
      expect(JSON.stringify(answer)).not.toContain(token);
      expect(JSON.stringify(answer)).not.toContain(SECRET_CANARY);
    }
    expect(world.forge.kvs.secretValues()).toContain(token);
    for (const entity of ['connector', 'audit', 'meta']) expect(JSON.stringify([...world.forge.kvs.entityValues(entity).values()])).not.toContain(token);
  });

  it('clears a secret with null and keeps it when the field is left out', async () => {
    const { world } = await freshScenario();
    await world.invoke('adminPage', 'connectors.create', { id: 'okta-main', providerType: 'okta-group', name: 'Okta', settings: { orgUrl: 'https://acme.okta.com' }, secrets: { apiToken: token } }, admin);
    const kept = await world.invoke('adminPage', 'connectors.update', { connectorId: 'okta-main', settings: { orgUrl: 'https://acme.okta.com', requestTimeoutMs: 5_000 } }, admin);
    expect(kept).toMatchObject({ ok: true, data: { secretsSet: ['apiToken'], settings: { requestTimeoutMs: 5_000 } } });
    // Okta with an API token cannot run without one: clearing it is refused, naming the field and not the value.
    const cleared = await world.invoke('adminPage', 'connectors.update', { connectorId: 'okta-main', secrets: { apiToken: null } }, admin);
    expect(cleared).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(JSON.stringify(cleared)).not.toContain(token);
    expect(world.forge.kvs.secretValues()).toContain(token);
  });
});

describe('typed errors the UI can show', () => {
  it('refuses a call without a signed-in account', async () => {
    const { world } = await freshScenario();
    expect(await world.invoke('globalPage', 'myAccess.list', {}, {})).toEqual({ ok: false, error: { code: 'unauthenticated', message: expect.stringContaining('Sign in') } });
  });

  it('names every bad field of a payload', async () => {
    const { world, scenario } = await freshScenario();
    const answer = await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'maybe', rationale: '', extra: 1 }, approver);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('validation_failed');
    expect(answer.error.issues?.map((issue) => issue.path).sort()).toEqual(['(input)', 'outcome', 'rationale']);
  });

  it('turns a storage outage into internal_error with a reference, logged without a stack trace', async () => {
    const { world } = await freshScenario();
    world.forge.kvs.failNext('/api/v1/entity/query', () => new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'storage is down' }), { status: 500 }));
    const answer = await world.invoke('globalPage', 'myAccess.list', {}, requester);
    expect(answer).toEqual({ ok: false, error: { code: 'internal_error', message: expect.any(String), reference: expect.any(String) } });
    if (answer.ok) return;
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'error', fields: expect.objectContaining({ reference: answer.error.reference }) }));
    expect(JSON.stringify(world.logger.lines)).not.toMatch(/\n\s+at /);
  });

  it('treats the caller as not an admin when Jira cannot say (fail closed)', async () => {
    const { world } = await freshScenario();
    world.forge.jira.outage = true;
    expect(await world.invoke('adminPage', 'admin.overview', {}, admin)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('limits', () => {
  it('refuses a bulk decision over 50 requests before anything runs', async () => {
    const { world, scenario } = await freshScenario();
    const before = world.forge.kvs.snapshot();
    const requestIds = Array.from({ length: 51 }, (_, index) => `${scenario.pendingRequestId}-${index}`);
    const answer = await world.invoke('globalPage', 'approvals.bulkDecide', { requestIds, outcome: 'denied', rationale: 'too many at once' }, approver);
    expect(answer).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'requestIds' }] } });
    expect(world.forge.kvs.snapshot()).toBe(before);
  });

  it('limits audit verification per admin, counting only calls that ran', async () => {
    const { world } = await freshScenario();
    for (let call = 0; call < 4; call += 1) expect((await world.invoke('adminPage', 'audit.verify', {}, requester)).ok).toBe(false);
    for (let call = 0; call < 3; call += 1) expect(await world.invoke('adminPage', 'audit.verify', {}, admin)).toMatchObject({ ok: true, data: { ok: true } });
    expect(await world.invoke('adminPage', 'audit.verify', {}, admin)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it('refuses an evidence export too large for one answer, recording nothing', async () => {
    const { world } = await freshScenario();
    // Ten audit events of 50 KB each: more than one answer may carry.
    for (let event = 0; event < Math.ceil(MAX_EXPORT_BYTES / 50_000) + 1; event += 1) {
      await transact(world.app.deps, async () => ({ writes: [], audit: [{ actor: PEOPLE.admin, type: 'test.large', data: { blob: 'x'.repeat(50_000) } }], result: undefined }));
    }
    const before = world.forge.kvs.snapshot();
    const answer = await world.invoke('adminPage', 'evidence.export', { format: 'jsonl' }, admin);
    expect(answer).toMatchObject({ ok: false, error: { code: 'export_too_large' } });
    expect(world.forge.kvs.snapshot()).toBe(before);
  });
});

describe('approver scope', () => {
  it('shows an approver only the work of projects they may approve', async () => {
    const { world } = await freshScenario();
    // The approver now approves for OPS only: AIR's queue and manual tasks are not theirs.
    await updateGovernance(world.app.deps, ADMIN, { rules: scenarioRules({ approvers: { byProject: { OPS: [PEOPLE.approver] }, default: [], securityReviewers: [], adminFallback: true, delegations: [] } }) });
    expect(await world.invoke('globalPage', 'approvals.pending', {}, approver)).toMatchObject({ ok: true, data: { items: [] } });
    expect(await world.invoke('globalPage', 'approvals.manualTasks', {}, approver)).toMatchObject({ ok: true, data: { items: [] } });
    expect(await world.invoke('globalPage', 'approvals.failedJobs', {}, approver)).toMatchObject({ ok: true, data: { items: [] } });
    const admins = await world.invoke('globalPage', 'approvals.manualTasks', {}, admin);
    expect(admins.ok && admins.data.items.map((task) => task.completion)).toEqual(['fulfilled']);
  });

  it('refuses an approver their own request', async () => {
    const { world, scenario } = await freshScenario();
    await updateGovernance(world.app.deps, ADMIN, { rules: scenarioRules({ approvers: { byProject: {}, default: [PEOPLE.requester], securityReviewers: [], adminFallback: false, delegations: [] } }) });
    const before = world.forge.kvs.snapshot();
    const answer = await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'me, myself' }, requester);
    expect(answer).toMatchObject({ ok: false, error: { code: 'self_approval' } });
    expect(world.forge.kvs.snapshot()).toBe(before);
  });
});

describe('an approval reaches Jira and the fulfillment queue', () => {
  it('comments in ADF, transitions by candidate name and pushes one fulfillment event', async () => {
    const { world, scenario } = await freshScenario();
    const answer = await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'for the launch' }, approver);
    expect(answer).toMatchObject({ ok: true, data: { request: { status: 'approved' }, grant: { status: 'pending_provision' } } });
    const issue = world.forge.jira.issues.get('AIR-5');
    expect(issue?.status).toBe('Approve');
    expect(JSON.stringify(issue?.comments)).toContain('for the launch');
    expect(issue?.comments[0]).toMatchObject({ type: 'doc', version: 1 });
    expect(textToAdf('a\n\nb').content).toHaveLength(2);
    expect(world.forge.queues.pushed).toEqual([expect.objectContaining({ queueName: 'clearway-fulfillment', body: expect.objectContaining({ kind: 'run-fulfillment' }), concurrency: { key: 'clearway-fulfillment', limit: 1 } })]);
  });
});

describe('the portal', () => {
  it('shows a portal customer their own request, and its grant once approved', async () => {
    const { world, scenario } = await freshScenario();
    const pending = await world.invoke('portal', 'portal.requestStatus', {}, { ...customer, extension: { ...PORTAL, request: { typeId: '10', key: 'AIR-2' } } });
    expect(pending).toEqual({ ok: true, data: expect.objectContaining({ issueKey: 'AIR-2', status: 'pending', toolName: 'ChatGPT Enterprise' }) });
    await world.invoke('globalPage', 'approvals.decide', { requestId: scenario.customerRequestId, outcome: 'approved', rationale: 'support team needs it' }, approver);
    const approved = await world.invoke('portal', 'portal.requestStatus', { issueKey: 'AIR-2' }, customer);
    expect(approved).toMatchObject({ ok: true, data: { status: 'approved', decision: { outcome: 'approved' }, grant: { status: 'pending_provision' } } });
  });

  it('says not_found for an issue Clearway did not take in, and the same for someone else\'s request (no existence oracle)', async () => {
    const { world } = await freshScenario();
    expect(await world.invoke('portal', 'portal.requestStatus', { issueKey: 'AIR-404' }, customer)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const stranger = { accountId: 'someone-else' };
    const unknown = await world.invoke('portal', 'portal.requestStatus', { issueKey: 'AIR-404' }, stranger);
    const theirs = await world.invoke('portal', 'portal.requestStatus', { issueKey: 'AIR-2' }, stranger);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(JSON.stringify(theirs).replace('AIR-2', 'AIR-404')).toBe(JSON.stringify(unknown));
  });

  it('opens the create panel only on the intake portal and request types', async () => {
    const { world } = await freshScenario();
    const open = await world.invoke('portal', 'portal.createPanel', {}, { ...customer, extension: PORTAL });
    expect(open).toMatchObject({ ok: true, data: { enabled: true, allowNewTools: true } });
    expect(open.ok && open.data.tools.map((tool) => tool.id).sort()).toEqual(['chatgpt', 'claude', 'gemini']);
    expect(await world.invoke('portal', 'portal.createPanel', {}, { ...customer, extension: { portal: { id: '2' }, request: { typeId: '10' } } })).toMatchObject({ ok: true, data: { enabled: false, tools: [] } });
    expect(await world.invoke('portal', 'portal.createPanel', {}, { ...customer, extension: { portal: { id: '1' }, request: { typeId: '11' } } })).toMatchObject({ ok: true, data: { enabled: false } });
  });
});

/** Every property name in a JSON value, at any depth. */
function keysAtAnyDepth(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysAtAnyDepth);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysAtAnyDepth(inner)]);
}

describe('My Access shows the requester no provider error detail', () => {
  it('answers a failed grant to its requester without failure, while admins still see why', async () => {
    const { world } = await freshScenario();
    // AIR-3's provisioning failed on a disabled connector: the grant records the provider's reason.
    const all = await world.invoke('adminPage', 'grants.all', { status: 'provision_failed' }, admin);
    expect(all.ok && all.data.items.find((grant) => grant.issueKey === 'AIR-3')).toMatchObject({ status: 'provision_failed', failure: { code: expect.any(String) } });

    const mine = await world.invoke('globalPage', 'myAccess.list', {}, requester);
    expect(mine.ok && mine.data.items.find((grant) => grant.issueKey === 'AIR-3')).toMatchObject({ status: 'provision_failed', toolName: 'GitHub Copilot' });
    const keys = keysAtAnyDepth(mine);
    expect(keys).not.toContain('failure');
    expect(keys).not.toContain('lastError');
  });
});

describe('only the surface\'s own keys are dispatched', () => {
  const PROTOTYPE_MEMBERS = ['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'];

  it.each(PROTOTYPE_MEMBERS)('refuses %s as an unknown key, echoing nothing', async (key) => {
    const { world } = await freshScenario();
    const before = world.forge.kvs.snapshot();
    const payload = { marker: 'echo-marker-5d1c' };
    for (const surface of ['globalPage', 'adminPage', 'portal'] as const) {
      const answer = await world.invoke(surface, key as ResolverKey, payload, { ...admin, extension: PORTAL });
      expect(answer).toEqual({ ok: false, error: { code: 'unknown_resolver', message: expect.any(String) } });
      expect(JSON.stringify(answer)).not.toMatch(/echo-marker|jira:|accountId/);
    }
    expect(world.forge.kvs.snapshot()).toBe(before);
  });

  it('refuses a key that does not exist, or belongs to another surface, with the same error', async () => {
    const { world } = await freshScenario();
    const unknown = { ok: false, error: { code: 'unknown_resolver', message: expect.any(String) } };
    expect(await world.invoke('globalPage', 'no.such.key' as ResolverKey, {}, admin)).toEqual(unknown);
    expect(await world.invoke('portal', 'admin.overview', {}, { ...admin, extension: PORTAL })).toEqual(unknown);
  });
});

describe('a call whose context names no module', () => {
  const rows = RESOLVER_KEYS.flatMap((key) => (['customer', 'admin'] as const).map((role) => ({ key, role })));

  it.each(rows)('$key as $role is refused as wrong_surface, changing nothing', async ({ key, role }) => {
    const { world, scenario } = await freshScenario();
    const spec = CASES[key];
    const definitions = makeSurfaceResolver(spec.surface, () => world.app);
    world.forge.jira.actingUser = PEOPLE[role];
    const before = world.forge.kvs.snapshot();
    const answer = await definitions({ call: { functionKey: key, payload: spec.payload(scenario) }, context: {} }, { principal: { accountId: PEOPLE[role] } });
    expect(answer).toEqual({ ok: false, error: { code: 'wrong_surface', message: expect.any(String) } });
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(world.forge.queues.pushed).toEqual([]);
  });
});
