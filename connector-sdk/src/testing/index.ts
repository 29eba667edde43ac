export type { CheckEnvironment, ConformanceCheck, ProviderMode } from './check.js';
export { UNKNOWN_USER_ID } from './checks-directory.js';
export { LONG_RETRY_AFTER_MS, PROMPT_SETTLE_MS } from './checks-faults.js';
export { describeProviderConformance } from './describe.js';
export { connectorFailure } from './failure.js';
export type { ConformanceFixture, ConformanceHarness, FaultInjector, KnownUser, RateLimitShape } from './harness.js';
export { EmissionRecorder, findSecretLeaks } from './recorder.js';
export { ALL_CHECKS, applicableChecks, runCheck, runConformance, type CheckResult, type CheckRun } from './run.js';
