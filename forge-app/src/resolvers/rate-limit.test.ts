import { allowanceRecordId, readAllowance, ValidationError } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { makeAppWorld } from '../test-support/app-world';
import { resetFakeForge } from '../test-support/fake-forge/index';
import { ACTIONS } from './actions/index';
import { RESOLVER_KEYS } from './contract';
import { BUDGETS, runLimited, type RateLimit } from './rate-limit';

const ACCOUNT = 'acc-admin';

function world() {
  resetFakeForge();
  return makeAppWorld();
}

/** An export-like limit: one call of its own budget and up to 500 events of the shared volume, settled on what it read. */
const limit: RateLimit<{ limit: number }, { count: number }> = [{ budget: 'evidenceExports' }, { budget: 'auditReads', reserve: (payload) => payload.limit, settle: (result) => result.count }];

describe('runLimited', () => {
  it('holds the reservation while the call runs and keeps what the answer says it used', async () => {
    const { app } = world();
    const during = await runLimited(app.deps, ACCOUNT, limit, { limit: 500 }, async () => {
      const reads = await readAllowance(app.deps, ACCOUNT, BUDGETS.auditReads);
      return { count: 12, reads };
    });
    expect(during.reads.used).toBe(500);
    expect(await readAllowance(app.deps, ACCOUNT, BUDGETS.auditReads)).toMatchObject({ used: 12 });
    expect(await readAllowance(app.deps, ACCOUNT, BUDGETS.evidenceExports)).toMatchObject({ used: 1 });
  });

  it('gives everything back when the call throws, and throws its error unchanged', async () => {
    const { app, forge } = world();
    const before = forge.kvs.snapshot();
    const refusal = new ValidationError('The range is not valid.', []);
    await expect(
      runLimited(app.deps, ACCOUNT, limit, { limit: 500 }, async () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(forge.kvs.snapshot()).toBe(before);
  });

  it('does not run a call its budget cannot take', async () => {
    const { app } = world();
    for (let call = 0; call < BUDGETS.evidenceExports.max; call += 1) await runLimited(app.deps, ACCOUNT, limit, { limit: 1 }, async () => ({ count: 1 }));
    let ran = false;
    await expect(
      runLimited(app.deps, ACCOUNT, limit, { limit: 1 }, async () => {
        ran = true;
        return { count: 1 };
      }),
    ).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringContaining('At most 3 evidence exports a minute') });
    expect(ran).toBe(false);
  });

  it('leaves storage alone for an action without a limit', async () => {
    const { app, forge } = world();
    const before = forge.kvs.snapshot();
    expect(await runLimited(app.deps, ACCOUNT, undefined, {}, async () => 'done')).toBe('done');
    expect(forge.kvs.snapshot()).toBe(before);
  });
});

describe('the budgets', () => {
  it('keeps the window record ids the limits always had, so windows in flight carry over', () => {
    expect(allowanceRecordId(BUDGETS.connectionTests, ACCOUNT)).toBe(`ratelimit:connectors.test:${ACCOUNT}`);
    expect(allowanceRecordId(BUDGETS.auditVerifications, ACCOUNT)).toBe(`ratelimit:audit.verify:${ACCOUNT}`);
    expect(allowanceRecordId(BUDGETS.evidenceExports, ACCOUNT)).toBe(`ratelimit:evidence.export:${ACCOUNT}`);
    expect(allowanceRecordId(BUDGETS.bulkDecisions, ACCOUNT)).toBe(`ratelimit:bulk:${ACCOUNT}`);
    expect(new Set(Object.values(BUDGETS).map((budget) => budget.name)).size).toBe(Object.keys(BUDGETS).length);
  });

  it('limits exactly these keys, each on these budgets (test/security/rate-limits.test.ts races each of them)', () => {
    const limited = Object.fromEntries(RESOLVER_KEYS.flatMap((key) => (ACTIONS[key].rateLimit ? [[key, ACTIONS[key].rateLimit?.map((charge) => charge.budget)]] : [])));
    expect(limited).toEqual({
      'approvals.decide': ['decisions'],
      'approvals.bulkDecide': ['bulkDecisions', 'decisions'],
      'exceptions.review': ['decisions'],
      'connectors.test': ['connectionTests'],
      'audit.events': ['auditReads'],
      'audit.verify': ['auditVerifications'],
      'evidence.export': ['evidenceExports', 'auditReads'],
      'gateway.selfTest': ['gatewaySelfTests'],
      'gateway.activity': ['auditReads'],
      'workLinked.preview': ['workPreviews'],
    });
  });
});
