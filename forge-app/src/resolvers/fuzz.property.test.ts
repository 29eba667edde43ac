import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASES } from '../test-support/resolver-cases';
import { freshScenario, PEOPLE, SECRET_CANARY, type Scenario } from '../test-support/scenario';
import { RESOLVER_KEYS, type ResolverErrorCode, type ResolverKey } from './contract';

const ERROR_CODES: readonly ResolverErrorCode[] = [
  'validation_failed', 'not_found', 'forbidden', 'self_approval', 'self_extension', 'not_ingested', 'duplicate_request', 'conflict', 'already_decided',
  'invalid_transition', 'extension_out_of_bounds', 'tool_not_requestable', 'exception_limit_reached', 'bulk_limit_exceeded', 'rate_limited', 'version_conflict', 'store_limit_exceeded',
  'range_invalid', 'unauthenticated', 'wrong_surface', 'export_too_large', 'jira_unavailable', 'connector_error',
];

/** Values that real ids from the scenario, near-misses and junk are drawn from. */
function idLike(scenario: Scenario): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(scenario.pendingRequestId, scenario.activeGrantId, scenario.manualTaskJobId, scenario.failedJobId, scenario.customerRequestId, scenario.exceptionGrantId, 'desk', 'manual', 'okta-off', 'chatgpt', 'AIR-1', 'AIR-2'),
    fc.string({ maxLength: 80 }),
    fc.constantFrom('', ' ', '../../etc', 'AIR-1?x=1', '#', 'x'.repeat(5_000), '\u0000', 'null'),
  );
}

const FIELDS = ['requestId', 'requestIds', 'grantId', 'jobId', 'connectorId', 'accountId', 'externalId', 'toolId', 'toolIds', 'issueKey', 'outcome', 'rationale', 'days', 'durationDays', 'completion',
  'member', 'note', 'cursor', 'limit', 'status', 'from', 'to', 'format', 'timeZone', 'settings', 'secrets', 'providerType', 'name', 'id', 'enabled', 'rules', 'groupId', 'vendor', 'riskLevel',
  'defaultDurationDays', 'maxDurationDays', 'guidance', 'fulfillment', 'portalId', 'requestTypeId', 'limits', 'exception', 'state', 'seq', 'range', 'connectionId', 'client', 'operation',
  'groups', 'user', 'decision', 'text'] as const;

/** The key's valid payload with fields dropped, replaced by random values, or joined by unknown ones. */
function mutated(valid: unknown, value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const base = typeof valid === 'object' && valid !== null ? (valid as Record<string, unknown>) : {};
  const keys = Object.keys(base);
  return fc
    .record({
      drop: fc.subarray(keys),
      replace: fc.dictionary(keys.length > 0 ? fc.constantFrom(...keys) : fc.constantFrom(...FIELDS), value, { maxKeys: 3 }),
      extra: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 2 }),
    })
    .map(({ drop, replace, extra }) => {
      const kept = Object.fromEntries(Object.entries(base).filter(([field]) => !drop.includes(field)));
      return { ...extra, ...kept, ...replace };
    });
}

/** The key's valid payload with some values swapped for other real ids and enum values: well-formed calls about the wrong things. */
function swapped(valid: unknown, scenario: Scenario): fc.Arbitrary<unknown> {
  const base = typeof valid === 'object' && valid !== null ? (valid as Record<string, unknown>) : {};
  const keys = Object.keys(base);
  if (keys.length === 0) return fc.constant(base);
  const realValue = fc.oneof(
    fc.constantFrom(scenario.pendingRequestId, scenario.activeGrantId, scenario.manualTaskJobId, scenario.failedJobId, scenario.customerRequestId, scenario.exceptionGrantId, 'desk', 'manual', 'okta-off', 'chatgpt', 'copilot'),
    fc.constantFrom('approved', 'denied', 'fulfilled', 'deprovisioned', 'verified', 'keep', 'end', 'open', 'all', 'AIR-1', 'AIR-2', 'AIR-404', PEOPLE.requester, PEOPLE.customer),
    fc.integer({ min: -2, max: 400 }),
    fc.constant([scenario.pendingRequestId, scenario.customerRequestId, scenario.activeRequestId]),
  );
  return fc.dictionary(fc.constantFrom(...keys), realValue, { maxKeys: 2 }).map((swaps) => ({ ...base, ...swaps }));
}

/** Random and malformed payloads: junk of every shape, objects of the fields resolvers read, and near-valid payloads. */
function payloads(key: ResolverKey, scenario: Scenario): fc.Arbitrary<unknown> {
  const value = fc.oneof(idLike(scenario), fc.anything({ maxDepth: 3 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(idLike(scenario), { maxLength: 60 }));
  return fc.oneof(
    { weight: 1, arbitrary: fc.anything({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }) },
    { weight: 2, arbitrary: mutated(CASES[key].payload(scenario), value) },
    { weight: 3, arbitrary: swapped(CASES[key].payload(scenario), scenario) },
  );
}

/** Mostly the scenario's people (so calls reach the actions), sometimes nobody or someone unknown. */
const callers = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.values(PEOPLE)) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) });

describe('resolvers under random and malformed payloads', () => {
  it.each(RESOLVER_KEYS)('%s answers a typed error or a result; never a crash, a stack trace, a leaked secret, or a write to storage (the audit chain included), the queue or Jira when refused', async (key) => {
    const { scenario } = await freshScenario();
    await fc.assert(
      fc.asyncProperty(payloads(key, scenario), callers, async (payload, accountId) => {
        const { world } = await freshScenario();
        await CASES[key].prepare?.(world);
        const before = world.forge.kvs.snapshot();
        const answer = (await world.invoke(CASES[key].surface, key, payload, { ...(accountId !== undefined && { accountId }), extension: { portal: { id: '1' }, request: { typeId: '10' } } })) as unknown;
        const text = JSON.stringify(answer);
        expect(text).not.toContain(SECRET_CANARY);
        expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        expect(typeof answer === 'object' && answer !== null && 'ok' in answer).toBe(true);
        const envelope = answer as { ok: boolean; data?: unknown; error?: { code: ResolverErrorCode; message: unknown } };
        if (envelope.ok) {
          expect(envelope.data).toBeDefined();
          return;
        }
        expect(ERROR_CODES).toContain(envelope.error?.code);
        expect(typeof envelope.error?.message).toBe('string');
        // A refused or failed call leaves nothing behind.
        expect(world.forge.kvs.snapshot()).toBe(before);
        expect(world.forge.queues.pushed).toEqual([]);
        expect(world.forge.jira.requests.filter((request) => request.method !== 'GET')).toEqual([]);
        for (const line of world.logger.lines) expect(JSON.stringify(line)).not.toContain(SECRET_CANARY);
      }),
      { numRuns: 40, seed: 20_261_123 },
    );
  });
});
