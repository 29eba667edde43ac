import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../ports/clock.js';
import { canTransition, expiryLabel, grantLabel, isExpiringSoon, nextGrantStatus } from './lifecycle.js';
import type { GrantStatus } from './grant.js';

describe('grant state machine', () => {
  const grant = (status: GrantStatus) => ({ id: 'g1', status });

  it('activates only from pending_provision', () => {
    expect(nextGrantStatus(grant('pending_provision'), 'activate')).toBe('active');
    for (const status of ['active', 'provision_failed', 'expired', 'revoked'] as const) {
      expect(() => nextGrantStatus(grant(status), 'activate')).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    }
  });

  it('expires and revokes live grants only', () => {
    expect(nextGrantStatus(grant('active'), 'expire')).toBe('expired');
    expect(nextGrantStatus(grant('active'), 'revoke')).toBe('revoked');
    expect(canTransition(grant('revoked'), 'revoke')).toBe(false);
    expect(canTransition(grant('expired'), 'revoke')).toBe(false);
  });

  it('fails and retries provisioning, and re-provisions an expired grant on extension', () => {
    expect(nextGrantStatus(grant('pending_provision'), 'fail_provision')).toBe('provision_failed');
    expect(nextGrantStatus(grant('provision_failed'), 'retry_provision')).toBe('pending_provision');
    expect(nextGrantStatus(grant('expired'), 'extend_expired')).toBe('pending_provision');
    expect(canTransition(grant('revoked'), 'extend_expired')).toBe(false);
  });
});

describe('grantLabel', () => {
  const now = Date.UTC(2026, 11, 7, 12);
  it('counts days only for active access, and names every other state', () => {
    expect(grantLabel({ status: 'active', expiresAt: now + 10 * DAY_MS, activatedAt: now - DAY_MS }, now)).toBe('10 days remaining');
    expect(grantLabel({ status: 'pending_provision', expiresAt: now + 28 * DAY_MS }, now)).toBe('waiting for access to be set up');
    expect(grantLabel({ status: 'provision_failed', expiresAt: now + 28 * DAY_MS }, now)).toBe('setting up access failed');
    expect(grantLabel({ status: 'expired', expiresAt: now - DAY_MS, activatedAt: now - 31 * DAY_MS, endReason: 'expired' }, now)).toBe('expired');
    expect(grantLabel({ status: 'expired', expiresAt: now - DAY_MS, endReason: 'never_provisioned' }, now)).toBe('ended before access was set up');
    expect(grantLabel({ status: 'revoked', expiresAt: now + DAY_MS, activatedAt: now - DAY_MS }, now)).toBe('revoked');
  });
});

describe('expiryLabel', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');

  it.each([
    [now - 1, 'expired'],
    [now, 'expired'],
    [Date.parse('2026-11-23T23:59:00Z'), 'expires today'],
    [Date.parse('2026-11-24T00:30:00Z'), 'expires tomorrow'],
    [Date.parse('2026-11-25T09:00:00Z'), '2 days remaining'],
    [now + 30 * DAY_MS, '30 days remaining'],
  ])('%s → %s', (expiresAt, label) => {
    expect(expiryLabel(expiresAt, now)).toBe(label);
  });

  it('counts calendar days in the viewer’s time zone', () => {
    const late = Date.parse('2026-11-23T22:00:00Z');
    const expiresAt = late + 3 * HOUR_MS; // 01:00 UTC on the 24th, still the 23rd in New York
    expect(expiryLabel(expiresAt, late, 'UTC')).toBe('expires tomorrow');
    expect(expiryLabel(expiresAt, late, 'America/New_York')).toBe('expires today');
  });

  it('highlights grants expiring within a week', () => {
    expect(isExpiringSoon(now + 6 * DAY_MS, now)).toBe(true);
    expect(isExpiringSoon(now + 8 * DAY_MS, now)).toBe(false);
    expect(isExpiringSoon(now - 1, now)).toBe(false);
  });
});
