import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { admin, requester, snapshot } from '../test-support/harness.js';
import { gatewayWorld, policy } from '../test-support/gateway-world.js';
import { DEFAULT_AGENT_POLICY } from './policy.js';
import { currentAgentPolicy, listAgentPolicyVersions, saveAgentPolicy } from './policy-service.js';

describe('agent policy: versions, validation, audit', () => {
  it('starts at the built-in default, then each save is the next version and an audit event', async () => {
    const world = await gatewayWorld();
    expect(await currentAgentPolicy(world.store)).toEqual(DEFAULT_AGENT_POLICY);
    const first = await policy(world, { defaultEffect: 'allow', rules: [{ operation: 'delete*', effect: 'deny', note: 'AI may never delete' }] });
    const second = await saveAgentPolicy(world, admin, { rules: { defaultEffect: 'deny', rules: [] }, note: 'lock down' });
    expect([first.policyVersion, second.policyVersion]).toEqual([1, 2]);
    expect((await currentAgentPolicy(world.store)).rules.defaultEffect).toBe('deny');
    expect((await listAgentPolicyVersions(world)).items.map((version) => version.policyVersion)).toEqual([2, 1]);
    const events = (await world.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 2 })).items;
    expect(events.map((event) => [event.type, event.data['fromVersion'], event.data['toVersion']])).toEqual([
      ['gateway.policy_updated', 1, 2],
      ['gateway.policy_updated', 0, 1],
    ]);
    expect(events[0]!.data['note']).toBe('lock down');
  });

  it.each([
    ['a bad glob', { operation: 'delete{Jira', effect: 'deny' }, 'rules.0.operation'],
    ['an unclosed bracket', { operation: 'get[Jira', effect: 'deny' }, 'rules.0.operation'],
    ['an empty operation', { operation: '   ', effect: 'deny' }, 'rules.0.operation'],
    ['an unknown effect', { operation: '*', effect: 'maybe' }, 'rules.0.effect'],
    ['requireGrant on a deny rule', { operation: '*', effect: 'deny', requireGrant: true }, 'rules.0.requireGrant'],
    ['a client name with spaces at the start', { client: ' -x', operation: '*', effect: 'deny' }, 'rules.0.client'],
  ])('refuses %s with a typed error naming the field, and saves nothing', async (_what, rule, path) => {
    const world = await gatewayWorld();
    const before = snapshot(world.store);
    const error = await saveAgentPolicy(world, admin, { rules: { defaultEffect: 'allow', rules: [rule as never] } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(path);
    expect(snapshot(world.store)).toBe(before);
  });

  it('refuses a group the site does not have (asking the directory once) and a client linked to a tool the catalog lacks', async () => {
    const world = await gatewayWorld();
    const before = snapshot(world.store);
    const error = (await policy(world, {
      defaultEffect: 'deny',
      rules: [
        { group: 'developers', operation: 'get*', effect: 'allow' },
        { group: 'develoeprs', operation: 'search*', effect: 'allow' },
        { group: 'SUPPORT TEAM', operation: '*', effect: 'allow' },
      ],
      clients: [{ name: 'claude', toolId: 'claude-enterprise' }],
    }).catch((caught: unknown) => caught)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues).toEqual([
      { path: 'rules.1.group', message: 'no group named “develoeprs” exists on this site' },
      { path: 'clients.0.toolId', message: 'the catalog has no tool claude-enterprise' },
    ]);
    expect(error.message).toContain('Nothing was saved');
    expect(world.groups.asked).toEqual([['developers', 'develoeprs', 'SUPPORT TEAM']]);
    expect(snapshot(world.store)).toBe(before);
  });

  it('only admins change it', async () => {
    const world = await gatewayWorld();
    await expect(saveAgentPolicy(world, requester, { rules: { defaultEffect: 'allow', rules: [] } })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses more than 1,000 rules and a client linked twice', async () => {
    const world = await gatewayWorld();
    const many = Array.from({ length: 1_001 }, () => ({ operation: '*', effect: 'allow' as const }));
    await expect(policy(world, { defaultEffect: 'deny', rules: many })).rejects.toBeInstanceOf(ValidationError);
    await expect(policy(world, { defaultEffect: 'deny', clients: [{ name: 'chatgpt', toolId: 'chatgpt' }, { name: 'ChatGPT', toolId: 'chatgpt' }] })).rejects.toThrow(/each client is linked to one tool/);
  });
});
