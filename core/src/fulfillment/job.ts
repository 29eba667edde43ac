import type { ConnectorErrorJson, ManualTask } from '@clearway/connector-sdk';

/**
 * One provider action for a grant — or, for `reconcile`, for a tool's group as a whole (its
 * members against the live grants; `grantId` then holds `group:<toolId>`).
 */
export const JOB_TYPES = ['provision', 'deprovision', 'check', 'reconcile'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_STATUSES = ['queued', 'running', 'retry_wait', 'succeeded', 'failed', 'awaiting_manual'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface Job {
  readonly id: string;
  readonly version: number;
  readonly type: JobType;
  readonly grantId: string;
  readonly connectorId: string;
  readonly toolId: string;
  readonly status: JobStatus;
  /** Deduplicates creation: one job per grant, type and cause. */
  readonly idempotencyKey: string;
  readonly attempts: number;
  /** When a queued or retry_wait job may run next, or when a running job's lease expires. */
  readonly wakeAt?: number;
  readonly leaseOwner?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastError?: ConnectorErrorJson;
  readonly manualTask?: ManualTask;
  /**
   * `verify_removal`: a check that runs once a late answer can no longer land, after a removal that
   * followed an add whose answer never came (see `Grant.unconfirmedAddAt`). `restore`: an add for
   * an active grant whose member someone took out by hand (governance `drift.restoreMissing`).
   */
  readonly purpose?: 'verify_removal' | 'restore';
  readonly outcome?: string;
  readonly completedAt?: number;
  readonly completedBy?: string;
}
