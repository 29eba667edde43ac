import type { GroupRef, ExternalIdentity, Subject } from '../contract.js';
import type { ConnectOptions, ProviderDefinition } from '../define-provider.js';

/** A user the backing directory knows, and the provider id it must resolve to. */
export interface KnownUser {
  readonly subject: Subject;
  readonly expectedId: string;
}

/**
 * Arranges for the backing directory's next request to fail. Each call affects exactly one
 * request; the one after it succeeds again.
 */
export interface FaultInjector {
  /** 429 with the provider's rate-limit headers saying to wait `retryAfterMs`. */
  readonly rateLimitNext: (retryAfterMs: number) => void;
  /** 503 without a wait hint. */
  readonly unavailableNext: () => void;
  /** 401: the credential is refused. */
  readonly unauthorizedNext: () => void;
  /** 403: the credential lacks a permission. */
  readonly forbiddenNext: () => void;
  /** The connection is reset before any response. */
  readonly resetNext?: () => void;
  /**
   * The next request gets no answer until the client gives up on it (aborts or closes the
   * connection): proves the provider hands `ctx.signal` to its requests. Required for directory
   * providers (optional in the type only so manual fixtures need no fake): the kit fails a
   * directory fixture without it, saying what to add.
   */
  readonly hangNext?: () => void;
  /**
   * How many requests the directory has received so far, the hung one included (a request whose
   * signal was already aborted is never sent, so it does not count): proves nothing was sent after
   * an abort. Required for directory providers, like `hangNext`.
   */
  readonly requestsReceived?: () => number;
}

/**
 * One way this vendor says "slow down" (a 429 with Retry-After, a 403 whose code means rate limit,
 * a 503 with Retry-After): the rate-limit checks run once per shape.
 */
export interface RateLimitShape {
  /** Names the shape in the check's title and messages, e.g. "403 E0000047". */
  readonly name: string;
  /** The next request is answered this way, asking for a wait of `retryAfterMs`. */
  readonly next: (retryAfterMs: number) => void;
}

/** One fresh backing directory and the connector settings that reach it. */
export interface ConformanceFixture {
  readonly connect: ConnectOptions;
  /** At least one; the first is used for single-user checks, all (up to the batch size) for batches. */
  readonly users: readonly [KnownUser, ...KnownUser[]];
  /** A subject the directory does not know (directory providers). */
  readonly unknownSubject?: Subject;
  /**
   * A subject the directory knows as deactivated / disabled: must resolve `unresolved` with reason
   * `inactive`. Required of directory fixtures (optional in the type only, as for manual ones).
   */
  readonly inactiveSubject?: Subject;
  /** A group that exists and whose membership the connector may manage. */
  readonly existingGroup: Required<GroupRef>;
  /** A group name that does not exist yet (providers that can create groups). */
  readonly newGroupName?: string;
  /**
   * A group that does not exist (deleted): `remove` from it must fail as `not_found`, never answer
   * `already_satisfied`, and `add` to it must fail as `not_found`. Required of directory fixtures
   * (optional in the type only, as for manual ones).
   */
  readonly missingGroup?: Required<GroupRef>;
  /**
   * From now on, the directory answers member listings `pageSize` members a page (a page-size
   * setting of the fake, or a lower cap on the page size the provider asks for). With it, and a
   * connector that has `listMembers`, the kit proves that following the pages lists every member
   * exactly once. Leave it out for a directory that lists a group in one answer (SCIM).
   */
  readonly pageMembers?: (pageSize: number) => void;
  /**
   * The vendor's rate-limit answers; the rate-limit checks run once per shape. Without it, one
   * shape named "429": `faults.rateLimitNext`.
   */
  readonly rateLimitShapes?: readonly RateLimitShape[];
  /** Required for providers that call a directory (`capabilities.manual` false). */
  readonly faults?: FaultInjector;
  /** Required for manual providers: records a person's confirmation that `check` then reports. */
  readonly confirmManual?: (group: GroupRef, identity: ExternalIdentity, member: boolean) => Promise<void> | void;
  /**
   * Values the connector obtains itself while a check runs (an OAuth access token, a session
   * cookie) that must never appear either. Read after each check, then leak-checked exactly like
   * the configured secrets: whole, encoded, or any 12-character part.
   */
  readonly obtainedSecrets?: () => Readonly<Record<string, string | undefined>>;
  readonly teardown?: () => Promise<void> | void;
}

export interface ConformanceHarness {
  readonly provider: ProviderDefinition;
  /** Called once per check, so every check starts from the same directory state. */
  readonly setup: () => Promise<ConformanceFixture> | ConformanceFixture;
}
