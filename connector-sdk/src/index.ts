export type {
  BatchItemResult,
  ConnectionCheck,
  ConnectionTestResult,
  Connector,
  ConnectorLimits,
  ExternalIdentity,
  GroupBinding,
  GroupRef,
  GroupSpec,
  IdentityResolution,
  ManualConfirmation,
  ManualTask,
  MembershipCheck,
  MemberPage,
  MembershipOutcome,
  OperationContext,
  ProviderCapabilities,
  ProviderHost,
  ProviderOperations,
  Subject,
  UnresolvedReason,
} from './contract.js';
export { canResolveSubject, resolvesByAccountId } from './capabilities.js';
export { assertCanProceed, createOperationContext, remainingMs, type OperationContextOptions } from './context.js';
export {
  addOneByOne,
  defineProvider,
  isSecretRequired,
  type ConnectOptions,
  type ProviderDefinition,
  type ProviderInit,
  type ProviderSpec,
  type SecretCondition,
  type SecretField,
  type SecretFields,
  type SecretValues,
  type SettingValue,
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
export { classifyHttpErrorByRules, findHttpErrorRule, type HttpErrorRule, type RuleFacts } from './error-rules.js';
export { checkEndpointUrl, isLoopbackHost, type EndpointUrlOptions } from './endpoint.js';
export { describeConnectorForm, type ConnectorFormDescription, type SecretFieldDescription } from './form.js';
export { readHeader, type HeaderSource } from './headers.js';
export { classifyHttpError, errorKindForStatus, type HttpErrorFacts } from './http.js';
export { validResult } from './results.js';
export { redactingLogger, silentLogger, type LogFields, type Logger } from './logger.js';
export { classifyNetworkError, toConnectorError } from './network.js';
export { REDACTED, createRedactor, patternRedactor, type Redactor } from './redact.js';
export { retryAfterMsFromHeaders } from './retry-after.js';
