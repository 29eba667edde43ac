import { MINUTE_MS, decide, submitRequest, updateConnector } from '@clearway/core';
import { seededRandom, withProviders } from '@clearway/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTAKE_PROJECT, TOOLS, admin, approver, lifecycleWorld, type LifecycleWorld } from '../src/world.js';

/**
 * The harness moves through months in seconds only if the engine's waits (a rate slot, the next
 * due job) run on the fake clock. At one call a second, eight grants take the engine many
 * simulated seconds; they must take far fewer real ones.
 */
describe("the engine's waits run on the harness's fake clock", () => {
  let world: LifecycleWorld;
  beforeAll(async () => {
    world = await lifecycleWorld({ seed: 3, people: 10, outsiders: 1 }, seededRandom(3));
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('provisions eight Okta grants at one call a second in simulated time, not in real time', async () => {
    const tool = TOOLS.find((candidate) => candidate.directory === 'okta');
    if (!tool) throw new Error('no Okta tool');
    await updateConnector(withProviders(world.deps), admin, tool.connectorId, { limits: { requestsPerSecond: 1, lookupsPerSecond: 1, concurrency: 8 } });
    for (const person of world.people.slice(0, 8)) {
      const issueKey = world.deps.jira.openRequestIssue(INTAKE_PROJECT, 'fake clock');
      const { request } = await submitRequest(world.deps, { accountId: person.accountId, email: person.email }, { issueKey, projectKey: INTAKE_PROJECT, toolId: tool.id, purpose: 'Checking which clock the engine waits on', durationDays: 5 });
      await decide(world.deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'fake clock check' });
    }
    const simulatedFrom = world.deps.clock.now();
    const realFrom = Date.now();
    const summary = await world.engine.runDueJobs({ deadline: simulatedFrom + 10 * MINUTE_MS });
    const simulatedMs = world.deps.clock.now() - simulatedFrom;
    const realMs = Date.now() - realFrom;

    expect(summary.succeeded).toBe(8);
    expect(world.groupMembers(tool)?.size).toBe(8);
    // Eight adds and eight user lookups at one a second each: at least seven seconds of waiting.
    expect(simulatedMs).toBeGreaterThanOrEqual(7_000);
    expect(realMs).toBeLessThan(simulatedMs / 2);
  }, 60_000);
});
