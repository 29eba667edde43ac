import { describe, expect, it } from 'vitest';
import type { Connector } from '../contract.js';
import { EmissionRecorder, findSecretLeaks } from './recorder.js';

// `>` and `?` make the base64 and base64url forms differ in more than padding ('+', '/' vs '-', '_').
const TOKEN = 'acme-token>>7f3c?9a1e5b2d4c6f8a0e';
const leaked = (emission: string) => findSecretLeaks({ apiToken: TOKEN }, [`log: ${emission}`]);

describe('findSecretLeaks', () => {
  it.each([
    ['plain', TOKEN],
    ['JSON-escaped', JSON.stringify(`a"${TOKEN}`)],
    ['URL-encoded', encodeURIComponent(TOKEN)],
    ['base64', Buffer.from(TOKEN).toString('base64')],
    ['base64url', Buffer.from(TOKEN).toString('base64url')],
    ['hex', Buffer.from(TOKEN).toString('hex')],
    ['HEX', Buffer.from(TOKEN).toString('hex').toUpperCase()],
    ['reversed', [...TOKEN].reverse().join('')],
    ['a 12-character part', TOKEN.slice(5, 17)],
    ['a 12-character part of the reverse', [...TOKEN].reverse().join('').slice(3, 15)],
  ])('finds the token %s, naming the secret and the channel, never the value', (_form, text) => {
    expect(leaked(`debug ${text} end`)).toEqual(['secret "apiToken" appeared in log']);
  });

  it('tells base64url apart from base64, so the base64url form is its own', () => {
    const base64 = Buffer.from(TOKEN).toString('base64');
    expect(base64).toMatch(/[+/]/);
    expect(base64).not.toContain(Buffer.from(TOKEN).toString('base64url'));
  });

  it('does not flag text that merely shares an 11-character run with the token', () => {
    expect(leaked(`${TOKEN.slice(0, 11)} and ${TOKEN.slice(20, 31)}`)).toEqual([]);
  });
});

describe('EmissionRecorder.watch', () => {
  const connector: Connector = {
    type: 'demo',
    capabilities: { createGroups: false, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
    test: async () => ({ ok: true, checks: [] }),
    resolveIdentity: async () => ({ outcome: 'unresolved', reason: 'not_found', message: 'none' }),
    bindGroup: async () => ({ group: { id: 'g' }, outcome: 'bound' }),
    add: async () => ({ outcome: 'applied' }),
    addBatch: async () => [],
    remove: async () => ({ outcome: 'applied' }),
    check: async () => ({ outcome: 'member', via: 'direct' }),
  };

  it('records what listMembers returns where the connector has it', async () => {
    const recorder = new EmissionRecorder();
    const watched = recorder.watch({ ...connector, listMembers: async () => ({ members: [{ id: 'u1', displayName: 'Ada' }] }) });
    await watched.listMembers?.(recorder.context(), { id: 'g' });
    expect(recorder.emissions).toEqual(['listMembers result: {"members":[{"id":"u1","displayName":"Ada"}]}']);
  });

  it('adds no listMembers to a connector without one', () => {
    expect('listMembers' in new EmissionRecorder().watch(connector)).toBe(false);
  });
});
