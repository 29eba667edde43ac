import { describe, expect, it } from 'vitest';
import { saveTool } from '../catalog/catalog-service.js';
import { setIdentityMapping } from '../connectors/connector-service.js';
import { HOUR_MS } from '../ports/clock.js';
import { admin, approver, chatgpt } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { listFailedJobs, retryFailedJob } from './failures.js';
import { listManualTasks } from './manual-tasks.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;

/** Jira hid this person's email (profile visibility): the request carries no `requesterEmail`. */
const hidden = { accountId: 'acc-hidden', displayName: 'Hana Hidden' };

async function auditOf(world: EngineWorld, grantId: string) {
  return (await world.store.query('audit', 'bySeq', { partition: [], limit: 100 })).items.filter((event) => event.refs.grantId === grantId);
}

describe('a requester whose email Jira does not show', () => {
  it('fails terminally with identity_mapping_required, telling the admin whom to map where, without calling the provider', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('hana@example.com');
    const grantId = await world.approveFor(hidden);

    const summary = await world.engine().runDueJobs({ deadline: far(world) });

    expect(summary).toMatchObject({ failed: 1, retrying: 0, succeeded: 0 });
    expect(world.directory.log.filter((entry) => entry.op === 'resolve')).toEqual([]);
    const grant = await world.store.get('grant', grantId);
    expect(grant).toMatchObject({ status: 'provision_failed', failure: { kind: 'invalid_config', code: 'identity_mapping_required', retryable: false } });
    expect(grant?.failure?.message).toMatch(/^Map this Jira user: Hana Hidden \(Jira account acc-hidden\) has no identity mapping at Directory, and Jira shows Clearway no email address for them/);
    expect(grant?.failure?.message).toContain('Clearway → Connectors → Directory → Identity mappings');

    const [failed] = (await listFailedJobs(world)).items;
    expect(failed).toMatchObject({ grantId, lastError: { code: 'identity_mapping_required', kind: 'invalid_config' } });
    const audit = await auditOf(world, grantId);
    expect(audit.find((event) => event.type === 'job.failed')?.data).toMatchObject({ kind: 'invalid_config', code: 'identity_mapping_required', message: grant?.failure?.message });
    expect(audit.find((event) => event.type === 'grant.provision_failed')?.data).toMatchObject({ code: 'identity_mapping_required' });
    expect(world.jira.internalNotes.at(-1)?.text).toContain('(identity_mapping_required)');
    expect(world.jira.comments.at(-1)?.text).not.toMatch(/mapping|identity_|Directory/);
  });

  it('succeeds on retry once an admin maps the Jira user, resolving by the mapping', async () => {
    const world = await makeEngineWorld();
    const userId = world.directory.addUser('hana@example.com');
    const grantId = await world.approveFor(hidden);
    await world.engine().runDueJobs({ deadline: far(world) });
    const [failed] = (await listFailedJobs(world)).items;

    await setIdentityMapping(world, admin, { connectorId: 'dir', accountId: hidden.accountId, externalId: userId });
    await retryFailedJob(world, approver, failed!.id);
    expect(await world.engine().runDueJobs({ deadline: far(world) })).toMatchObject({ succeeded: 1, failed: 0 });

    expect((await world.store.get('grant', grantId))?.status).toBe('active');
    expect(world.directory.isMember('g-1', userId)).toBe(true);
    expect((await auditOf(world, grantId)).find((event) => event.type === 'identity.resolved')?.data).toMatchObject({ externalId: userId, matchedBy: 'mapping' });
  });

  it('needs no mapping where the provider works from the account id (a manual connector)', async () => {
    const world = await makeEngineWorld();
    await world.approveFor(hidden, 'desk-tool');
    expect(await world.engine().runDueJobs({ deadline: far(world) })).toMatchObject({ awaitingManual: 1, failed: 0 });
    const [task] = (await listManualTasks(world)).items;
    expect(task?.manualTask).toMatchObject({ action: 'provision', summary: 'Give acc-hidden access to Desk licences' });
  });

  it('uses the cached identity of a person resolved before, with no email and no provider call', async () => {
    const world = await makeEngineWorld();
    const userId = world.directory.addUser('hana@example.com');
    await world.approveFor({ ...hidden, email: 'hana@example.com' });
    await world.engine().runDueJobs({ deadline: far(world) });
    await saveTool(world, admin, { ...chatgpt, id: 'copilot', name: 'GitHub Copilot', fulfillment: { connectorId: 'dir', group: { name: 'ai-copilot', createIfMissing: true } } });
    const resolves = world.directory.log.filter((entry) => entry.op === 'resolve').length;

    // The next request comes after the person hid their email.
    const second = await world.approveFor(hidden, 'copilot');
    await world.engine().runDueJobs({ deadline: far(world) });

    expect((await world.store.get('grant', second))?.status).toBe('active');
    expect(world.directory.log.filter((entry) => entry.op === 'resolve')).toHaveLength(resolves);
    expect(world.directory.isMember('g-2', userId)).toBe(true);
  });

  it('asks for a mapping, not "not found", when the provider itself says only a mapping can find the person', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    world.directory.searchableByEmail = false;
    const grantId = await world.approve('una@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    const grant = await world.store.get('grant', grantId);
    expect(grant).toMatchObject({ status: 'provision_failed', failure: { kind: 'invalid_config', code: 'identity_mapping_required' } });
    expect(grant?.failure?.message).toMatch(/^Map this Jira user: Directory cannot find .* without an identity mapping: This directory cannot search its users by email\. In Clearway → Connectors/);
  });
});
