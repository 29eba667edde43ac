import type { Actor } from '@clearway/core';

/** Who sets Clearway up for the run, and who approves and revokes. */
export const admin: Actor = { accountId: 'chaos-admin', isAdmin: true };
export const approver: Actor = { accountId: 'chaos-approver' };
