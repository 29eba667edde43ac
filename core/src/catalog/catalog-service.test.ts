import { describe, expect, it } from 'vitest';
import { admin, approver, chatgpt, makeDeps, snapshot } from '../test-support/harness.js';
import { put } from '../ports/store.js';
import { listTools, recordGroupBinding, saveTool, seedCatalog } from './catalog-service.js';
import { SEED_TOOLS } from './seed.js';

describe('catalog', () => {
  it('adds a tool, defaulting to manual fulfillment, and audits the change', async () => {
    const deps = await makeDeps();
    const tool = await saveTool(deps, admin, { ...chatgpt, id: undefined });
    expect(tool).toMatchObject({ id: 'chatgpt-enterprise', status: 'approved', fulfillment: { connectorId: 'manual', group: {} }, version: 1 });
    const [event] = (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(event).toMatchObject({ type: 'catalog.tool_added', actor: 'admin-1', refs: { toolId: 'chatgpt-enterprise' } });
  });

  it('refuses bad input, unknown connectors and non-admins, changing nothing', async () => {
    const deps = await makeDeps();
    const before = snapshot(deps.store);
    await expect(saveTool(deps, admin, { ...chatgpt, defaultDurationDays: 100, maxDurationDays: 90 })).rejects.toMatchObject({ code: 'validation_failed', message: /default duration cannot exceed/ });
    await expect(saveTool(deps, admin, { ...chatgpt, riskLevel: 'extreme' as never })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(saveTool(deps, admin, { ...chatgpt, fulfillment: { connectorId: 'okta-x', group: {} } })).rejects.toMatchObject({ code: 'validation_failed', message: /okta-x does not exist/ });
    await expect(saveTool(deps, approver, chatgpt)).rejects.toMatchObject({ code: 'forbidden' });
    expect(snapshot(deps.store)).toBe(before);
  });

  it('edits a tool, records which fields changed, and skips no-op saves', async () => {
    const deps = await makeDeps();
    await saveTool(deps, admin, chatgpt);
    const edited = await saveTool(deps, admin, { ...chatgpt, status: 'blocked', guidance: 'Paused' });
    expect(edited).toMatchObject({ status: 'blocked', version: 2 });
    const [event] = (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items;
    expect(event).toMatchObject({ type: 'catalog.tool_updated', data: { changed: ['status', 'guidance'] } });
    const again = await saveTool(deps, admin, { ...chatgpt, status: 'blocked', guidance: 'Paused' });
    expect(again.version).toBe(2);
  });

  it('keeps a stored group binding until the tool is bound elsewhere', async () => {
    const deps = await makeDeps();
    await deps.store.commit([put('connector', { id: 'okta-main', version: 0, providerType: 'okta-group', name: 'Okta', settings: {}, secretsSet: [], enabled: true, createdAt: 0, updatedAt: 0 })]);
    await saveTool(deps, admin, { ...chatgpt, fulfillment: { connectorId: 'okta-main', group: { name: 'ai-chatgpt' } } });
    const bound = await recordGroupBinding(deps, 'chatgpt', { groupId: '00g1', groupName: 'ai-chatgpt', outcome: 'created' });
    expect(bound.fulfillment.bound).toMatchObject({ groupId: '00g1' });
    await expect(recordGroupBinding(deps, 'chatgpt', { groupId: '00g2', outcome: 'bound' })).rejects.toMatchObject({ code: 'conflict' });
    expect((await saveTool(deps, admin, { ...chatgpt, guidance: 'new', fulfillment: { connectorId: 'okta-main', group: { name: 'ai-chatgpt' } } })).fulfillment.bound?.groupId).toBe('00g1');
    expect((await saveTool(deps, admin, { ...chatgpt, fulfillment: { connectorId: 'okta-main', group: { name: 'ai-other' } } })).fulfillment.bound).toBeUndefined();
  });

  it('seeds common tools with risk defaults, once', async () => {
    const deps = await makeDeps();
    const first = await seedCatalog(deps, admin);
    expect(first.added).toHaveLength(SEED_TOOLS.length);
    expect((await seedCatalog(deps, admin)).added).toEqual([]);
    const cursor = await deps.store.get('tool', 'cursor-business');
    expect(cursor).toMatchObject({ riskLevel: 'high', maxDurationDays: 30, defaultDurationDays: 30, status: 'approved' });
    const requestable = await listTools(deps, { requestableOnly: true, limit: 100 });
    expect(requestable.items.every((tool) => tool.status === 'approved')).toBe(true);
    expect(requestable.items.map((tool) => tool.id)).not.toContain('deepseek-chat');
    await expect(seedCatalog(deps, admin, { toolIds: ['not-a-tool'] })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
