// Ports: what core needs from the world.
export * from './ports/index.js';
export * from './errors.js';
export { SYSTEM_ACTOR, type Actor, type CoreDeps } from './shared/deps.js';
export { transact, type Change } from './shared/transact.js';
export { initializeClearway } from './setup.js';

// Input checks shared with the app's edge
export { illFormedTextPath } from './shared/validate.js';

// Catalog
export { MAX_DURATION_DAYS, RISK_LEVELS, TOOL_STATUSES, isRequestable, toolInputSchema, type ConfiguredGroupSpec, type RiskLevel, type Tool, type ToolFulfillment, type ToolInput, type ToolStatus } from './catalog/tool.js';
export { SEED_TOOLS, type SeedTool } from './catalog/seed.js';
export { durationCap, type DurationCap } from './catalog/duration-cap.js';
export { getTool, listTools, recordGroupBinding, saveTool, seedCatalog } from './catalog/catalog-service.js';

// Connectors
export { MANUAL_CONNECTOR_ID, identityRecordId, type ConnectorRecord, type IdentityRecord } from './connectors/connector.js';
export type { ProviderRegistry } from './connectors/provider-registry.js';
export { connectorUsage, type ConnectorUsage } from './connectors/connector-usage.js';
export {
  createConnector,
  deleteConnector,
  getConnector,
  listConnectors,
  readConnectorSecrets,
  setConnectorEnabled,
  listConnectorIdentities,
  setIdentityMapping,
  testConnector,
  updateConnector,
  type ConnectorDeps,
  type ConnectorInput,
  type ConnectorUpdate,
} from './connectors/connector-service.js';

// Governance
export { DEFAULT_EXCEPTION_RULES, DEFAULT_GOVERNANCE_RULES, governanceRulesSchema, type AutoApprovalPolicy, type ExceptionRules, type GovernanceRules, type GovernanceRulesInput, type GovernanceVersion, type RiskRule } from './governance/policy.js';
export { DEFAULT_GOVERNANCE, currentGovernance, currentPolicyVersion } from './governance/current.js';
export { listGovernanceVersions, updateGovernance } from './governance/governance-service.js';

// Requests and decisions
export { REQUEST_STATUSES, type AccessRequest, type Decision, type DecisionSource, type RequestStatus, type RequestedNewTool, type RequestWork } from './requests/request.js';
export { submitRequest, submitRequestSchema, type SubmitRequestInput, type SubmitRequestResult } from './requests/submit-request.js';
export { findRequestByIssue, getRequest, listMyRequests, listPendingForApprover, listRequests } from './requests/request-queries.js';
export { approverVerdict, approversForProject, canApproveAnywhere, exceptionApproverVerdict, type ApproverVerdict } from './decisions/approvers.js';
export { evaluateAutoApproval, type AutoApprovalVerdict } from './decisions/auto-approval.js';
export { decide, decisionInputSchema, type DecisionInput, type DecisionResult } from './decisions/decide.js';
export { BULK_MAX_ITEMS, BULK_MAX_PER_MINUTE, bulkDecide, type BulkDecisionInput, type BulkItemResult } from './decisions/bulk-decide.js';

// Exceptions: access approved outside the rules, reviewed often, limited per tool
export { EXCEPTION_KINDS, exceptionKinds, exceptionStanding, openExceptionsId, type AccessException, type ExceptionClosure, type ExceptionKind, type ExceptionReview, type ExceptionStanding } from './exceptions/exception.js';
export { reviewException, type ExceptionReviewInput } from './exceptions/review.js';
export { EXCEPTION_LAPSED, lapsesAt, sweepExceptions, type ExceptionSweepReport } from './exceptions/sweep.js';
export { exceptionReport, listExceptions, viewException, type ExceptionReport, type ExceptionView } from './exceptions/queries.js';

// Per-actor limits (reserved before a call, settled or released after)
export { CONTENTION_RETRY_AFTER_MS, MAX_RESERVE_ATTEMPTS, allowanceRecordId, readAllowance, reserveAllowance, type Budget, type Claim, type Reservation } from './limits/allowance.js';
export { DECISION_BUDGETS, DECISIONS_PER_MINUTE } from './limits/budgets.js';

// Grants
export { GRANT_STATUSES, type DeprovisionState, type DriftKind, type Grant, type GrantExtension, type GrantStatus, type GrantWork, type GrantWorkLink } from './grants/grant.js';
export { EXPIRING_SOON_DAYS, EXTENSION_GRACE_DAYS, MAX_GRANT_LIFETIME_DAYS, NEVER_PROVISIONED, canTransition, expiryLabel, grantLabel, grantStart, isExpiringSoon, nextGrantStatus, type ExpiryLabel, type GrantEvent, type GrantLabel } from './grants/lifecycle.js';
export {
  activateGrant,
  activationPatch,
  expireGrant,
  extendGrant,
  failGrantProvisioning,
  getGrant,
  grantTransition,
  listGrants,
  listMyGrants,
  retryGrantProvisioning,
  revokeGrant,
  viewGrant,
  type GrantView,
  type Transition,
} from './grants/grant-service.js';

// Audit
export { auditEventId, type AuditEntry, type AuditEvent, type AuditEventBody, type AuditRefs } from './audit/event.js';
export { CANONICALIZATION, GENESIS_HASH, HASH_ALGORITHM, MAC_ALGORITHM, canonicalBody, computeEntryHash, computeEntryMac } from './audit/chain.js';
export { canonicalEventFields, canonicalJson } from './audit/canonical.js';
export { verifyChain, type ChainProblem, type ChainVerification, type ChainedEvent } from './audit/verify.js';
export { AUDIT_CHECKPOINT_ID, AUDIT_HEAD_ID, auditMacKey, readChainHead, readCheckpoint, type AuditCheckpoint } from './audit/audit-log.js';
export { listAuditEvents, verifyAuditLog } from './audit/audit-service.js';
export {
  CSV_COLUMNS,
  DEFAULT_EXPORT_DAYS,
  MAX_EXPORT_DAYS,
  exportEvidence,
  resolveExportRange,
  type EvidenceManifest,
  type EvidenceSink,
  type SealedEvidenceManifest,
} from './audit/evidence.js';
export { verifyEvidence, verifyEvidenceCsv, type EvidenceVerification, type EvidenceVerifyOptions } from './audit/evidence-verify.js';
export {
  EVIDENCE_ANCHOR_TYPE,
  ISSUE_PROPERTY_LIMITS,
  buildEvidenceAnchor,
  evidenceAnchorPropertyKey,
  evidenceAnchorSchema,
  manifestHash,
  readEvidenceAnchor,
  type EvidenceAnchor,
} from './audit/anchor.js';
export {
  EVIDENCE_SETTINGS_ID,
  anchorEvidenceExport,
  readEvidenceSettings,
  setEvidenceAnchorIssue,
  type AnchorTarget,
  type EvidenceAnchorWriter,
  type EvidenceAnchoring,
  type EvidenceSettings,
} from './audit/anchoring.js';
export { pruneAuditEvents } from './audit/retention.js';

// Fulfillment engine
export { JOB_STATUSES, JOB_TYPES, type Job, type JobStatus, type JobType } from './fulfillment/job.js';
export { cancelOpenProvisioning, enqueueJob, isOpenJob, jobIdFor, newJob } from './fulfillment/jobs.js';
export { DEFAULT_RETRY_POLICY, hasAttemptsLeft, retryDelayMs, type RetryPolicy } from './fulfillment/retry-policy.js';
export { ConnectorThrottle, DEFAULT_THROTTLE, realSleep, type Sleep, type ThrottleLimits } from './fulfillment/throttle.js';
export { CORE_DEPS, ContainerProviderRegistry, ENGINE_OPTIONS, PROVIDER, PROVIDER_REGISTRY, createProviderContainer, registerProvider } from './fulfillment/provider-registry.js';
export { ConnectionPool, manualConfirmationId, readManualConfirmation, type Connection } from './fulfillment/connections.js';
export { DEFAULT_ENGINE_OPTIONS, FulfillmentEngine, type EngineOptions, type RunSummary } from './fulfillment/engine.js';
export { MANUAL_COMPLETIONS, completeManualTask, listManualTasks, type ManualCompletionInput } from './fulfillment/manual-tasks.js';
export { listFailedJobs, retryFailedJob } from './fulfillment/failures.js';
export { listUnmanagedMembers, type UnmanagedMember, type UnmanagedMembers } from './fulfillment/reconcile.js';
export { settleFailure, settleManual, settleSuccess, type JobResult, type Settler } from './fulfillment/settle.js';

// Lifecycle sweeps
export { expireDueGrants } from './lifecycle/expiry.js';
export { openRecertifications } from './lifecycle/recertification.js';
export { escalateOverdueApprovals, expireStaleRequests } from './lifecycle/approvals.js';
export { applyRetention } from './lifecycle/retention.js';
export { scheduleDriftChecks } from './lifecycle/drift.js';
export { insightsId, readInsights, refreshInsights, type DailyInsights } from './lifecycle/insights.js';
export { LIVE_COUNT_CAP, readLiveInsights, type BoundedCount, type LiveInsights } from './lifecycle/insights-live.js';
export { monthlyInsights, readMonthlyInsights, type MonthlyInsights, type MonthlyInsightsView } from './lifecycle/insights-monthly.js';
export { readPeopleInsights, type PeopleInsights } from './lifecycle/insights-people.js';
export { runLifecycleSweeps, type SweepReport } from './lifecycle/sweeps.js';

// AI-agent gateway: agent policy, evaluation, activity log, dashboard (no transport)
export * from './agent-gateway/index.js';

// Work-linked access: grants that live as long as the Jira work that needs them
export * from './work-linked/index.js';
