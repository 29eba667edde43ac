import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkIssueQuery } from '@clearway/core';
import { FakeClock } from '@clearway/core/testing';
import { describe, expect, it } from 'vitest';
import { SandboxJira } from '../adapters.js';
import { INC_PROJECT, SimulatedWorkSite } from './site.js';

const RESPONDERS = 'customfield_10050';
const live: WorkIssueQuery = { kind: 'live', projectKey: 'INC', issueTypeIds: [], statusIds: ['10003'], categoryKeys: ['indeterminate'] };

function site(options: { maxPageSize?: number; path?: string } = {}) {
  const clock = new FakeClock();
  const jira = new SandboxJira();
  return { clock, jira, site: new SimulatedWorkSite({ clock, registry: jira, ...options }) };
}

const kinds = (world: ReturnType<typeof site>) => world.site.takeEvents().map((delivery) => `${delivery.name} ${delivery.event.kind}${delivery.event.enteredStatusId ? ` → ${delivery.event.enteredStatusId}` : ''}`);

describe('the simulated work site: what each operation emits', () => {
  it('a new issue: one created event, the issue registered with the sandbox Jira for notes', async () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Checkout errors', assignee: 'jira-chen', reporter: 'jira-ana' });
    const [delivery, ...rest] = world.site.takeEvents();
    expect(rest).toEqual([]);
    expect(delivery).toMatchObject({ name: 'avi:jira:created:issue', event: { kind: 'created', issueKey: key, projectKey: 'INC', at: world.clock.now() } });
    expect(delivery?.changelogId).toBeUndefined();
    expect(world.site.issue(key)).toMatchObject({ key: 'INC-1', status: { name: 'Open', categoryKey: 'new' }, resolved: false, assigneeAccountId: 'jira-chen', reporterAccountId: 'jira-ana' });
    await world.jira.comment(key, 'Clearway note', { audience: 'internal' });
    expect(world.jira.issues[key]?.internalNotes).toEqual(['Clearway note']);
  });

  it('a transition: one updated event naming the status entered; Done sets the resolution, reopening clears it', () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Latency' });
    world.site.takeEvents();
    world.site.transition(key, 'In Progress');
    world.site.transition(key, 'Resolved');
    expect(world.site.issue(key)).toMatchObject({ status: { id: '10004', categoryKey: 'done' }, resolved: true });
    world.site.transition(key, 'Investigating');
    expect(world.site.issue(key)?.resolved).toBe(false);
    expect(kinds(world)).toEqual(['avi:jira:updated:issue updated → 10002', 'avi:jira:updated:issue updated → 10004', 'avi:jira:updated:issue updated → 10003']);
    expect(() => world.site.transition(key, 'Investigating')).toThrow(/already in Investigating/);
    expect(() => world.site.transition(key, 'Triage')).toThrow(/no status "Triage"/);
  });

  it('an assignment: assigned and updated (Forge sends both), each with no status; the same assignee again sends nothing', () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Disk full', assignee: 'jira-chen' });
    world.site.takeEvents();
    world.site.assign(key, 'jira-dev');
    world.site.assign(key, 'jira-dev');
    world.site.assign(key, undefined);
    const deliveries = world.site.takeEvents();
    expect(deliveries.map((delivery) => delivery.name)).toEqual(['avi:jira:assigned:issue', 'avi:jira:updated:issue', 'avi:jira:assigned:issue', 'avi:jira:updated:issue']);
    expect(deliveries.every((delivery) => delivery.event.enteredStatusId === undefined)).toBe(true);
    // Each update has its own changelog id (what an adapter keys idempotency on); assigned events have none.
    expect(new Set(deliveries.filter((delivery) => delivery.changelogId).map((delivery) => delivery.changelogId)).size).toBe(2);
    expect(world.site.issue(key)?.assigneeAccountId).toBeUndefined();
  });

  it('a user-picker field: updated; reads return the fields asked for that the project has, empty when unset', () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Task', summary: 'Postmortem' });
    expect(world.site.issue(key, [RESPONDERS, 'customfield_99999'])?.userFields).toEqual({ [RESPONDERS]: [] });
    world.site.takeEvents();
    world.site.setField(key, RESPONDERS, ['jira-ana', 'jira-eve', 'jira-ana']);
    expect(kinds(world)).toEqual(['avi:jira:updated:issue updated']);
    expect(world.site.issue(key, [RESPONDERS])?.userFields).toEqual({ [RESPONDERS]: ['jira-ana', 'jira-eve'] });
    expect(world.site.issue(key)?.userFields).toEqual({});
    expect(() => world.site.setField(key, 'customfield_1', ['jira-ana'])).toThrow(/cannot be set/);
  });

  it('a deletion: deleted; reads answer nothing and the sandbox Jira refuses notes on it', async () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Spam' });
    const id = world.site.issue(key)!.id;
    world.site.takeEvents();
    world.site.delete(key);
    expect(world.site.takeEvents()).toEqual([expect.objectContaining({ name: 'avi:jira:deleted:issue', event: expect.objectContaining({ kind: 'deleted', issueId: id, issueKey: key }) })]);
    expect(await world.site.read(key, [])).toBeUndefined();
    expect(await world.site.read(id, [])).toBeUndefined();
    await expect(world.jira.comment(key, 'late note', { audience: 'internal' })).rejects.toThrow(/does not exist/);
    expect(() => world.site.assign(key, 'jira-ana')).toThrow(/does not exist/);
  });

  it('events wait in the outbox, in the order Jira emitted them, until taken', () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Order' });
    world.site.assign(key, 'jira-ana');
    world.clock.advance(60_000);
    world.site.transition(key, 'In Progress');
    expect(world.site.pendingEvents).toBe(4);
    const taken = world.site.takeEvents();
    expect(taken.map((delivery) => delivery.seq)).toEqual([1, 2, 3, 4]);
    expect(taken[3]!.event.at - taken[0]!.event.at).toBeGreaterThanOrEqual(60_000);
    expect(world.site.pendingEvents).toBe(0);
  });
});

describe('the simulated work site: the WorkIssues port', () => {
  it('shows the people an issue names as Jira does: display name, and the email unless the profile hides it', async () => {
    const clock = new FakeClock();
    const people = { 'jira-ana': { displayName: 'Ana Alvarez', email: 'ana@example.com' }, 'jira-hana': { displayName: 'Hana Hidden' }, 'jira-ben': { displayName: 'Ben Baker', email: 'ben@example.com' } };
    const withPeople = new SimulatedWorkSite({ clock, people });
    const key = withPeople.create({ projectKey: 'INC', issueType: 'Incident', summary: 'People', assignee: 'jira-hana', reporter: 'jira-ana', fields: { [RESPONDERS]: ['jira-ben', 'jira-unknown'] } });
    expect((await withPeople.read(key, []))?.people).toEqual({ 'jira-hana': { displayName: 'Hana Hidden' }, 'jira-ana': { displayName: 'Ana Alvarez', email: 'ana@example.com' } });
    // A user field's people come with it only when the field is asked for; an account the site does not know comes back as its id alone.
    expect(Object.keys((await withPeople.read(key, [RESPONDERS]))?.people ?? {}).sort()).toEqual(['jira-ana', 'jira-ben', 'jira-hana']);
  });

  it('reads by id or key, counting reads', async () => {
    const world = site();
    const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'Read me' });
    const byKey = await world.site.read(key, []);
    expect(await world.site.read(byKey!.id, [])).toEqual(byKey);
    expect(await world.site.read('INC-404', [])).toBeUndefined();
    expect(world.site.calls.read).toBe(3);
  });

  it('a live query: the project, the statuses by id or category, the issue types, unresolved only', async () => {
    const world = site();
    const make = (summary: string, status: string, issueType = 'Incident', resolution?: string) => {
      const key = world.site.create({ projectKey: 'INC', issueType, summary });
      if (status !== 'Open') world.site.transition(key, status, resolution === undefined ? {} : { resolution });
      return key;
    };
    const inProgress = make('a', 'In Progress');
    const investigating = make('b', 'Investigating');
    const task = make('c', 'In Progress', 'Task');
    make('d', 'Open');
    make('e', 'Resolved');
    make('f', 'Closed');
    // A workflow that sets the resolution without leaving an In Progress status: not live (the port's query is unresolved issues).
    make('g', 'In Progress', 'Incident', "Won't Do");
    world.site.create({ projectKey: 'OPS', issueType: 'Task', summary: 'other project', status: 'Doing' });
    const keys = async (query: WorkIssueQuery) => (await world.site.search(query, [], { maxResults: 100 })).issues.map((issue) => issue.key);
    expect(await keys(live)).toEqual([inProgress, investigating, task]);
    expect(await keys({ ...live, categoryKeys: [] })).toEqual([investigating]);
    expect(await keys({ ...live, statusIds: ['10002'], categoryKeys: [] })).toEqual([inProgress, task]);
    expect(await keys({ ...live, issueTypeIds: [INC_PROJECT.issueTypes[0]!.id] })).toEqual([inProgress, investigating]);
    await expect(keys({ ...live, projectKey: 'NOPE' })).rejects.toThrow("The value 'NOPE' does not exist for the field 'project'.");
  });

  it('an ids query: the issues that still exist, at most 100 ids', async () => {
    const world = site();
    const keys = ['x', 'y', 'z'].map((summary) => world.site.create({ projectKey: 'INC', issueType: 'Incident', summary }));
    const ids = keys.map((key) => world.site.issue(key)!.id);
    world.site.delete(keys[1]!);
    const page = await world.site.search({ kind: 'ids', issueIds: [...ids].reverse() }, [], { maxResults: 10 });
    expect(page.issues.map((issue) => issue.key)).toEqual([keys[0], keys[2]]);
    await expect(world.site.search({ kind: 'ids', issueIds: Array.from({ length: 101 }, (_, index) => String(index)) }, [], { maxResults: 10 })).rejects.toThrow(/at most 100/);
  });

  it('pages with nextPageToken: no repeat and no skip, the last page without a token, even as issues change between pages', async () => {
    const world = site();
    const keys = Array.from({ length: 7 }, (_, index) => {
      const key = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: `incident ${index}` });
      world.site.transition(key, 'In Progress');
      return key;
    });
    const first = await world.site.search(live, [], { maxResults: 3 });
    expect(first.issues.map((issue) => issue.key)).toEqual(keys.slice(0, 3));
    expect(first.nextPageToken).toEqual(expect.any(String));
    // Between pages: an issue already served leaves, one not yet served leaves, a new one arrives.
    world.site.transition(keys[0]!, 'Resolved');
    world.site.transition(keys[4]!, 'Resolved');
    const added = world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'late', status: 'Investigating' });
    const second = await world.site.search(live, [], { maxResults: 3, nextPageToken: first.nextPageToken! });
    const third = await world.site.search(live, [], { maxResults: 3, nextPageToken: second.nextPageToken! });
    expect([...second.issues, ...third.issues].map((issue) => issue.key)).toEqual([keys[3], keys[5], keys[6], added]);
    expect(third).not.toHaveProperty('nextPageToken');
    expect(world.site.calls.search).toBe(3);
  });

  it('serves at most its page size whatever is asked (Jira may answer fewer than maxResults), and refuses bad pages', async () => {
    const world = site({ maxPageSize: 2 });
    for (let index = 0; index < 3; index += 1) world.site.create({ projectKey: 'INC', issueType: 'Incident', summary: `n${index}`, status: 'In Progress' });
    const first = await world.site.search(live, [], { maxResults: 100 });
    expect(first.issues).toHaveLength(2);
    expect((await world.site.search(live, [], { maxResults: 100, nextPageToken: first.nextPageToken! })).issues).toHaveLength(1);
    await expect(world.site.search(live, [], { maxResults: 0 })).rejects.toThrow(/between 1 and 100/);
    await expect(world.site.search(live, [], { maxResults: 101 })).rejects.toThrow(/between 1 and 100/);
    await expect(world.site.search(live, [], { maxResults: 5, nextPageToken: 'not-a-token' })).rejects.toThrow(/nextPageToken is invalid/);
  });

  it('lists a project’s statuses with their categories; an unknown project is refused', async () => {
    const world = site();
    expect((await world.site.projectStatuses('INC')).map((status) => `${status.id} ${status.name} ${status.categoryKey}`)).toEqual([
      '10001 Open new',
      '10002 In Progress indeterminate',
      '10003 Investigating indeterminate',
      '10004 Resolved done',
      '10005 Closed done',
    ]);
    await expect(world.site.projectStatuses('NOPE')).rejects.toThrow(/does not exist/);
  });

  it('keeps its issues in its file: a second site on the same file sees them and numbers on', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'work-site-')), 'work-site.json');
    const first = site({ path });
    const key = first.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'persisted', assignee: 'jira-chen' });
    first.site.transition(key, 'Investigating');
    const second = site({ path });
    expect(second.site.issue(key)).toMatchObject({ status: { name: 'Investigating' }, assigneeAccountId: 'jira-chen' });
    expect(second.site.create({ projectKey: 'INC', issueType: 'Incident', summary: 'next' })).toBe('INC-2');
    expect(second.site.issue('INC-2')!.id).not.toBe(second.site.issue(key)!.id);
  });
});
