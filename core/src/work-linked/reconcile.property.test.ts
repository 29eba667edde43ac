import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../ports/clock.js';
import type { WorkEvent } from '../ports/work-issues.js';
import { admin } from '../test-support/harness.js';
import { makeEngineWorld, type EngineWorld } from '../test-support/engine-world.js';
import { MemoryWorkIssues, STATUSES, incidentPolicy } from '../test-support/work-world.js';
import { handleWorkEvent } from './events.js';
import { isLive } from './liveness.js';
import { currentWorkPolicies, saveWorkPolicy } from './policy-service.js';
import { sweepWorkLinked } from './sweep.js';

const USERS = ['ann', 'bo', 'cy'] as const;
const ISSUES = ['101', '102', '103', '104'] as const;
const MAX_HOURS = 6;
const LIVE_CHOICES = ['open', 'progress', 'investigating', 'resolved', 'closed'] as const;

type Command =
  | { kind: 'transition'; issue: number; to: (typeof LIVE_CHOICES)[number] }
  | { kind: 'assign'; issue: number; user: number | null }
  | { kind: 'delete'; issue: number }
  | { kind: 'deliver'; pick: number; keep: boolean }
  | { kind: 'drop'; pick: number }
  | { kind: 'advance'; minutes: number }
  | { kind: 'engine' }
  | { kind: 'sweep' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('transition' as const), issue: fc.nat({ max: ISSUES.length - 1 }), to: fc.constantFrom(...LIVE_CHOICES) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('assign' as const), issue: fc.nat({ max: ISSUES.length - 1 }), user: fc.option(fc.nat({ max: USERS.length - 1 }), { nil: null }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), issue: fc.nat({ max: ISSUES.length - 1 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(), keep: fc.boolean() }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('advance' as const), minutes: fc.integer({ min: 1, max: 8 * 60 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('engine' as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('sweep' as const) }), weight: 1 },
);

interface Model {
  readonly world: EngineWorld & { issues: MemoryWorkIssues };
  readonly outbox: WorkEvent[];
  readonly deleted: Set<string>;
}

function emit(model: Model, issueId: string, kind: WorkEvent['kind'], enteredStatusId?: string): void {
  model.outbox.push({ kind, issueId, issueKey: `INC-${issueId}`, projectKey: 'INC', at: model.world.clock.now(), ...(enteredStatusId !== undefined && { enteredStatusId }) });
}

async function drain(world: EngineWorld): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const summary = await world.engine().runDueJobs({ deadline: world.clock.now() + HOUR_MS });
    if (summary.claimed === 0) return;
  }
}

async function apply(model: Model, step: Command): Promise<void> {
  const { world } = model;
  switch (step.kind) {
    case 'transition': {
      const id = ISSUES[step.issue]!;
      if (model.deleted.has(id)) return;
      const status = STATUSES[step.to];
      world.issues.set({ id, status, resolved: status.categoryKey === 'done' });
      emit(model, id, 'updated', status.id);
      return;
    }
    case 'assign': {
      const id = ISSUES[step.issue]!;
      if (model.deleted.has(id)) return;
      const user = step.user === null ? undefined : USERS[step.user]!;
      const { assigneeAccountId: _previous, ...rest } = world.issues.issues.get(id)!;
      world.issues.issues.set(id, { ...rest, ...(user !== undefined && { assigneeAccountId: `acc-${user}` }) });
      // Jira sends both an assigned and an updated event for one assignment.
      emit(model, id, 'assigned');
      emit(model, id, 'updated');
      return;
    }
    case 'delete': {
      const id = ISSUES[step.issue]!;
      if (model.deleted.has(id)) return;
      world.issues.delete(id);
      model.deleted.add(id);
      emit(model, id, 'deleted');
      return;
    }
    case 'deliver': {
      if (model.outbox.length === 0) return;
      const index = step.pick % model.outbox.length;
      const event = model.outbox[index]!;
      if (!step.keep) model.outbox.splice(index, 1);
      await handleWorkEvent(world, event);
      return;
    }
    case 'drop':
      if (model.outbox.length > 0) model.outbox.splice(step.pick % model.outbox.length, 1);
      return;
    case 'advance':
      world.clock.advance(step.minutes * MINUTE_MS);
      return;
    case 'engine':
      await drain(world);
      return;
    case 'sweep':
      await sweepWorkLinked(world);
      return;
  }
}

describe('work-linked access (property): after the sweep, the group is exactly the live work', () => {
  it('a user is in the group if and only if a linked issue is live for them and within its maximum duration, whatever the events did', async () => {
    let checks = 0;
    let members = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const engineWorld = await makeEngineWorld();
        const issues = new MemoryWorkIssues();
        for (const user of USERS) engineWorld.directory.addUser(`${user}@example.com`);
        for (const id of ISSUES) issues.set({ id, status: STATUSES.open, people: Object.fromEntries(USERS.map((user) => [`acc-${user}`, { email: `${user}@example.com`, displayName: user }])) });
        const world = Object.assign(engineWorld, { issues });
        await saveWorkPolicy(world, admin, incidentPolicy({ maxDurationHours: MAX_HOURS }));
        const model: Model = { world, outbox: [], deleted: new Set() };
        for (const step of commands) await apply(model, step);

        await sweepWorkLinked(world);
        await drain(world);

        const now = world.clock.now();
        const [policy] = (await currentWorkPolicies(world.store)).policies;
        const groupId = [...world.directory.groups.entries()].find(([, name]) => name === 'ai-chatgpt')?.[0];
        const links = (await world.store.query('workLink', 'open', { partition: [], limit: 100 })).items;
        for (const user of USERS) {
          const accountId = `acc-${user}`;
          const liveFor = [...issues.issues.values()].filter((issue) => isLive(policy!, issue) && issue.assigneeAccountId === accountId);
          const withinMax = links.filter((link) => link.accountId === accountId && link.state === 'live' && link.deadline > now);
          const member = groupId !== undefined && world.directory.isMember(groupId, `u-${user}`);
          // Soundness: a live link is a live issue for that user, and within its maximum.
          for (const link of withinMax) expect(liveFor.map((issue) => issue.id), `link ${link.id} is live but its issue is not`).toContain(link.issueId);
          // Completeness: a live issue for the user has a live link, unless its maximum duration ended it.
          for (const issue of liveFor) {
            const link = await world.store.get('workLink', `wl:${policy!.id}:${issue.id}:${accountId}`);
            const ok = (link?.state === 'live' && link.deadline > now) || (link?.state === 'ended' && link.endReason === 'max_duration' && link.deadline <= now);
            expect(ok, `INC-${issue.id} is live for ${user} but its link is ${JSON.stringify(link)}`).toBe(true);
          }
          expect(member, `${user}: in the group ${member}, live work within its maximum ${withinMax.length}`).toBe(withinMax.length > 0);
          checks += 1;
          if (member) members += 1;
        }
      }),
      { numRuns: 200, seed: 20261208, endOnFailure: true },
    );
    expect(checks).toBe(200 * USERS.length);
    // The runs reach both sides of the property, not only the empty group.
    expect(members).toBeGreaterThan(5);
  }, 240_000);
});
