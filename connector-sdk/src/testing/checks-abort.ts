import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OperationContext } from '../contract.js';
import { expectConnectorError, requireAbortHooks, settlesPromptly, type CheckEnvironment, type ConformanceCheck } from './check.js';
import { PROMPT_SETTLE_MS } from './checks-faults.js';

/** How often the kit looks whether the hung request has reached the directory. */
const POLL_MS = 5;

/** After an aborted operation settled, how long a request it still sent has to reach the directory. */
const AFTERMATH_MS = 100;

type Operation = (ctx: OperationContext) => Promise<unknown>;

/** Whether the directory received more than `count` requests before `attempt` settled (within the bound). */
export async function requestArrives(requestsReceived: () => number, count: number, attempt: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void attempt.then(
    () => (settled = true),
    () => (settled = true),
  );
  const giveUpAt = Date.now() + PROMPT_SETTLE_MS;
  while (Date.now() < giveUpAt) {
    if (requestsReceived() > count) return true;
    if (settled) return false;
    await sleep(POLL_MS);
  }
  return false;
}

/**
 * Runs `operation` with its first request left unanswered, aborts the operation's signal once that
 * request has reached the directory, and requires the operation to settle promptly. Returns the
 * settled attempt, and how to count the requests the operation sent after the hung one.
 */
async function abortDuringFirstRequest({ fixture, ctx }: CheckEnvironment, name: string, operation: Operation) {
  const { hangNext, requestsReceived } = requireAbortHooks(fixture);
  const before = requestsReceived();
  hangNext();
  const controller = new AbortController();
  const attempt = operation(ctx({ signal: controller.signal }));
  assert.ok(
    await requestArrives(requestsReceived, before, attempt),
    `${name} sent no request the directory received within ${PROMPT_SETTLE_MS} ms (does the fixture's requestsReceived() count every request?)`,
  );
  controller.abort();
  await settlesPromptly(
    attempt,
    PROMPT_SETTLE_MS,
    undefined,
    `${name} was still running ${PROMPT_SETTLE_MS} ms after its signal was aborted during a request that got no answer: hand ctx.signal to every request (fetch's \`signal\`, or the vendor SDK's abort option).`,
  );
  const sentAfter = async (): Promise<number> => {
    await sleep(AFTERMATH_MS);
    return requestsReceived() - before - 1;
  };
  return { attempt, sentAfter };
}

/** Checks that an aborted operation stops: its requests carry the signal, and nothing follows the abort. */
export const abortChecks: readonly ConformanceCheck[] = [
  {
    id: 'abort-in-flight',
    title: 'an operation whose signal aborts while its request gets no answer settles at once as transient: every request carries ctx.signal',
    modes: ['directory'],
    async run(env) {
      const { connector, fixture } = env;
      const group = fixture.existingGroup;
      const user = await env.identity();
      const operations: ReadonlyArray<readonly [string, Operation]> = [
        ['resolveIdentity', (ctx) => connector.resolveIdentity(ctx, fixture.users[0].subject)],
        ['bindGroup', (ctx) => connector.bindGroup(ctx, { groupId: group.id })],
        ['check', (ctx) => connector.check(ctx, group, user)],
        ['add', (ctx) => connector.add(ctx, group, user)],
        ['remove', (ctx) => connector.remove(ctx, group, user)],
      ];
      for (const [name, operation] of operations) {
        const { attempt } = await abortDuringFirstRequest(env, name, operation);
        await expectConnectorError(attempt, 'transient', `${name} aborted during its request`);
      }
      // test() reports failures as failed checks rather than throwing; it only has to stop.
      await abortDuringFirstRequest(env, 'test', (ctx) => connector.test(ctx, { group }));
    },
  },
  {
    id: 'abort-between-requests',
    title: 'add and remove aborted during their first request send no further request and change nothing',
    modes: ['directory'],
    async run(env) {
      const { connector, ctx, fixture } = env;
      const group = fixture.existingGroup;
      const user = await env.identity();
      const cases: ReadonlyArray<readonly ['add' | 'remove', Operation, 'member' | 'not_member']> = [
        ['add', (operationCtx) => connector.add(operationCtx, group, user), 'not_member'],
        ['remove', (operationCtx) => connector.remove(operationCtx, group, user), 'member'],
      ];
      for (const [name, operation, unchanged] of cases) {
        if (name === 'remove') assert.equal((await connector.add(ctx(), group, user)).outcome, 'applied', 'the add before the aborted remove');
        const { attempt, sentAfter } = await abortDuringFirstRequest(env, name, operation);
        const more = await sentAfter();
        assert.equal(
          more,
          0,
          `${name} sent ${more} more request(s) after its signal was aborted during its first one: check the signal before every request (assertCanProceed(ctx)) and never carry on past a look that failed`,
        );
        await expectConnectorError(attempt, 'transient', `${name} aborted during its first request`);
        assert.equal((await connector.check(ctx(), group, user)).outcome, unchanged, `${name} aborted during its first request must change nothing`);
      }
    },
  },
];
