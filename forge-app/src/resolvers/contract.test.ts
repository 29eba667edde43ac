import { describe, expect, it } from 'vitest';
import { CASES } from '../test-support/resolver-cases';
import { freshScenario, PEOPLE } from '../test-support/scenario';
import { PAYLOADS, RESOLVER_KEYS } from './contract';

const LONE_SURROGATE = 'x\uD800y';

/** The path of the first string in a payload (depth first), where a lone surrogate is planted. */
function firstStringPath(value: unknown, path: Array<string | number> = []): Array<string | number> | undefined {
  if (typeof value === 'string') return path;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = firstStringPath(item, [...path, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

function planted(value: unknown, path: ReadonlyArray<string | number>): unknown {
  if (path.length === 0) return LONE_SURROGATE;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item: unknown, index) => (index === head ? planted(item, rest) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [String(head)]: planted(record[String(head)], rest) };
}

describe('ill-formed Unicode in a payload (issue 16, item 12)', () => {
  it('refuses a people or group search holding a lone surrogate as validation_failed, before Jira is asked', async () => {
    const { world } = await freshScenario();
    const before = world.forge.kvs.snapshot();
    for (const key of ['lookup.people', 'lookup.groups'] as const) {
      const answer = await world.invoke('adminPage', key, { query: `al${'\uD800'}an` }, { accountId: PEOPLE.admin });
      expect(answer).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: [{ path: 'query', message: expect.stringMatching(/not valid Unicode/) }] } });
    }
    expect(world.forge.jira.requests.filter((request) => request.path.includes('/search') || request.path.includes('/picker'))).toEqual([]);
    expect(world.forge.kvs.snapshot()).toBe(before);
    // A well-formed search, emoji and all, still reaches Jira.
    expect(await world.invoke('adminPage', 'lookup.people', { query: 'alan 🚀' }, { accountId: PEOPLE.admin })).toMatchObject({ ok: true });
  });

  it('finds a lone surrogate in keys and nested values too', () => {
    expect(PAYLOADS['connectors.create'].safeParse({ providerType: 'manual', name: 'Desk', settings: { nested: [{ ['k\uDC00']: 'v' }] } }).error?.issues).toEqual([
      expect.objectContaining({ path: ['settings', 'nested', 0, 'k\uDC00'], message: expect.stringMatching(/not valid Unicode/) }),
    ]);
    expect(PAYLOADS['connectors.create'].safeParse({ providerType: 'manual', name: 'Desk 🚀', settings: { note: 'キー' } }).success).toBe(true);
  });

  // Keys without a row yet are the authorization matrix's to report.
  const withText = RESOLVER_KEYS.filter((key) => Object.hasOwn(CASES, key)).flatMap((key) => {
    const path = firstStringPath(CASES[key].payload({ activeGrantId: 'g', activeRequestId: 'r', customerRequestId: 'c', failedJobId: 'j', manualTaskJobId: 'm', pendingRequestId: 'p', exceptionGrantId: 'e' }));
    return path ? [{ key, path }] : [];
  });

  it.each(withText)('$key refuses a lone surrogate in its payload, changing nothing', async ({ key, path }) => {
    const { world, scenario } = await freshScenario();
    const { surface, allowed } = CASES[key];
    const role = allowed[0] ?? 'admin';
    await CASES[key].prepare?.(world);
    const before = world.forge.kvs.snapshot();
    const answer = await world.invoke(surface, key, planted(CASES[key].payload(scenario), path), { accountId: PEOPLE[role], extension: { portal: { id: '1' }, request: { typeId: '10' } } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'validation_failed', issues: expect.arrayContaining([expect.objectContaining({ path: path.join('.') })]) } });
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(world.forge.queues.pushed).toEqual([]);
  });
});
