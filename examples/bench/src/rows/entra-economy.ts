import { progress, round, type BenchRow } from '../report.js';
import { benchSeed, benchWorld, countActiveGrants } from '../world.js';

/**
 * Row 2: HTTP calls to Microsoft Graph (and its sign-in) per activated grant, with batching on
 * and off, in the same run against the same simulator. With batching, a grant costs its user's
 * lookup plus a twentieth of a `PATCH members@odata.bind`.
 */
export async function entraRequestEconomy(grants: number): Promise<BenchRow> {
  const world = await benchWorld(benchSeed(grants * 2));
  try {
    const measure = async (toolId: string, users: number[], batching: boolean) => {
      await world.tool(toolId, 'entra-group', { requestsPerSecond: 500, lookupsPerSecond: 1_000, concurrency: 8 });
      await world.approve(toolId, users);
      const before = world.simulator.calls.length;
      await world.drain(world.engine({ batching }));
      const calls = world.simulator.calls.slice(before).filter((call) => call.vendor === 'graph' || call.vendor === 'entra-auth');
      return { calls: calls.length, activated: await countActiveGrants(world.deps.store, toolId) };
    };
    progress(`row 2: ${grants} Entra grants with batching`);
    const batched = await measure('entra-batched', Array.from({ length: grants }, (_, index) => index), true);
    progress(`row 2: ${grants} Entra grants without batching`);
    const single = await measure('entra-single', Array.from({ length: grants }, (_, index) => grants + index), false);
    const perGrant = batched.calls / batched.activated;
    return {
      id: 'entra-economy',
      name: `Graph calls per activated grant (${grants} grants), batching on vs off`,
      figure: round(perGrant),
      unit: 'calls per grant (batching on)',
      target: '≤ 1.1',
      met: perGrant <= 1.1 && batched.activated === grants,
      details: { batchedCalls: batched.calls, batchedActivated: batched.activated, unbatchedCalls: single.calls, unbatchedActivated: single.activated, unbatchedPerGrant: round(single.calls / single.activated) },
    };
  } finally {
    await world.close();
  }
}
