/**
 * An add on its way to Okta while the clock moves a day ahead (as the chaos run's expiry does) and
 * the grant is revoked: another worker takes the provision job over (its lease ended a day ago),
 * skips it, and removes the user — and then the add lands. The user must not stay in the group:
 * the engine has to treat the taken-over add as in doubt from the moment of the takeover (its owner
 * may still be sending it), and check again once it can no longer land.
 *
 * Okta answers 204 to an add (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Group/#tag/Group/operation/assignUserToGroup);
 * the proxy forwards it after the takeover and holds the answer past the client's timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, revokeGrant, type FulfillmentEngine } from '@clearway/core';
import { sandboxEngine, seededRandom } from '@clearway/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { approver } from '../src/actors.js';
import { DEFAULT_ENGINE_SETTINGS, engineOptionsFor } from '../src/engine-settings.js';
import { defaultFaultPlan } from '../src/fault-proxy/faults.js';
import { approveEveryone, chaosWorld, type ChaosWorld } from '../src/world.js';

let world: ChaosWorld | undefined;
let dir: string | undefined;

afterEach(async () => {
  await world?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  world = undefined;
});

/** Runs the engine until its queue is empty, moving the clock past any wait (the late-effect window included). */
async function drain(current: ChaosWorld, engine: FulfillmentEngine): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const summary = await engine.runDueJobs({ deadline: current.deps.clock.now() + 15_000 });
    if (summary.redispatchAfterMs === undefined) return;
    current.deps.clock.advance(summary.redispatchAfterMs + 1_000);
  }
  throw new Error('the queue did not drain');
}

describe('an add in transit while the clock jumps a day and its grant is revoked', () => {
  it('does not leave the user in the group once the add lands after the removal', async () => {
    dir = mkdtempSync(join(tmpdir(), 'clearway-chaos-late-add-'));
    world = await chaosWorld({ dir, users: 1, seed: 5, plan: defaultFaultPlan(0), holdMs: 5_000, requestTimeoutMs: 2_000 });
    const current = world;
    const [grant] = (await approveEveryone(current, seededRandom(5), 0)).filter((planned) => planned.tool.id === 'okta-tool');
    if (!grant) throw new Error('no Okta grant');
    const first = sandboxEngine(current.deps, engineOptionsFor('worker-a', DEFAULT_ENGINE_SETTINGS));
    const second = sandboxEngine(current.deps, engineOptionsFor('worker-b', DEFAULT_ENGINE_SETTINGS));

    current.proxy.failNext('membership_add', { kind: 'slow_answer' }, 'okta');
    let meanwhile: Promise<void> | undefined;
    current.proxy.onMembershipInFlight((event) => {
      if (event.target.endpoint !== 'membership_add' || meanwhile) return undefined;
      // While the add is in transit: a day passes, the grant is revoked, another worker runs.
      meanwhile = (async () => {
        current.deps.clock.advance(DAY_MS);
        await revokeGrant(current.deps, approver, { grantId: grant.grantId, rationale: 'revoked while its add was in transit' });
        await second.runDueJobs({ deadline: current.deps.clock.now() + 15_000 });
      })();
      return meanwhile;
    });

    await first.runDueJobs({ deadline: current.deps.clock.now() + 15_000 });
    await meanwhile;
    const userId = current.simulator.okta!.findUser(grant.email)!.id;
    const group = current.simulator.okta!.findGroupByName(grant.tool.groupName)!;
    // The add lands once the proxy lets it go, after the removal.
    await expect.poll(() => current.simulator.effects('member_added', userId).length).toBe(1);

    await drain(current, second);
    const ended = await current.deps.store.get('grant', grant.grantId);
    expect(ended).toMatchObject({ status: 'revoked', deprovision: 'done' });
    expect(group.members.has(userId), 'the revoked user is still in the group').toBe(false);
  }, 60_000);
});
