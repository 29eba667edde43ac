import { describe, expect, it } from 'vitest';
import { revokeGrant } from '../grants/grant-service.js';
import { DAY_MS } from '../ports/clock.js';
import { admin } from '../test-support/harness.js';
import { activeGrantForUna, gatewayWorld, policy, una } from '../test-support/gateway-world.js';
import { createGatewayPolicy, decideCalls } from './gateway-policy.js';
import { explainAgentCall } from './explain.js';

const linked = [{ name: 'chatgpt', toolId: 'chatgpt' }];

describe('gateway decisions', () => {
  it('reads the policy in force on every call: a save applies to the very next decision', async () => {
    const world = await gatewayWorld();
    await policy(world, { defaultEffect: 'allow', rules: [] });
    expect((await decideCalls(world, una, ['deleteJiraIssue']))[0]).toMatchObject({ effect: 'allow', basis: 'default', policyVersion: 1 });
    await policy(world, { defaultEffect: 'allow', rules: [{ operation: 'delete*', effect: 'deny', note: 'AI may never delete' }] });
    const [decision] = await decideCalls(world, una, ['deleteJiraIssue']);
    expect(decision).toEqual({
      effect: 'deny',
      basis: 'rule',
      ruleIndex: 0,
      policyVersion: 2,
      note: 'AI may never delete',
      reason: 'Blocked by rule 1 (delete* → deny for any client, any user) of agent policy v2: AI may never delete.',
    });
  });

  it('Clearway’s condition: an allow that requires a grant is denied without one, with how to get it, and allowed with one', async () => {
    const world = await gatewayWorld();
    await policy(world, { defaultEffect: 'deny', rules: [{ operation: 'search*', effect: 'allow', requireGrant: true }], clients: linked });
    const [before] = await decideCalls(world, una, ['searchJiraIssuesUsingJql']);
    expect(before).toMatchObject({ effect: 'deny', basis: 'no_grant', ruleIndex: 0 });
    expect(before!.reason).toBe(
      'Blocked: rule 1 (search* → allow for any client, any user) of agent policy v1 allows this only with active Clearway access to ChatGPT Enterprise (chatgpt), and Una User has none. Request ChatGPT Enterprise from the Clearway portal; calls work once the grant is active.',
    );
    const grant = await activeGrantForUna(world);
    expect((await decideCalls(world, una, ['searchJiraIssuesUsingJql']))[0]).toMatchObject({ effect: 'allow', basis: 'rule' });
    // Revoked, or past its expiry before the sweep ran: no longer enough.
    world.clock.advance(31 * DAY_MS);
    expect((await decideCalls(world, una, ['searchJiraIssuesUsingJql']))[0]).toMatchObject({ basis: 'no_grant' });
    world.clock.advance(-31 * DAY_MS);
    await revokeGrant(world, admin, { grantId: grant.id, rationale: 'left the team' });
    expect((await decideCalls(world, una, ['searchJiraIssuesUsingJql']))[0]).toMatchObject({ basis: 'no_grant' });
  });

  it('the grant condition names the fix when the client is linked to no tool', async () => {
    const world = await gatewayWorld();
    await policy(world, { defaultEffect: 'allow', defaultRequiresGrant: true, clients: [] });
    const [decision] = await decideCalls(world, { ...una, client: 'windsurf' }, ['getJiraIssue']);
    expect(decision).toMatchObject({ effect: 'deny', basis: 'no_grant' });
    expect(decision!.reason).toContain('the client “windsurf” is not linked to one');
  });

  it('decides a whole tools/list with one policy read and one grant look-up', async () => {
    const world = await gatewayWorld();
    await policy(world, { defaultEffect: 'allow', defaultRequiresGrant: true, rules: [{ operation: 'delete*', effect: 'deny' }], clients: linked });
    await activeGrantForUna(world);
    const reads: string[] = [];
    const store = world.store;
    const counting = { ...world, store: { get: store.get.bind(store), commit: store.commit.bind(store), query: ((entity: string, index: string, query: never) => (reads.push(`${entity}.${index}`), store.query(entity as never, index, query))) as typeof store.query } };
    const decisions = await decideCalls(counting, una, ['getJiraIssue', 'deleteJiraIssue', 'createJiraIssue']);
    expect(decisions.map((decision) => decision.effect)).toEqual(['allow', 'deny', 'allow']);
    expect(reads).toEqual(['agentPolicy.byVersion', 'grant.byRequester']);
  });

  it('fails closed: when the store cannot be read, every operation is denied with the reason, and nothing throws', async () => {
    const world = await gatewayWorld();
    const broken = { ...world, store: { ...world.store, query: async () => Promise.reject(new Error('KVS is unavailable')), get: world.store.get.bind(world.store), commit: world.store.commit.bind(world.store) } };
    const decisions = await decideCalls(broken, una, ['getJiraIssue', 'searchJiraIssuesUsingJql']);
    expect(decisions).toHaveLength(2);
    for (const decision of decisions) {
      expect(decision).toMatchObject({ effect: 'deny', basis: 'policy_unavailable' });
      expect(decision.reason).toContain('KVS is unavailable');
    }
    expect(world.logger.lines.some((line) => line.message.includes('could not be read'))).toBe(true);
  });

  it('never matches on the self-reported clientInfo name', async () => {
    const world = await gatewayWorld();
    await policy(world, { defaultEffect: 'deny', rules: [{ client: 'claude', operation: '*', effect: 'allow' }] });
    const [decision] = await decideCalls(world, { ...una, client: 'unknown-app', clientInfoName: 'claude' }, ['getJiraIssue']);
    expect(decision).toMatchObject({ effect: 'deny', basis: 'default' });
  });

  it('explains which rule decides, with or without an account', async () => {
    const world = await gatewayWorld();
    await policy(world, { defaultEffect: 'allow', rules: [{ operation: 'delete*', effect: 'deny', note: 'never' }, { group: 'developers', operation: '*', effect: 'allow', requireGrant: true }], clients: linked });
    expect(await explainAgentCall(world, { client: 'claude', groups: ['developers'], operation: 'deleteJiraIssue' })).toMatchObject({ policyVersion: 1, decidedBy: 'rule 1 (delete* → deny for any client, any user)', effect: 'deny', requiresGrant: false });
    const explained = await explainAgentCall(world, { client: 'chatgpt', groups: ['developers'], operation: 'getJiraIssue', accountId: una.accountId, name: 'Una User' });
    expect(explained.decision?.reason).toContain('and Una User has none');
    expect(explained).toMatchObject({ decidedBy: 'rule 2 (* → allow for any client, group developers)', requiresGrant: true, toolId: 'chatgpt', decision: { effect: 'deny', basis: 'no_grant' } });
  });

  it('createGatewayPolicy records through the chain', async () => {
    const world = await gatewayWorld();
    const port = createGatewayPolicy(world);
    const [decision] = await port.decide(una, ['getJiraIssue']);
    await port.record({ caller: una, method: 'tools/call', operation: 'getJiraIssue', arguments: { issueIdOrKey: 'AIR-1' }, decision: decision!, upstreamStatus: 'not_forwarded', responseBytes: 120, latencyMs: 1.5, startedAt: world.clock.now() });
    const [event] = (await world.store.query('audit', 'activity', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(event).toMatchObject({ type: 'gateway.call', actor: una.accountId, data: { operation: 'getJiraIssue', decision: 'blocked', basis: 'no_grant' } });
  });
});
