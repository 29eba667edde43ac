import { ConflictError } from '../errors.js';
import { DAY_MS } from '../ports/clock.js';
import type { Grant, GrantStatus } from './grant.js';

/** Total lifetime of a grant, from its start, that extensions may not pass. */
export const MAX_GRANT_LIFETIME_DAYS = 180;
/** How long after expiry a grant may still be extended. */
export const EXTENSION_GRACE_DAYS = 7;

export type GrantEvent = 'activate' | 'fail_provision' | 'retry_provision' | 'expire' | 'revoke' | 'extend_expired';

/** The grant state machine: the one place that says which event moves which status where. */
const TRANSITIONS: Readonly<Record<GrantEvent, Partial<Record<GrantStatus, GrantStatus>>>> = {
  activate: { pending_provision: 'active' },
  fail_provision: { pending_provision: 'provision_failed' },
  retry_provision: { provision_failed: 'pending_provision' },
  expire: { active: 'expired', pending_provision: 'expired', provision_failed: 'expired' },
  revoke: { active: 'revoked', pending_provision: 'revoked', provision_failed: 'revoked' },
  extend_expired: { expired: 'pending_provision' },
};

export function nextGrantStatus(grant: Pick<Grant, 'id' | 'status'>, event: GrantEvent): GrantStatus {
  const next = TRANSITIONS[event][grant.status];
  if (!next) throw new ConflictError('invalid_transition', `Grant ${grant.id} is ${grant.status.replace('_', ' ')}; it cannot ${event.replace('_', ' ')}.`);
  return next;
}

/** A grant whose user must not be in the configured group: it ended, or provisioning failed. */
export function isEndedOrFailed(status: GrantStatus): boolean {
  return status === 'expired' || status === 'revoked' || status === 'provision_failed';
}

export function canTransition(grant: Pick<Grant, 'status'>, event: GrantEvent): boolean {
  return TRANSITIONS[event][grant.status] !== undefined;
}

/** When the grant's access began (or, never activated, when it was created): lifetime counts from here. */
export function grantStart(grant: Pick<Grant, 'activatedAt' | 'createdAt'>): number {
  return grant.activatedAt ?? grant.createdAt;
}

export type ExpiryLabel = 'expired' | 'expires today' | 'expires tomorrow' | `${number} days remaining`;

function calendarDay(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  return Date.parse(`${parts}T00:00:00Z`) / DAY_MS;
}

/** The label My Access shows, counted in calendar days in the viewer's time zone. */
export function expiryLabel(expiresAt: number, now: number, timeZone = 'UTC'): ExpiryLabel {
  if (expiresAt <= now) return 'expired';
  const days = calendarDay(expiresAt, timeZone) - calendarDay(now, timeZone);
  if (days <= 0) return 'expires today';
  if (days === 1) return 'expires tomorrow';
  return `${days} days remaining`;
}

/** What a grant that ended before its access was ever set up is called: it was never "expired" access. */
export const NEVER_PROVISIONED = 'never_provisioned';

export type GrantLabel = ExpiryLabel | 'waiting for access to be set up' | 'setting up access failed' | 'ended before access was set up' | 'revoked';

/**
 * The label each grant state shows: time left only for access someone has (active); a grant
 * still being set up or whose setup failed says so instead of counting days it does not have.
 */
export function grantLabel(grant: Pick<Grant, 'status' | 'expiresAt' | 'activatedAt' | 'endReason'>, now: number, timeZone = 'UTC'): GrantLabel {
  switch (grant.status) {
    case 'active':
      return expiryLabel(grant.expiresAt, now, timeZone);
    case 'pending_provision':
      return 'waiting for access to be set up';
    case 'provision_failed':
      return 'setting up access failed';
    case 'expired':
      return grant.endReason === NEVER_PROVISIONED || grant.activatedAt === undefined ? 'ended before access was set up' : 'expired';
    case 'revoked':
      return 'revoked';
  }
}

/** Expiring within this many days is highlighted as "expiring soon". */
export const EXPIRING_SOON_DAYS = 7;

export function isExpiringSoon(expiresAt: number, now: number): boolean {
  return expiresAt > now && expiresAt - now <= EXPIRING_SOON_DAYS * DAY_MS;
}
