import { DAY_MS, identityRecordId, insightsId, put, readInsights, remove, type AccessException } from '@clearway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOutcome } from '../src/calls.js';
import type { Finding } from '../src/discrepancies.js';
import { CI_OPTIONS } from '../src/options.js';
import { lapseMoment } from '../src/exception-record.js';
import { openListId } from '../src/properties/exception-list.js';
import { dayOf, type GrantRecord } from '../src/record.js';
import { LifecycleRun } from '../src/scenario.js';
import { INTAKE_PROJECT, REVIEW_ISSUE_TYPE, directoryIdOf } from '../src/world.js';

type Target = 'ends' | 'reviews' | 'identities' | 'membership' | 'exceptionOpen' | 'exceptionReview' | 'lapseKept' | 'lapseInGroup';

/**
 * A harness that finds nothing may be blind. A short run of the scenario (many exceptions, all
 * kept at their reviews, generous limits), then one defect of each property planted behind
 * Clearway's back — each must be reported, about the right grant or day, by the same checks the
 * CI run makes after every sweep. The lapse is planted in a second step: the clock moves past two
 * exceptions' lapse moments with nobody reviewing them, and one sweep runs.
 */
describe('the harness sees a planted defect of each property', () => {
  let run: LifecycleRun;
  let planted: Finding[];
  let plantedAtLapse: Finding[];
  const targets = {} as Record<Target, GrantRecord>;
  let pastDay: string;
  let overLimit: string;

  beforeAll(async () => {
    const limits = { low: 6, medium: 6, high: 3, critical: 1 };
    run = await LifecycleRun.start({ ...CI_OPTIONS, seed: 4_242, days: 16, clockJumps: [], exceptionShare: 0.5, exceptionLimits: [limits], exceptionReviews: { steady: 1, keep: 1, end: 0 } });
    await run.runDays();
    const { ctx, world } = run;
    const { store } = world.deps;
    const keyOf = (finding: Finding) => `${finding.property}|${finding.what}|${finding.grantId ?? finding.subject}`;
    const before = new Set(ctx.found.findings().map(keyOf));
    const seen = new Set(ctx.found.findings().map((finding) => finding.grantId));
    const quiet = [...ctx.record.grants.values()].filter(
      (grant) => grant.status === 'active' && grant.tool.directory !== 'manual' && grant.end > ctx.now() + 11 * DAY_MS && grant.handRemovedAt === undefined && !seen.has(grant.id),
    );
    const ordinary = quiet.filter((grant) => !grant.exception);
    const exceptional = quiet.filter((grant) => grant.exception?.state === 'open');
    expect([ordinary.length >= 4, exceptional.length >= 4]).toEqual([true, true]);
    [targets.ends, targets.reviews, targets.identities, targets.membership] = ordinary as [GrantRecord, GrantRecord, GrantRecord, GrantRecord];
    [targets.exceptionOpen, targets.exceptionReview, targets.lapseKept, targets.lapseInGroup] = exceptional as [GrantRecord, GrantRecord, GrantRecord, GrantRecord];

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

    const exceptionOf = async (grant: GrantRecord): Promise<AccessException> => {
      const exception = await store.get('exception', grant.id);
      if (!exception) throw new Error(`no exception ${grant.id}`);
      return exception;
    };
    // exception-open: an exception closed while its grant is live.
    const open = await exceptionOf(targets.exceptionOpen);
    await store.commit([put('exception', { ...open, state: 'closed', closedAt: ctx.now(), closedHow: 'revoked' })]);
    // exception-review: the next review moved a day; exception-list: the same exception gone from its tool's open list.
    const reviewed = await exceptionOf(targets.exceptionReview);
    await store.commit([put('exception', { ...reviewed, nextReviewAt: reviewed.nextReviewAt + DAY_MS })]);
    const list = await store.get('meta', openListId(targets.exceptionReview.tool.id));
    if (list) await store.commit([put('meta', { ...list, value: { grantIds: (list.value as { grantIds: string[] }).grantIds.filter((id) => id !== targets.exceptionReview.id) } })]);
    // exception-limit: more exceptions opened for the Okta tool right now than its limit allows.
    const template = await exceptionOf(targets.exceptionOpen);
    const limit = limits[template.riskLevel];
    const fakes = Array.from({ length: limit + 1 }, (_, index): AccessException => {
      const { closedAt: _closedAt, closedHow: _closedHow, ...rest } = template;
      return { ...rest, id: `planted_${index}`, grantId: `planted_${index}`, version: 0, approvedAt: ctx.now() + index, state: 'open' };
    });
    await store.commit(fakes.map((fake) => put('exception', fake)));
    overLimit = fakes.at(-1)?.id ?? '';

    await run.checkAfterSweep(ctx.now());
    await run.checkAfterSettle();
    planted = ctx.found.findings().filter((finding) => !before.has(keyOf(finding)));

    // exception-lapse: nobody reviews two exceptions; one of them Clearway is made to keep (its
    // review moved a month), the other lapses, and its user is put back in the group behind Clearway's back.
    const beforeLapse = new Set(ctx.found.findings().map(keyOf));
    const kept = await exceptionOf(targets.lapseKept);
    await store.commit([put('exception', { ...kept, nextReviewAt: kept.nextReviewAt + 30 * DAY_MS })]);
    const lapseAt = Math.max(...[targets.lapseKept, targets.lapseInGroup].map((grant) => lapseMoment(grant.exception ?? { nextReviewAt: 0 })));
    world.deps.clock.advance(lapseAt - ctx.now());
    await run.sweep();
    world.groupMembers(targets.lapseInGroup.tool)?.add(directoryIdOf(targets.lapseInGroup.person, targets.lapseInGroup.tool));
    await run.checkAfterSettle();
    plantedAtLapse = ctx.found.findings().filter((finding) => !beforeLapse.has(keyOf(finding)));
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

  describe('of the exceptions', () => {
    const aboutIn = (findings: readonly Finding[], property: string, subject: string) => findings.filter((finding) => finding.property === property && (finding.grantId ?? finding.subject) === subject).map((finding) => finding.what);

    it('more exceptions open for a tool than its limit', () => {
      expect(aboutIn(planted, 'exception-limit', overLimit)).toEqual(['more open exceptions for its tool than the limit in force when it opened']);
    });

    it('an exception closed while its grant is live', () => {
      expect(aboutIn(planted, 'exception-open', targets.exceptionOpen.id)).toEqual(['closed while its grant is live', 'exception closed while its grant is live']);
    });

    it('a missed review that did not lapse, and a lapsed exception whose user is still in the group', () => {
      expect(aboutIn(plantedAtLapse, 'exception-lapse', targets.lapseKept.id)).toEqual(['review missed past the lapse moment, but not closed lapsed by the next sweep']);
      expect(aboutIn(plantedAtLapse, 'exception-lapse', targets.lapseInGroup.id)).toEqual(['exception lapsed, but its user is still in the group after the jobs settled']);
    });

    it('a next review that is not one cadence after the last', () => {
      expect(aboutIn(planted, 'exception-review', targets.exceptionReview.id)).toEqual(['next review is not one cadence after the approval or the last kept review']);
    });

    it('an open exception missing from its tool’s open list, and a closed one still in it', () => {
      expect(aboutIn(planted, 'exception-list', targets.exceptionReview.id)).toEqual(['open exception missing from its tool’s open list']);
      expect(aboutIn(planted, 'exception-list', targets.exceptionOpen.id)).toEqual(['in its tool’s open list, but its exception is not open']);
    });
  });
});
