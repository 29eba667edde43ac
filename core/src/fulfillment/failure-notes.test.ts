import { PermissionError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { revokeGrant } from '../grants/grant-service.js';
import { HOUR_MS } from '../ports/clock.js';
import { admin, approver } from '../test-support/harness.js';
import { MemoryWorkIssues, STATUSES, incidentPolicy } from '../test-support/work-world.js';
import { saveWorkPolicy } from '../work-linked/policy-service.js';
import { reconcileWorkIssue } from '../work-linked/reconcile.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';

const far = (world: EngineWorld) => world.clock.now() + HOUR_MS;

/** A refusal carrying what a provider's error really carries: its wording, code and request id. */
const refusal = () => new PermissionError('Okta refused to change group 00g1abc: E0000006 You do not have permission to perform the requested action', { status: 403, providerCode: 'E0000006', requestId: 'req-7f3a' });

describe('telling Jira a fulfillment failed', () => {
  it('puts the classified reason in one internal note and tells the requester only what happens next', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', refusal());

    await world.engine().runDueJobs({ deadline: far(world) });

    const { issueKey } = (await world.store.get('grant', grantId))!;
    const notes = world.jira.internalNotes.filter((note) => note.issueKey === issueKey);
    expect(notes).toEqual([{ issueKey, text: expect.stringMatching(/^Granting access failed and needs an admin: Okta refused to change group 00g1abc: E0000006 .* \(permission\)\. Fix the cause/) }]);
    const comments = world.jira.comments.filter((comment) => comment.issueKey === issueKey && !comment.text.startsWith('Access to'));
    expect(comments).toEqual([{ issueKey, text: 'Setting up your access to ChatGPT Enterprise hit a problem on our side. The team has been told and is sorting it out; nothing is needed from you. You can follow its status on this request.' }]);
    for (const internal of ['Okta', 'E0000006', '00g1abc', 'permission', 'req-7f3a', 'admin']) expect(comments[0]?.text).not.toContain(internal);
  });

  it('notes a work-linked grant\'s failure internally only: the incident\'s customer is not the person given the tool', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const issues = new MemoryWorkIssues();
    const deps = { ...world, issues };
    await saveWorkPolicy(deps, admin, incidentPolicy());
    issues.set({ id: '101', status: STATUSES.progress, assigneeAccountId: 'acc-una', people: { 'acc-una': { email: 'una@example.com' } } });
    await reconcileWorkIssue(deps, '101');
    world.directory.failNext('add', refusal());

    await world.engine().runDueJobs({ deadline: far(world) });

    expect(world.jira.internalNotes.at(-1)).toEqual({ issueKey: 'INC-101', text: expect.stringMatching(/^Granting access failed and needs an admin/) });
    expect(world.jira.comments).toEqual([]);
  });

  it('notes a failed removal internally only: the requester has nothing to wait on', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    await world.engine().runDueJobs({ deadline: far(world) });
    await revokeGrant(world, approver, { grantId, rationale: 'left the team' });
    const customerComments = world.jira.comments.length;
    world.directory.failNext('remove', refusal());

    await world.engine().runDueJobs({ deadline: far(world) });

    expect((await world.store.get('grant', grantId))?.deprovision).toBe('failed');
    expect(world.jira.internalNotes.at(-1)?.text).toMatch(/^Removing access failed and needs an admin: .*\(permission\)/);
    expect(world.jira.comments).toHaveLength(customerComments);
  });

  it('keeps the failure recorded when Jira cannot take the comments', async () => {
    const world = await makeEngineWorld();
    world.directory.addUser('una@example.com');
    const grantId = await world.approve('una@example.com');
    world.directory.failNext('add', refusal());
    world.jira.failing = true;

    expect(await world.engine().runDueJobs({ deadline: far(world) })).toMatchObject({ failed: 1 });

    expect(await world.store.get('grant', grantId)).toMatchObject({ status: 'provision_failed', failure: { code: 'permission' } });
    expect(world.logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'Could not add the fulfillment failure to Jira as an internal note',
      'Could not tell the requester on Jira that setting up their access hit a problem',
    ]);
  });
});
