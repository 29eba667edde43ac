import assert from 'node:assert/strict';
import type { Connector, ExternalIdentity, OperationContext } from '../contract.js';
import type { OperationContextOptions } from '../context.js';
import { isConnectorError, type ConnectorError, type ConnectorErrorKind } from '../errors.js';
import type { ConformanceFixture, ConformanceHarness, FaultInjector } from './harness.js';
import type { EmissionRecorder } from './recorder.js';

/** What one check runs against: a fresh fixture and a connector whose emissions are recorded. */
export interface CheckEnvironment {
  readonly harness: ConformanceHarness;
  readonly fixture: ConformanceFixture;
  readonly connector: Connector;
  readonly recorder: EmissionRecorder;
  readonly ctx: (options?: OperationContextOptions) => OperationContext;
  /** Resolves the first fixture user (every membership check needs an identity). */
  readonly identity: (index?: number) => Promise<ExternalIdentity>;
}

export type ProviderMode = 'directory' | 'manual';

export interface ConformanceCheck {
  readonly id: string;
  readonly title: string;
  /** Modes the check applies to; a capability filter narrows it further. */
  readonly modes: readonly ProviderMode[];
  readonly when?: (harness: ConformanceHarness) => boolean;
  /**
   * What only the connected connector or the fixture can tell (an optional operation, an optional
   * fixture hook): the reason the check does not apply, or undefined when it does. A check that
   * does not apply is skipped, not passed.
   */
  readonly notApplicable?: (env: CheckEnvironment) => string | undefined;
  readonly run: (env: CheckEnvironment) => Promise<void>;
}

export function modeOf(harness: ConformanceHarness): ProviderMode {
  return harness.provider.capabilities.manual ? 'manual' : 'directory';
}

/**
 * Awaits a rejection and asserts it is a connector error of the expected kind. `shape` names the
 * rate-limit answer the directory sent, for checks that run once per shape.
 */
export async function expectConnectorError(
  promise: Promise<unknown>,
  kind: ConnectorErrorKind,
  what: string,
  shape?: string,
): Promise<ConnectorError> {
  const expected = `expected kind "${kind}"${shape === undefined ? '' : ` for shape "${shape}"`}`;
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    assert.ok(isConnectorError(error), `${what}: ${expected}, got ${describeThrown(error)}`);
    assert.equal(error.kind, kind, `${what}: ${expected}, got "${error.kind}" ${describeError(error)}`);
    assert.equal(error.retryable, kind === 'rate_limited' || kind === 'transient', `${what}: wrong retryable flag`);
    return error;
  }
  assert.fail(`${what}: ${expected}, but it succeeded with ${JSON.stringify(outcome)}`);
}

/** `(HTTP 503, code sign_in_unavailable): message` — the status the directory actually sent, when the error carries it. */
export function describeError(error: ConnectorError): string {
  const facts = [error.status === undefined ? undefined : `HTTP ${error.status}`, `code ${error.code}`].filter((fact) => fact !== undefined);
  return `(${facts.join(', ')}): ${error.message}`;
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function requireFaults(fixture: ConformanceFixture): FaultInjector {
  assert.ok(fixture.faults, 'a directory provider fixture must provide `faults` so error classification can be proved');
  return fixture.faults;
}

/** The two hooks the abort checks need; a directory fixture without them fails, saying what to add. */
export function requireAbortHooks(fixture: ConformanceFixture): { readonly hangNext: () => void; readonly requestsReceived: () => number } {
  const faults = requireFaults(fixture);
  const missing = [
    faults.hangNext ? undefined : '`faults.hangNext()` (the next request gets no answer until the client aborts it)',
    faults.requestsReceived ? undefined : '`faults.requestsReceived()` (how many requests the fake directory has received)',
  ].filter((hook) => hook !== undefined);
  assert.deepEqual(
    missing,
    [],
    `a directory provider fixture must provide ${missing.join(' and ')}: the kit uses them to prove the provider hands ctx.signal to every request and sends nothing after an abort`,
  );
  // Called as methods: a fake's hooks may read its own state through `this`.
  return { hangNext: () => faults.hangNext?.(), requestsReceived: () => faults.requestsReceived?.() ?? 0 };
}

/** A value every directory fixture must declare; without it the check fails, saying what to add. */
export function requireFixture<T>(value: T | undefined, field: string, why: string): T {
  assert.ok(value !== undefined, `a directory provider fixture must provide \`${field}\`: ${why}`);
  return value;
}

/**
 * Returns once `attempt` has settled, if it does within `boundMs`; otherwise aborts `controller`
 * (so a provider waiting on its signal does not outlive the check) and fails with `late`.
 */
export async function settlesPromptly(attempt: Promise<unknown>, boundMs: number, controller: AbortController | undefined, late: string): Promise<void> {
  const settled = attempt.then(
    () => true,
    () => true,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), boundMs);
  });
  const inTime = await Promise.race([settled, bound]);
  clearTimeout(timer);
  if (inTime) return;
  controller?.abort();
  assert.fail(late);
}
