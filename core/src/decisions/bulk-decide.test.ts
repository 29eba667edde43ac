import { describe, expect, it } from 'vitest';
import { submitRequest } from '../requests/submit-request.js';
import { approver, makeWorld, requestInput, snapshot } from '../test-support/harness.js';
import { BULK_MAX_PER_MINUTE, bulkDecide } from './bulk-decide.js';

async function pending(world: Awaited<ReturnType<typeof makeWorld>>, count: number) {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const { request } = await submitRequest(world, { accountId: `user-${index}` }, requestInput({ issueKey: `AIR-${index + 1}` }));
    ids.push(request.id);
  }
  return ids;
}

describe('bulkDecide', () => {
  it('decides each request on its own and reports each outcome', async () => {
    const world = await makeWorld();
    const ids = await pending(world, 3);
    const results = await bulkDecide(world, approver, { requestIds: [...ids, 'req_missing', ids[0]!], outcome: 'approved', rationale: 'quarterly batch' });
    expect(results.map((result) => [result.requestId, result.ok])).toEqual([...ids.map((id) => [id, true]), ['req_missing', false]]);
    expect(results[3]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    for (const id of ids) expect(await world.store.get('request', id)).toMatchObject({ status: 'approved', decision: { source: 'bulk' } });
  });

  it('refuses more than 50 requests in one call, changing nothing', async () => {
    const world = await makeWorld();
    const before = snapshot(world.store);
    const requestIds = Array.from({ length: 51 }, (_, index) => `req_${index}`);
    await expect(bulkDecide(world, approver, { requestIds, outcome: 'denied', rationale: 'too many' })).rejects.toMatchObject({ code: 'bulk_limit_exceeded', details: { max: 50, selected: 51 } });
    expect(snapshot(world.store)).toBe(before);
  });

  it('leaves the per-minute limits to the limiter around it: deciding writes no window of its own', async () => {
    // The caller reserves the `bulk` and `decisions` budgets; a window taken in here as well would count each call twice.
    const world = await makeWorld();
    const [id] = await pending(world, 1);
    for (let call = 0; call <= BULK_MAX_PER_MINUTE; call += 1) {
      await expect(bulkDecide(world, approver, { requestIds: [id!], outcome: 'approved', rationale: 'again' })).resolves.toHaveLength(1);
    }
    expect(world.store.db.prepare("SELECT id FROM records WHERE entity = 'meta' AND id LIKE 'ratelimit:%'").all()).toEqual([]);
  });
});
