/**
 * The provider contract: the six operations every provider implements (plus the optional
 * `listMembers`), the outcomes they return and the context each receives. A provider is a plugin package (a type such as `okta-group`); a
 * connector is one admin-configured instance of it.
 */
import type { ConnectorError } from './errors.js';
import type { Logger } from './logger.js';

/** What every operation receives: who asked, by when it must finish, and where to log. */
export interface OperationContext {
  /** Ties log lines, audit events and provider calls of one job attempt together. */
  readonly correlationId: string;
  /** Epoch milliseconds after which the operation must not start new work. */
  readonly deadline: number;
  /** Aborted when the deadline passes or the caller gives up; pass it to every HTTP call. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** The caller's clock, in epoch milliseconds. */
  readonly now: () => number;
}

/** The Jira user a grant is for, as the engine knows them. */
export interface Subject {
  /** Atlassian account id. */
  readonly accountId: string;
  readonly email?: string;
  readonly displayName?: string;
  /** An admin's explicit mapping to the provider's user (id or login); it wins over email. */
  readonly mappedExternalId?: string;
}

/** The provider's user a subject resolves to. `id` is what add/remove/check take. */
export interface ExternalIdentity {
  readonly id: string;
  readonly login?: string;
  readonly email?: string;
  readonly displayName?: string;
}

/**
 * Why a subject resolves to no user. `mapping_required`: the provider cannot find this person
 * without an admin's explicit mapping (no email to search by, or a directory that cannot search
 * by email); the engine then asks the admin to map this Jira user instead of reporting not found.
 */
export type UnresolvedReason = 'not_found' | 'inactive' | 'ambiguous' | 'mapping_required';

/** Resolving an identity either finds one user or says plainly why not; it does not throw for that. */
export type IdentityResolution =
  | { readonly outcome: 'resolved'; readonly identity: ExternalIdentity; readonly matchedBy: 'mapping' | 'login' | 'email' | 'account' }
  | { readonly outcome: 'unresolved'; readonly reason: UnresolvedReason; readonly message: string };

/** The configured group of a tool, as stored once bound. */
export interface GroupRef {
  readonly id: string;
  readonly name?: string;
}

/** How a tool's configured group is chosen: an existing group by id or exact name, or created. */
export interface GroupSpec {
  readonly groupId?: string;
  readonly name?: string;
  readonly description?: string;
  /** Create the group when no group of that exact name exists (needs `capabilities.createGroups`). */
  readonly createIfMissing?: boolean;
}

export interface GroupBinding {
  readonly group: GroupRef;
  readonly outcome: 'bound' | 'created';
}

/** A job a human completes because the provider cannot act itself. */
export interface ManualTask {
  readonly action: 'provision' | 'deprovision' | 'verify';
  /** One line for a queue: what to do, to whom, where. */
  readonly summary: string;
  /** Longer steps for the person doing it. */
  readonly instructions?: string;
}

/**
 * Result of add/remove. Both are idempotent: doing again what is already true is
 * `already_satisfied`, never an error.
 */
export type MembershipOutcome =
  | { readonly outcome: 'applied' }
  | { readonly outcome: 'already_satisfied' }
  | { readonly outcome: 'pending_manual'; readonly task: ManualTask };

/**
 * One user's result inside `addBatch`: the outcome, or the error that user's add met. A batch never
 * lets one user's failure decide another's: every user gets an outcome or an error of their own.
 */
export type BatchItemResult = MembershipOutcome | { readonly outcome: 'failed'; readonly error: ConnectorError };

export type MembershipCheck =
  | { readonly outcome: 'member' | 'not_member'; readonly via: 'direct' | 'transitive' | 'manual_confirmation' }
  | { readonly outcome: 'pending_manual'; readonly task: ManualTask };

/**
 * One page of a group's direct members (`listMembers`). `nextCursor` is opaque to the engine: it
 * is handed back unchanged for the next page, and absent on the last page.
 */
export interface MemberPage {
  readonly members: readonly ExternalIdentity[];
  readonly nextCursor?: string;
}

/** One named step of "Test connection", written for the admin who will read it. */
export interface ConnectionCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly message: string;
}

export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly checks: readonly ConnectionCheck[];
}

export interface ProviderCapabilities {
  /** The provider can create the configured group when asked to. */
  readonly createGroups: boolean;
  /** Largest number of users one `addBatch` call takes; 1 means no batching. */
  readonly maxBatchSize: number;
  /** What `check` looks at: direct membership, transitive (nested) membership, or human confirmation. */
  readonly membershipCheck: 'direct' | 'transitive' | 'manual';
  /** Add/remove are done by a person: they answer `pending_manual`. */
  readonly manual: boolean;
  /**
   * `resolveIdentity` can find a person from the Atlassian account id alone, with no email and no
   * mapping (it answers `matchedBy: 'account'`). Defaults to `manual`: a person fulfilling works
   * from any handle, a directory needs an email or a mapping. Without it, a subject with neither is
   * never sent to the provider: the engine fails the job with `identity_mapping_required`.
   */
  readonly resolvesByAccountId?: boolean;
  /**
   * Throughput the engine keeps to for a connector of this provider unless its admin sets other
   * limits: derive it from the vendor's documented rate limits, leaving headroom for other clients
   * of the same tenant. Without it the engine uses its own defaults.
   */
  readonly defaultLimits?: ConnectorLimits;
}

/** How fast and how wide the engine may call one connector. */
export interface ConnectorLimits {
  /**
   * Operations (connector calls) started per second, sustained; a fraction for slow APIs (0.5 is
   * one every two seconds). The engine throttles operations, not HTTP requests: divide the vendor's
   * request limit by the requests your busiest operation makes.
   */
  readonly requestsPerSecond: number;
  /** Calls in flight at once. */
  readonly concurrency: number;
}

/** What a provider implements. `defineProvider` wraps it with the guards every connector gets. */
export interface ProviderOperations {
  readonly test: (ctx: OperationContext, options: { readonly group?: GroupRef }) => Promise<ConnectionTestResult>;
  readonly resolveIdentity: (ctx: OperationContext, subject: Subject) => Promise<IdentityResolution>;
  readonly bindGroup: (ctx: OperationContext, spec: GroupSpec) => Promise<GroupBinding>;
  readonly add: (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity) => Promise<MembershipOutcome>;
  /**
   * Required when `capabilities.maxBatchSize` > 1; one result per identity, in order: an outcome, or
   * `failed` with that user's error. Throw only when nothing is known about any user (the whole
   * request failed); then every user of the batch gets that error.
   */
  readonly addBatch?: (ctx: OperationContext, group: GroupRef, identities: readonly ExternalIdentity[]) => Promise<BatchItemResult[]>;
  readonly remove: (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity) => Promise<MembershipOutcome>;
  readonly check: (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity) => Promise<MembershipCheck>;
  /**
   * Optional: the group's direct members, a page at a time (`cursor` from the previous page, none
   * for the first). Drift uses it to find members the group has but no live grant explains — a
   * person added by hand, or re-added after their grant ended. A directory implements it; a
   * provider without a listable group (manual fulfillment) leaves it out.
   */
  readonly listMembers?: (ctx: OperationContext, group: GroupRef, cursor?: string) => Promise<MemberPage>;
}

/**
 * A connector as the engine uses it: every operation guarded, `addBatch` always present,
 * `listMembers` present when the provider can list a group.
 */
export interface Connector extends Required<Omit<ProviderOperations, 'listMembers'>> {
  readonly type: string;
  readonly capabilities: ProviderCapabilities;
  readonly listMembers?: ProviderOperations['listMembers'];
}

/** A person's record that a manual task was done, which the manual provider's `check` answers from. */
export interface ManualConfirmation {
  readonly member: boolean;
  readonly confirmedAt: number;
  readonly confirmedBy: string;
}

/** Services the host application offers providers. */
export interface ProviderHost {
  readonly now: () => number;
  /** The latest recorded confirmation for an identity in a group, if any. */
  readonly manualConfirmation?: (group: GroupRef, identity: ExternalIdentity) => Promise<ManualConfirmation | undefined>;
}
