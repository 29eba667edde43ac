import { DAY_MS } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { LifecycleRecord, predictExtension, type GrantRecord } from './record.js';
import { TOOLS, type HarnessTool, type Person } from './world.js';

const T = Date.parse('2027-01-04T08:00:00Z');
const tool = TOOLS[0] as HarnessTool;
const person: Person = { index: 0, accountId: 'jira-person0000', email: 'person0000@example.com', emails: ['person0000@example.com'], renamedAt: [], oktaId: '00u1', entraId: 'e1', outsider: false };

function approved(record: LifecycleRecord, durationDays: number, at = T): GrantRecord {
  const request = record.submit({ id: `req_${record.requests.size + 1}`, issueKey: 'AIR-1', person, tool, durationDays, submittedAt: at });
  return record.approve(request, `grant_${record.grants.size + 1}`, at);
}

describe('the approved end, by the rules', () => {
  it('counts from the first activation, with days extended before it on top', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 10);
    record.extend(grant, 3, T + 1_000, 'before activation');
    expect(record.activate(grant, T + 5 * 3_600_000)).toBeUndefined();
    expect(grant.end).toBe(T + 5 * 3_600_000 + 13 * DAY_MS);
    expect(grant.terms).toEqual([{ end: grant.end, from: T + 5 * 3_600_000 }]);
  });

  it('moves an active grant’s end by the days granted, as a new term', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 10);
    record.activate(grant, T);
    record.extend(grant, 4, T + DAY_MS, 'active');
    expect(grant.end).toBe(T + 14 * DAY_MS);
    expect(grant.terms.map((term) => [term.end, term.from, term.to])).toEqual([
      [T + 10 * DAY_MS, T, T + DAY_MS],
      [T + 14 * DAY_MS, T + DAY_MS, undefined],
    ]);
  });

  it('sets an expired grant’s end from the extension, and keeps the first start when it is active again', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 2);
    record.activate(grant, T);
    record.sweep(T + 2 * DAY_MS, 14);
    const extendedAt = T + 5 * DAY_MS;
    record.extend(grant, 3, extendedAt, 'in grace');
    expect(grant.status).toBe('pending_provision');
    record.activate(grant, extendedAt + 10);
    expect([grant.firstActivation, grant.end, grant.status]).toEqual([T, extendedAt + 3 * DAY_MS, 'active']);
  });

  it('expires a grant at the first sweep at or after its end, never before', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 1);
    record.activate(grant, T);
    expect(record.sweep(T + DAY_MS - 1, 14).expired).toEqual([]);
    expect(record.sweep(T + DAY_MS, 14).expired).toEqual([grant]);
    expect(record.statusAt(grant, T + DAY_MS - 1)).toBe('active');
    expect(record.statusAt(grant, T + DAY_MS)).toBe('expired');
  });

  it('puts a term in its review window at a sweep within 14 days of its end, not a millisecond earlier', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 30);
    record.activate(grant, T);
    const windowOpens = T + 16 * DAY_MS;
    record.sweep(windowOpens - 1, 14);
    expect(grant.terms[0]?.enteredWindowAt).toBeUndefined();
    record.sweep(windowOpens, 14);
    expect(grant.terms[0]?.enteredWindowAt).toBe(windowOpens);
    record.extend(grant, 20, windowOpens + 1, 'after review');
    record.sweep(windowOpens + 2, 14);
    expect(grant.terms[1]?.enteredWindowAt).toBeUndefined();
  });
});

describe('what an extension must come to', () => {
  it('allows an expired grant up to 7 days after its end, inclusive, and refuses it a millisecond later', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 5);
    record.activate(grant, T);
    record.sweep(grant.end, 14);
    const graceEnd = grant.end + 7 * DAY_MS;
    expect(predictExtension(grant, 3, graceEnd)).toEqual({ ok: true });
    expect(predictExtension(grant, 3, graceEnd + 1)).toMatchObject({ refused: 'extension_out_of_bounds' });
  });

  it('allows an end exactly 180 days after the first activation and refuses one a day past it', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 30);
    record.activate(grant, T + 7);
    expect(predictExtension(grant, 150, T)).toEqual({ ok: true });
    expect(predictExtension(grant, 151, T)).toMatchObject({ refused: 'extension_out_of_bounds' });
  });

  it('counts the cap from the first activation for an expired grant extended in its grace', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 90);
    record.activate(grant, T);
    record.sweep(grant.end, 14);
    const now = grant.end + DAY_MS;
    expect(predictExtension(grant, 89, now)).toEqual({ ok: true });
    expect(predictExtension(grant, 90, now)).toMatchObject({ refused: 'extension_out_of_bounds' });
  });

  it('refuses a revoked grant as an invalid transition', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 5);
    record.activate(grant, T);
    record.revoke(grant, T + 1, 'an approver');
    expect(predictExtension(grant, 1, T + 2)).toMatchObject({ refused: 'invalid_transition' });
  });
});

describe('whose access a person has now', () => {
  it('is the live grant, even an older one re-opened in its grace after a newer one ended', () => {
    const record = new LifecycleRecord();
    const older = approved(record, 2);
    record.activate(older, T);
    record.sweep(T + 2 * DAY_MS, 14);
    const newer = approved(record, 1, T + 3 * DAY_MS);
    record.activate(newer, T + 3 * DAY_MS);
    record.sweep(T + 4 * DAY_MS, 14);
    record.extend(older, 5, T + 4 * DAY_MS + 1, 'in grace');
    expect(record.currentGrant(person, tool)).toBe(older);
    expect(record.hasOpenClaim(person, tool)).toBe(true);
  });
});

describe('a hand removal', () => {
  it('is settled when its grant leaves the active term: an ended or re-provisioned grant owes no drift report for it', () => {
    const record = new LifecycleRecord();
    const grant = approved(record, 1);
    record.activate(grant, T);
    grant.handRemovedAt = T + 1_000;
    record.sweep(T + DAY_MS, 14);
    record.extend(grant, 3, T + DAY_MS + 1, 'in grace');
    record.activate(grant, T + DAY_MS + 2);
    expect([grant.status, grant.handRemovedAt]).toEqual(['active', undefined]);
  });
});
