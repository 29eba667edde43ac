import { describe, expect, it } from 'vitest';
import { seededRandom } from '@clearway/sandbox';
import type { RequestTarget } from './endpoints.js';
import { chooseFault, defaultFaultPlan, faultLabel, type FaultChoice } from './faults.js';

const oktaAdd: RequestTarget = { vendor: 'okta', endpoint: 'membership_add', groupId: '00g1', userIds: ['00u1'] };
const graphAdd: RequestTarget = { vendor: 'graph', endpoint: 'membership_add', groupId: 'g-1', userIds: ['u-1'] };
const never = { recentlyCreated: () => false };
const always = { recentlyCreated: () => true };

function draw(target: RequestTarget, times: number, rate: number, context = never, seed = 1): Array<FaultChoice | undefined> {
  const random = seededRandom(seed);
  const plan = defaultFaultPlan(rate);
  return Array.from({ length: times }, () => chooseFault(plan, target, random, context));
}

describe('the fault plan', () => {
  it('injects nothing at rate 0 and something every time at rate 1', () => {
    expect(draw(oktaAdd, 200, 0).filter(Boolean)).toHaveLength(0);
    expect(draw(oktaAdd, 200, 1).filter(Boolean)).toHaveLength(200);
  });

  it('injects about the share it is given', () => {
    const faults = draw(oktaAdd, 4_000, 0.2).filter(Boolean).length;
    expect(faults).toBeGreaterThan(700);
    expect(faults).toBeLessThan(900);
  });

  it('repeats exactly for a seed, and differs for another', () => {
    const labels = (seed: number) => draw(oktaAdd, 300, 0.5, never, seed).map((choice) => (choice ? faultLabel(choice) : '-'));
    expect(labels(7)).toEqual(labels(7));
    expect(labels(7)).not.toEqual(labels(8));
  });

  it('uses every kind and every Retry-After form on Okta membership adds, but never the replication delay', () => {
    const labels = new Set(draw(oktaAdd, 6_000, 1).map((choice) => (choice ? faultLabel(choice) : '-')));
    for (const kind of ['server_error_json', 'server_error_html', 'reset_before', 'reset_after', 'slow_answer', 'truncated_json']) expect(labels).toContain(kind);
    for (const form of ['seconds', 'http_date', 'past_date', 'zero', 'missing', 'garbage', 'huge', 'okta_reset', 'okta_reset_huge']) expect(labels).toContain(`rate_limited:${form}`);
    for (const body of ['empty_object', 'empty_array', 'value_of_empty', 'html']) {
      expect(labels).toContain(`unexpected_body_replaced:${body}`);
      expect(labels).toContain(`unexpected_body_unforwarded:${body}`);
    }
    expect(labels).not.toContain('replication_delay');
  });

  it("gives Graph the replication delay only right after the group's creation, and never Okta's rate-limit headers", () => {
    const fresh = new Set(draw(graphAdd, 3_000, 1, always).map((choice) => choice && faultLabel(choice)));
    const settled = new Set(draw(graphAdd, 3_000, 1, never).map((choice) => choice && faultLabel(choice)));
    expect(fresh).toContain('replication_delay');
    expect(settled).not.toContain('replication_delay');
    expect([...fresh].filter((label) => label?.startsWith('rate_limited:okta_'))).toEqual([]);
  });

  it('leaves out the kinds and forms a run excludes', () => {
    const random = seededRandom(3);
    const plan = defaultFaultPlan(1);
    const labels = new Set(Array.from({ length: 3_000 }, () => chooseFault(plan, oktaAdd, random, never, { withoutKinds: ['slow_answer'], withoutRetryAfter: ['huge', 'okta_reset_huge'] })).map((choice) => choice && faultLabel(choice)));
    expect(labels).not.toContain('slow_answer');
    expect(labels).not.toContain('rate_limited:huge');
    expect(labels).not.toContain('rate_limited:okta_reset_huge');
    expect(labels).toContain('rate_limited:seconds');
  });

  it('never touches a request it could not classify', () => {
    expect(draw({ vendor: 'unknown', endpoint: 'other', userIds: [] }, 100, 1).filter(Boolean)).toHaveLength(0);
  });
});
