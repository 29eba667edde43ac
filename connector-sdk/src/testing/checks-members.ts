import assert from 'node:assert/strict';
import type { Connector, ExternalIdentity, GroupRef } from '../contract.js';
import { isConnectorError } from '../errors.js';
import { describeError, expectConnectorError, requireAbortHooks, requireFixture, settlesPromptly, type CheckEnvironment, type ConformanceCheck } from './check.js';
import { requestArrives } from './checks-abort.js';
import { PROMPT_SETTLE_MS, assertWait, rateLimitShapesOf } from './checks-faults.js';

/** More pages than any group a check builds: a provider that never stops paging fails instead of hanging the run. */
const MAX_PAGES = 1_000;

/** How far off the hung listing's deadline starts; the kit then moves the clock past it (nobody waits it out). */
const HANG_DEADLINE_MS = 60_000;

/** The wait the rate-limit answer asks for. */
const RATE_LIMIT_WAIT_MS = 7_000;

/** How many listed ids a failure message shows. */
const SHOWN_IDS = 10;

/** The member checks apply where the connector lists groups: `listMembers` is optional. */
function withoutListMembers({ connector }: CheckEnvironment): string | undefined {
  return connector.listMembers ? undefined : 'the connector has no listMembers (an optional operation)';
}

function listMembersOf(connector: Connector): NonNullable<Connector['listMembers']> {
  const { listMembers } = connector;
  assert.ok(listMembers, 'the connector has no listMembers');
  return listMembers;
}

interface Listing {
  readonly ids: readonly string[];
  readonly pages: number;
}

/**
 * Every member of the group, following each page's cursor to the last page, the way drift
 * reconciliation reads it. A cursor an earlier page already gave is a listing going round in circles.
 */
async function listEveryMember(env: CheckEnvironment, group: GroupRef, what: string): Promise<Listing> {
  const listMembers = listMembersOf(env.connector);
  const ids: string[] = [];
  const cursors = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; pages <= MAX_PAGES; pages += 1) {
    const page = await listMembers(env.ctx(), group, cursor);
    ids.push(...page.members.map((member: ExternalIdentity) => member.id));
    if (page.nextCursor === undefined) return { ids, pages };
    assert.ok(!cursors.has(page.nextCursor), `${what}: page ${pages} gave a cursor an earlier page already gave: following it would page forever`);
    cursors.add(page.nextCursor);
    cursor = page.nextCursor;
  }
  assert.fail(`${what}: still paging after ${MAX_PAGES} pages`);
}

const timesListed = (listing: Listing, id: string): number => listing.ids.filter((listed) => listed === id).length;

function describeListing(listing: Listing): string {
  const shown = listing.ids.slice(0, SHOWN_IDS).map((id) => JSON.stringify(id));
  const more = listing.ids.length > SHOWN_IDS ? `, and ${listing.ids.length - SHOWN_IDS} more` : '';
  return `[${shown.join(', ')}${more}] in ${listing.pages} page(s)`;
}

/**
 * Checks for the optional `listMembers`, which drift reconciliation pages through to find members
 * that no live grant explains: it must list exactly the direct members, by the ids `resolveIdentity`
 * gives, and a group that is gone must be an error, never an empty (clean-looking) list.
 */
export const memberChecks: readonly ConformanceCheck[] = [
  {
    id: 'members-follow-membership',
    title: 'listMembers() (optional) lists a user once after add, by the id resolveIdentity gives, and not after remove, following every page',
    modes: ['directory'],
    notApplicable: withoutListMembers,
    async run(env) {
      const { connector, ctx, fixture } = env;
      const group = fixture.existingGroup;
      const user = await env.identity();
      const before = await listEveryMember(env, group, 'listMembers before add');
      assert.equal(timesListed(before, user.id), 0, `the fixture user ("${user.id}") must start outside the group, yet listMembers listed ${describeListing(before)}`);
      assert.equal((await connector.add(ctx(), group, user)).outcome, 'applied', 'add');
      const added = await listEveryMember(env, group, 'listMembers after add');
      assert.equal(
        timesListed(added, user.id),
        1,
        `after add, listMembers must list the user once, by the id resolveIdentity gave ("${user.id}"), or drift cannot tell them from a stranger; it listed ${describeListing(added)}`,
      );
      assert.equal((await connector.remove(ctx(), group, user)).outcome, 'applied', 'remove');
      const removed = await listEveryMember(env, group, 'listMembers after remove');
      assert.equal(timesListed(removed, user.id), 0, `after remove, listMembers must not list the user ("${user.id}"); it listed ${describeListing(removed)}`);
    },
  },
  {
    id: 'members-missing-group',
    title: 'listMembers() of a group that does not exist fails as not_found with code group_not_found, never an empty list (fixture `missingGroup`)',
    modes: ['directory'],
    notApplicable: withoutListMembers,
    async run({ connector, ctx, fixture }) {
      const group = requireFixture(fixture.missingGroup, 'missingGroup', 'a group that does not exist, which listMembers must report as not found');
      let answer: unknown;
      try {
        answer = await listMembersOf(connector)(ctx(), group);
      } catch (error) {
        answer = error;
      }
      assert.ok(
        isConnectorError(answer),
        `listMembers of a group that does not exist answered ${JSON.stringify(answer)}: a deleted group must be an error (not_found, code group_not_found); an empty list would make it look clean to drift reconciliation`,
      );
      assert.equal(answer.kind, 'not_found', `listMembers of a group that does not exist: expected kind "not_found", got "${answer.kind}" ${describeError(answer)}`);
      assert.equal(answer.code, 'group_not_found', `listMembers of a group that does not exist: expected code "group_not_found", got "${answer.code}" ${describeError(answer)}`);
    },
  },
  {
    id: 'members-deadline',
    title: 'listMembers() whose request gets no answer when its deadline passes settles at once as transient: the request carries ctx.signal',
    modes: ['directory'],
    notApplicable: withoutListMembers,
    async run({ connector, ctx, fixture }) {
      const { hangNext, requestsReceived } = requireAbortHooks(fixture);
      const before = requestsReceived();
      hangNext();
      let clock = Date.now();
      const deadline = clock + HANG_DEADLINE_MS;
      const controller = new AbortController();
      const attempt = listMembersOf(connector)(ctx({ deadline, now: () => clock, signal: controller.signal }), fixture.existingGroup);
      assert.ok(
        await requestArrives(requestsReceived, before, attempt),
        `listMembers sent no request the directory received within ${PROMPT_SETTLE_MS} ms (does the fixture's requestsReceived() count every request?)`,
      );
      // The deadline passes, as the provider sees it: the context's clock is beyond it and its signal
      // aborts with a TimeoutError, as the timer of createOperationContext does.
      clock = deadline + 1;
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      await settlesPromptly(
        attempt,
        PROMPT_SETTLE_MS,
        undefined,
        `listMembers was still running ${PROMPT_SETTLE_MS} ms after its deadline passed during a request that got no answer: hand ctx.signal, which aborts at the deadline, to every request.`,
      );
      await expectConnectorError(attempt, 'transient', 'listMembers whose deadline passed during its request');
    },
  },
  {
    id: 'members-rate-limited',
    title: 'listMembers() answered with each rate-limit shape is rate_limited with the wait asked for; listing again succeeds',
    modes: ['directory'],
    notApplicable: withoutListMembers,
    async run(env) {
      const { connector, ctx, fixture } = env;
      for (const shape of rateLimitShapesOf(fixture)) {
        shape.next(RATE_LIMIT_WAIT_MS);
        const error = await expectConnectorError(listMembersOf(connector)(ctx(), fixture.existingGroup), 'rate_limited', 'listMembers', shape.name);
        assertWait(error.retryAfterMs, RATE_LIMIT_WAIT_MS, shape.name);
        await listEveryMember(env, fixture.existingGroup, `shape "${shape.name}": listMembers after the rate limit`);
      }
    },
  },
  {
    id: 'members-paging',
    title: 'listMembers() over a directory answering one member a page lists every member exactly once (fixture `pageMembers`)',
    modes: ['directory'],
    notApplicable: (env) => withoutListMembers(env) ?? (env.fixture.pageMembers ? undefined : 'the fixture declares no `pageMembers`: its directory lists a group in one answer'),
    async run(env) {
      const { connector, ctx, fixture } = env;
      const { pageMembers } = fixture;
      assert.ok(pageMembers, 'the paging check runs only where the fixture has `pageMembers`');
      assert.ok(fixture.users.length >= 2, 'the paging check needs at least two fixture users: one member a page must leave a second page');
      const group = fixture.existingGroup;
      const users: ExternalIdentity[] = [];
      for (const index of fixture.users.keys()) users.push(await env.identity(index));
      for (const user of users) assert.equal((await connector.add(ctx(), group, user)).outcome, 'applied', `add user ${user.id}`);
      pageMembers(1);
      const listing = await listEveryMember(env, group, 'listMembers one member a page');
      assert.ok(
        listing.pages >= users.length,
        `with the directory answering one member a page, ${users.length} members came in ${listing.pages} page(s): does the fixture's pageMembers reach the directory?`,
      );
      for (const user of users) {
        assert.equal(timesListed(listing, user.id), 1, `across pages, listMembers must list user "${user.id}" exactly once; it listed ${describeListing(listing)}`);
      }
      assert.equal(new Set(listing.ids).size, listing.ids.length, `no member may be listed twice across pages; listMembers listed ${describeListing(listing)}`);
    },
  },
];
