import { createOperationContext, type ExternalIdentity, type GroupRef, type ManualConfirmation } from '@clearway/connector-sdk';
import { describeProviderConformance } from '@clearway/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { manualProvider } from './provider.js';

function manualFixture() {
  const confirmations = new Map<string, ManualConfirmation>();
  const key = (group: GroupRef, identity: ExternalIdentity) => `${group.id}\u0000${identity.id}`;
  return {
    connect: {
      config: { instructions: 'Use the vendor admin console.' },
      secrets: {},
      host: { now: () => Date.now(), manualConfirmation: async (group: GroupRef, identity: ExternalIdentity) => confirmations.get(key(group, identity)) },
    },
    users: [{ subject: { accountId: 'acc-ada', email: 'ada@example.com', displayName: 'Ada Lovelace' }, expectedId: 'ada@example.com' }] as const,
    existingGroup: { id: 'chatgpt-enterprise', name: 'ChatGPT Enterprise workspace' },
    confirmManual: (group: GroupRef, identity: ExternalIdentity, member: boolean) => {
      confirmations.set(key(group, identity), { member, confirmedAt: Date.now(), confirmedBy: 'approver-1' });
    },
  };
}

describeProviderConformance({ provider: manualProvider, setup: manualFixture });

describe('manual provider', () => {
  const ctx = () => createOperationContext();
  const group = { id: 'chatgpt-enterprise', name: 'ChatGPT Enterprise workspace' };

  it('writes tasks a person can act on, with the connector instructions', async () => {
    const connector = manualProvider.connect(manualFixture().connect);
    const identity = { id: 'ada@example.com', displayName: 'Ada Lovelace' };
    expect(await connector.add(ctx(), group, identity)).toEqual({
      outcome: 'pending_manual',
      task: { action: 'provision', summary: 'Give Ada Lovelace access to ChatGPT Enterprise workspace', instructions: 'Use the vendor admin console.' },
    });
    expect(await connector.remove(ctx(), group, identity)).toMatchObject({
      task: { action: 'deprovision', summary: "Remove Ada Lovelace's access to ChatGPT Enterprise workspace" },
    });
  });

  it('resolves from the mapping, then the email, then the account id', async () => {
    const connector = manualProvider.connect({ config: {}, secrets: {} });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a1', email: 'x@y.z', mappedExternalId: 'xy' })).toMatchObject({ identity: { id: 'xy' }, matchedBy: 'mapping' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a1', email: 'x@y.z' })).toMatchObject({ identity: { id: 'x@y.z' }, matchedBy: 'email' });
    expect(await connector.resolveIdentity(ctx(), { accountId: 'a1' })).toMatchObject({ identity: { id: 'a1' }, matchedBy: 'account' });
  });

  it('fails its connection test on a host that records no confirmations', async () => {
    const connector = manualProvider.connect({ config: {}, secrets: {} });
    const result = await connector.test(ctx(), {});
    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => !check.passed)?.name).toBe('Confirmation records');
  });

  it('rejects instructions longer than the form allows', () => {
    expect(() => manualProvider.connect({ config: { instructions: 'x'.repeat(2_001) }, secrets: {} })).toThrow(/instructions/);
  });
});
