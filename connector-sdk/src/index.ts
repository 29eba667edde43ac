export type {
  ConnectionCheck,
  ConnectionTestResult,
  Connector,
  ExternalIdentity,
  GroupBinding,
  GroupRef,
  GroupSpec,
  IdentityResolution,
  ManualConfirmation,
  ManualTask,
  MembershipCheck,
  MembershipOutcome,
  OperationContext,
  ProviderCapabilities,
  ProviderHost,
  ProviderOperations,
  Subject,
  UnresolvedReason,
} from './contract.js';
export { assertCanProceed, createOperationContext, remainingMs, type OperationContextOptions } from './context.js';
export {
  defineProvider,
  type ConnectOptions,
  type ProviderDefinition,
  type ProviderInit,
  type ProviderSpec,
  type SecretField,
  type SetupGuide,
} from './define-provider.js';
export {
  AuthError,
  ConnectorError,
  ERROR_KINDS,
  InvalidConfigError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitedError,
  TransientError,
  UnsupportedError,
  connectorError,
  isConnectorError,
  isRetryableKind,
  type ConnectorErrorDetails,
  type ConnectorErrorJson,
  type ConnectorErrorKind,
} from './errors.js';
export { describeConnectorForm, type ConnectorFormDescription, type SecretFieldDescription } from './form.js';
export { readHeader, type HeaderSource } from './headers.js';
export { classifyHttpError, errorKindForStatus, type HttpErrorFacts } from './http.js';
export { redactingLogger, silentLogger, type LogFields, type Logger } from './logger.js';
export { classifyNetworkError, toConnectorError } from './network.js';
export { REDACTED, createRedactor, patternRedactor, type Redactor } from './redact.js';
export { retryAfterMsFromHeaders } from './retry-after.js';
