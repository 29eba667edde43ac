import okta from '@okta/okta-sdk-nodejs';
import type { CallRecord } from '@clearway/idp-simulator';
import { SIM_CREDENTIALS } from '@clearway/sandbox';
import { progress, round, timed, type BenchRow } from '../report.js';
import { benchSeed, benchWorld, countActiveGrants, emailOf } from '../world.js';

/** Membership calls the simulated Okta org allows per second (a time-compressed Okta limit). */
const MEMBERSHIP_LIMIT_PER_SECOND = 100;

function membershipCalls(calls: readonly CallRecord[], from: number): CallRecord[] {
  return calls.slice(from).filter((call) => call.vendor === 'okta' && call.bucket === 'membership');
}

/**
 * Row 1: drain efficiency under a rate limit. `grants` approved grants on an Okta connector whose
 * org allows 100 membership calls a second. Clearway's figure is the ideal time (its membership
 * calls ÷ the limit) over the measured time to all-active; the naive baseline — a loop calling
 * the Okta SDK with its default retry — runs against the same simulator in the same run.
 */
export async function drainEfficiency(grants: number): Promise<BenchRow> {
  const world = await benchWorld(benchSeed(grants), { rateLimits: [{ vendor: 'okta', bucket: 'membership', limit: MEMBERSHIP_LIMIT_PER_SECOND, windowMs: 1_000 }] });
  try {
    // An Okta add reads the user's groups (users bucket), then PUTs the membership (membership
    // bucket): one membership call per operation, so the connector runs at the org's call rate.
    await world.tool('okta-drain', 'okta-group', { requestsPerSecond: MEMBERSHIP_LIMIT_PER_SECOND, lookupsPerSecond: 2_000, concurrency: 8 });
    progress(`row 1: approving ${grants} requests`);
    await world.approve('okta-drain', Array.from({ length: grants }, (_, index) => index));
    const before = world.simulator.calls.length;
    progress('row 1: Clearway drains the queue under the limit');
    const clearway = await timed(() => world.drain(world.engine({ throttle: { requestsPerSecond: MEMBERSHIP_LIMIT_PER_SECOND, concurrency: 8, burst: 1 } })));
    const calls = world.simulator.calls.slice(before);
    const membership = membershipCalls(world.simulator.calls, before);
    const activated = await countActiveGrants(world.deps.store);
    const adds = world.simulator.effects('member_added').map((effect) => `${effect.groupId}/${effect.userId}`);
    const idealMs = (membership.length / MEMBERSHIP_LIMIT_PER_SECOND) * 1000;

    progress('row 1: the naive baseline (Okta SDK, default retry) adds the same users to another group');
    const client = new okta.Client({ orgUrl: world.simulator.url, token: SIM_CREDENTIALS.oktaApiToken });
    const created = await client.groupApi.createGroup({ group: { profile: { name: 'AI - baseline' } } });
    const userIds = Array.from({ length: grants }, (_, index) => world.simulator.okta!.findUser(emailOf(index))!.id);
    const baselineStart = world.simulator.calls.length;
    const baseline = await timed(async () => {
      for (const userId of userIds) await client.groupApi.assignUserToGroup({ groupId: created.id!, userId });
    });
    const baselineCalls = world.simulator.calls.slice(baselineStart);
    const baselineMembership = membershipCalls(world.simulator.calls, baselineStart);
    const baselineIdealMs = (baselineMembership.filter((call) => call.status !== 429).length / MEMBERSHIP_LIMIT_PER_SECOND) * 1000;

    const efficiency = idealMs / clearway.ms;
    const share429 = calls.filter((call) => call.status === 429).length / calls.length;
    return {
      id: 'drain',
      name: `Drain ${grants} grants under a 100/s membership limit (Okta)`,
      figure: round(efficiency),
      unit: 'ideal ÷ measured time',
      target: '≥ 0.9, 429s ≤ 1 % of calls, 0 duplicate adds',
      met: efficiency >= 0.9 && share429 <= 0.01 && adds.length === new Set(adds).size && activated > 0,
      details: {
        grantsActivated: activated,
        membershipCalls: membership.length,
        idealSeconds: round(idealMs / 1000, 1),
        measuredSeconds: round(clearway.ms / 1000, 1),
        callsTotal: calls.length,
        share429: round(share429, 4),
        duplicateAdds: adds.length - new Set(adds).size,
        baselineEfficiency: round(baselineIdealMs / baseline.ms),
        baselineSeconds: round(baseline.ms / 1000, 1),
        baselineShare429: round(baselineCalls.filter((call) => call.status === 429).length / baselineCalls.length, 4),
      },
    };
  } finally {
    await world.close();
  }
}
