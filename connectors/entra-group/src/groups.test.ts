import type { Connector } from '@clearway/connector-sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeGroup } from './test-support/fake-tenant.js';
import { connectedDirectory, context, type Directory } from './test-support/harness.js';

let directory: Directory;
let connector: Connector;
beforeEach(() => ({ directory, connector } = connectedDirectory()));

describe('bindGroup refuses groups whose membership Clearway cannot or must not manage', () => {
  const cases: Array<[string, Partial<FakeGroup>, string]> = [
    ['a dynamic security group', { groupTypes: ['DynamicMembership'], membershipRule: '(user.department -eq "Sales")' }, 'dynamic_group'],
    ['a dynamic Microsoft 365 group', { groupTypes: ['Unified', 'DynamicMembership'], mailEnabled: true, securityEnabled: false }, 'dynamic_group'],
    ['a Microsoft 365 group', { groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false }, 'mail_enabled_group'],
    ['a distribution list', { mailEnabled: true, securityEnabled: false }, 'mail_enabled_group'],
    ['a mail-enabled security group', { mailEnabled: true, securityEnabled: true }, 'mail_enabled_group'],
    ['a group synchronized from on-premises', { onPremisesSyncEnabled: true }, 'synced_group'],
    ['a role-assignable group', { isAssignableToRole: true }, 'role_assignable_group'],
  ];

  it.each(cases)('%s, by id → unsupported', async (_what, properties, code) => {
    const group = directory.tenant.addGroup({ displayName: 'AI - Copilot users', ...properties });
    await expect(connector.bindGroup(context(), { groupId: group.id })).rejects.toMatchObject({ kind: 'unsupported', code });
  });

  it.each(cases)('%s, by name → unsupported, and nothing is created', async (_what, properties, code) => {
    directory.tenant.addGroup({ displayName: 'AI - Copilot users', ...properties });
    await expect(connector.bindGroup(context(), { name: 'AI - Copilot users', createIfMissing: true })).rejects.toMatchObject({ kind: 'unsupported', code });
    expect(directory.tenant.requestsTo('POST', /\/groups$/)).toHaveLength(0);
  });

  it('says why in words an admin can act on', async () => {
    const group = directory.tenant.addGroup({ displayName: 'Sales (dynamic)', groupTypes: ['DynamicMembership'], membershipRule: 'x' });
    await expect(connector.bindGroup(context(), { groupId: group.id })).rejects.toThrow(/"Sales \(dynamic\)" has dynamic membership.*assigned membership/);
  });
});

describe('bindGroup by name', () => {
  it('matches the exact display name, ignoring case, and never a name that merely starts with it', async () => {
    const binding = await connector.bindGroup(context(), { name: 'ai - chatgpt enterprise users' });
    expect(binding).toEqual({ outcome: 'bound', group: { id: directory.group.id, name: 'AI - ChatGPT Enterprise users' } });
    expect(directory.tenant.requests[0]?.query.get('$filter')).toBe("displayName eq 'ai - chatgpt enterprise users'");
  });

  it('refuses a name two groups share (display names are not unique in Entra)', async () => {
    directory.tenant.addGroup({ displayName: 'AI - ChatGPT Enterprise users' });
    await expect(connector.bindGroup(context(), { name: 'AI - ChatGPT Enterprise users' })).rejects.toMatchObject({
      kind: 'invalid_request',
      code: 'ambiguous_group_name',
    });
  });

  it('answers not_found for a missing group unless asked to create it', async () => {
    await expect(connector.bindGroup(context(), { name: 'AI - Gemini users' })).rejects.toMatchObject({ kind: 'not_found', code: 'group_not_found' });
  });

  it('creates an assigned security group with a valid mailNickname', async () => {
    const binding = await connector.bindGroup(context(), { name: 'AI – Café GPT (pilot) users', description: 'Managed by Clearway', createIfMissing: true });
    expect(binding.outcome).toBe('created');
    const [create] = directory.tenant.requestsTo('POST', /\/groups$/);
    expect(create?.body).toEqual({
      displayName: 'AI – Café GPT (pilot) users',
      description: 'Managed by Clearway',
      mailEnabled: false,
      mailNickname: 'ai-cafe-gpt-pilot-users',
      securityEnabled: true,
      groupTypes: [],
    });
    expect(directory.tenant.groups.get(binding.group.id)).toMatchObject({ securityEnabled: true, mailEnabled: false });
  });

  it('needs Group.Create to create: without it the error is a permission error', async () => {
    directory.tenant.grantedRoles = new Set(['GroupMember.ReadWrite.All', 'User.Read.All']);
    await expect(connector.bindGroup(context(), { name: 'AI - Gemini users', createIfMissing: true })).rejects.toMatchObject({
      kind: 'permission',
      providerCode: 'Authorization_RequestDenied',
    });
  });
});

describe('bindGroup by id', () => {
  it('binds by Object ID with the display name', async () => {
    expect(await connector.bindGroup(context(), { groupId: directory.group.id })).toEqual({
      outcome: 'bound',
      group: { id: directory.group.id, name: 'AI - ChatGPT Enterprise users' },
    });
  });

  it('does not create a group when the id is unknown, even if asked to', async () => {
    await expect(connector.bindGroup(context(), { groupId: '00000000-0000-4000-8000-000000000000', name: 'x', createIfMissing: true })).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect(directory.tenant.requestsTo('POST', /\/groups$/)).toHaveLength(0);
  });

  it('refuses an id that is not an Object ID before calling Graph', async () => {
    await expect(connector.bindGroup(context(), { groupId: 'AI - ChatGPT Enterprise users' })).rejects.toMatchObject({ kind: 'invalid_config', code: 'invalid_group_id' });
    expect(directory.tenant.requests).toHaveLength(0);
  });
});
