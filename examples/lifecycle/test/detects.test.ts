import { DAY_MS, identityRecordId, insightsId, put, readInsights, remove } from '@clearway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOutcome } from '../src/calls.js';
import type { Finding } from '../src/discrepancies.js';
import { CI_OPTIONS } from '../src/options.js';
import { dayOf, type GrantRecord } from '../src/record.js';
import { LifecycleRun } from '../src/scenario.js';
import { INTAKE_PROJECT, REVIEW_ISSUE_TYPE, directoryIdOf } from '../src/world.js';

/**
 * A harness that finds nothing may be blind. A short run of the scenario, then one defect of
 * each property planted behind Clearway's back — each must be reported, about the right grant
 * or day, by the same checks the CI run makes after every sweep.
 */
describe('the harness sees a planted defect of each property', () => {
  let run: LifecycleRun;
  let planted: Finding[];
  const targets: Record<'ends' | 'reviews' | 'identities' | 'membership', GrantRecord> = {} as Record<'ends' | 'reviews' | 'identities' | 'membership', GrantRecord>;
  let pastDay: string;

  beforeAll(async () => {
    run = await LifecycleRun.start({ ...CI_OPTIONS, seed: 4_242, days: 16, clockJumps: [] });
    await run.runDays();
    const { ctx, world } = run;
    const { store } = world.deps;
    const keyOf = (finding: Finding) => `${finding.property}|${finding.what}|${finding.grantId ?? finding.subject}`;
    const before = new Set(ctx.found.findings().map(keyOf));
    const seen = new Set(ctx.found.findings().map((finding) => finding.grantId));
    const quiet = [...ctx.record.grants.values()].filter(
      (grant) => grant.status === 'active' && grant.tool.directory !== 'manual' && grant.end > ctx.now() + DAY_MS && grant.handRemovedAt === undefined && !seen.has(grant.id),
    );
    expect(quiet.length).toBeGreaterThanOrEqual(4);
    [targets.ends, targets.reviews, targets.identities, targets.membership] = quiet as [GrantRecord, GrantRecord, GrantRecord, GrantRecord];

    // ends: Clearway's end moved a day past the approved one.
    const stored = await store.get('grant', targets.ends.id);
    if (stored) await store.commit([put('grant', { ...stored, expiresAt: stored.expiresAt + DAY_MS })]);
    // reviews: a second issue for the current term (or one before the term was ever in its window).
    await world.deps.jira.createIssue({ projectKey: INTAKE_PROJECT, issueTypeId: REVIEW_ISSUE_TYPE, summary: `Review access: planted (expires ${dayOf(targets.reviews.end)})`, description: `Clearway grant ${targets.reviews.id} (planted).` });
    // identities: the cached identity of a live grant gone.
    const identity = await store.get('identity', identityRecordId(targets.identities.tool.connectorId, targets.identities.person.accountId));
    if (identity) await store.commit([remove('identity', identity)]);
    // membership: an active member gone from the group, and nobody recorded doing it.
    world.groupMembers(targets.membership.tool)?.delete(directoryIdOf(targets.membership.person, targets.membership.tool));
    // insights: a past day's row says something else.
    pastDay = dayOf(ctx.now() - 3 * DAY_MS);
    const row = await readInsights(world.deps, pastDay);
    const meta = await store.get('meta', insightsId(pastDay));
    if (row && meta) await store.commit([put('meta', { ...meta, value: { ...row, activeGrantsByTool: { 'okta-tool': 9_999 } } })]);
    // calls: a call that went through where the rules refuse it.
    await expectOutcome(ctx, 'a planted call', { refused: 'extension_out_of_bounds', why: 'planted' }, async () => 'accepted', 'planted call');

    await run.checkAfterSweep(ctx.now());
    await run.checkAfterSettle();
    planted = ctx.found.findings().filter((finding) => !before.has(keyOf(finding)));
  }, 120_000);

  afterAll(async () => {
    await run?.close();
  });

  const about = (property: string, subject: string) => planted.filter((finding) => finding.property === property && (finding.grantId ?? finding.subject) === subject).map((finding) => finding.what);

  it('an end that is not the approved one', () => {
    expect(about('ends', targets.ends.id)).toContain('end differs from the approved end');
  });

  it('a review issue the term did not call for', () => {
    expect(about('reviews', targets.reviews.id).length).toBeGreaterThan(0);
  });

  it('a live grant whose cached identity is gone', () => {
    expect(about('identities', targets.identities.id)).toEqual(['cached identity pruned while its grant is live or its removal owed']);
  });

  it('an active grant whose user is not in the group', () => {
    expect(about('membership', targets.membership.id)).toEqual(['active grant but not in the group']);
  });

  it("a day's rollup that differs from the record", () => {
    expect(about('insights', pastDay)).toEqual(['activeGrantsByTool differs']);
  });

  it('a call accepted that the rules refuse', () => {
    expect(about('calls', 'planted call')).toEqual(['a planted call: accepted though the rules refuse it']);
  });
});
