import assert from 'node:assert/strict';
import type { Connector, ExternalIdentity, OperationContext } from '../contract.js';
import type { OperationContextOptions } from '../context.js';
import { isConnectorError, type ConnectorError, type ConnectorErrorKind } from '../errors.js';
import type { ConformanceFixture, ConformanceHarness } from './harness.js';
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
  readonly run: (env: CheckEnvironment) => Promise<void>;
}

export function modeOf(harness: ConformanceHarness): ProviderMode {
  return harness.provider.capabilities.manual ? 'manual' : 'directory';
}

/** Awaits a rejection and asserts it is a connector error of the expected kind. */
export async function expectConnectorError(
  promise: Promise<unknown>,
  kind: ConnectorErrorKind,
  what: string,
): Promise<ConnectorError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    assert.ok(isConnectorError(error), `${what}: expected a ConnectorError of kind "${kind}", got ${describeThrown(error)}`);
    assert.equal(error.kind, kind, `${what}: expected kind "${kind}", got "${error.kind}" (${error.message})`);
    assert.equal(error.retryable, kind === 'rate_limited' || kind === 'transient', `${what}: wrong retryable flag`);
    return error;
  }
  assert.fail(`${what}: expected a ConnectorError of kind "${kind}", but it succeeded with ${JSON.stringify(outcome)}`);
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function requireFaults(fixture: ConformanceFixture) {
  assert.ok(fixture.faults, 'a directory provider fixture must provide `faults` so error classification can be proved');
  return fixture.faults;
}
