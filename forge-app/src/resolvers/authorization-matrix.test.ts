import { describe, expect, it } from 'vitest';
import { CASES } from '../test-support/resolver-cases';
import { freshScenario, PEOPLE, ROLES, type Role } from '../test-support/scenario';
import { RESOLVER_KEYS, SURFACE_KEYS, SURFACE_MODULE_TYPES, type SurfaceFunction } from './contract';

/** Portal customers can only be on the portal: every call they make comes from a portal module. */
function moduleTypeFor(role: Role, surface: SurfaceFunction): string {
  return role === 'customer' ? 'jiraServiceManagement:portalRequestDetail' : (SURFACE_MODULE_TYPES[surface][0] ?? '');
}

const PORTAL_EXTENSION = { portal: { id: '1' }, request: { typeId: '10' } };

describe('authorization matrix: every resolver × admin / approver / requester / portal customer / stranger / security reviewer', () => {
  it('covers every resolver key, each on a surface that defines it', () => {
    expect(Object.keys(CASES).sort()).toEqual([...RESOLVER_KEYS].sort());
    for (const key of RESOLVER_KEYS) expect(SURFACE_KEYS[CASES[key].surface]).toContain(key);
  });

  const rows = RESOLVER_KEYS.flatMap((key) => ROLES.map((role) => ({ key, role, allowed: CASES[key].allowed.includes(role) })));
  it.each(rows)('$key as $role: allowed=$allowed', async ({ key, role, allowed }) => {
    const { world, scenario } = await freshScenario();
    const spec = CASES[key];
    const prepared = await spec.prepare?.(world);
    const before = world.forge.kvs.snapshot();
    const answer = await world.invoke(spec.surface, key, { ...(spec.payload(scenario) as object), ...prepared }, {
      accountId: PEOPLE[role],
      moduleType: moduleTypeFor(role, spec.surface),
      ...(spec.surface === 'portal' && { extension: PORTAL_EXTENSION }),
    });
    if (allowed) {
      expect(answer, JSON.stringify(answer)).toMatchObject({ ok: true });
      return;
    }
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(['wrong_surface', spec.refusedAs ?? 'forbidden']).toContain(answer.error.code);
    // Refused means nothing changed: storage, the queue, and Jira.
    expect(world.forge.kvs.snapshot()).toBe(before);
    expect(world.forge.queues.pushed).toEqual([]);
    expect(world.forge.jira.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });
});
