import type { ConnectorErrorJson } from '@clearway/connector-sdk';

/**
 * `pending_provision → active → expired | revoked`; `provision_failed` when the provider's
 * action failed terminally (a retry returns it to `pending_provision`).
 */
export const GRANT_STATUSES = ['pending_provision', 'active', 'provision_failed', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** A grant and its configured group disagreeing: the grant says member and the group not, or the reverse. */
export type DriftKind = 'missing_member' | 'unexpected_member';

/** Where removing access stands after expiry or revoke. */
export type DeprovisionState = 'not_needed' | 'pending' | 'done' | 'failed';

export interface GrantExtension {
  readonly extendedBy: string;
  readonly extendedAt: number;
  readonly previousExpiresAt: number;
  readonly newExpiresAt: number;
  readonly rationale: string;
}

/** One issue a work-linked grant lives by. */
export interface GrantWorkLink {
  readonly linkId: string;
  readonly issueKey: string;
  readonly policyId: string;
  /** When this link ends at the latest (the policy's maximum duration). */
  readonly deadline: number;
}

/** A work-linked grant: the issues it lives by, and what will end it. */
export interface GrantWork {
  readonly links: readonly GrantWorkLink[];
  readonly endsWhen: string;
}

export interface Grant {
  readonly id: string;
  readonly version: number;
  readonly requestId: string;
  readonly issueKey: string;
  readonly requesterAccountId: string;
  readonly toolId: string;
  readonly connectorId: string;
  readonly status: GrantStatus;
  readonly durationDays: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When access started (the provider's add succeeded or a person marked it fulfilled). */
  readonly activatedAt?: number;
  /** Provisional until activation, then `activatedAt + duration`; moved by extensions. */
  readonly expiresAt: number;
  readonly endedAt?: number;
  readonly endedBy?: string;
  readonly endReason?: string;
  readonly deprovision: DeprovisionState;
  readonly extensions: readonly GrantExtension[];
  /** Why provisioning failed, as the provider classified it. */
  readonly failure?: ConnectorErrorJson & { readonly at: number };
  /**
   * When an add for this grant last ended without an answer (a timeout, a reset, a 5xx, an answer
   * that was not the vendor's, a worker that died mid-call): it may have applied, or may still
   * land. A grant that ends or fails after that is removed from the group whatever our records
   * say, and a removal within the late-effect window is checked again once it has passed.
   */
  readonly unconfirmedAddAt?: number;
  /** Approved outside the rules by a security reviewer: the exception record (same id) tracks its reviews. */
  readonly exception?: { readonly reason: string; readonly approvedBy: string };
  /** Review-before-expiry: opened once per grant (`opening` while the Jira issue is being created). */
  readonly recertification?: { readonly state: 'opening' | 'opened'; readonly issueKey?: string; readonly at: number };
  /** When a membership check last ran, and what disagreement it found, if any. */
  readonly lastCheckedAt?: number;
  readonly drift?: { readonly kind: DriftKind; readonly detectedAt: number };
  /** Work-linked access: lives while its linked issues are live; `expiresAt` is the latest link deadline. */
  readonly work?: GrantWork;
}
