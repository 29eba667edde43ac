// Ports: what core needs from the world.
export * from './ports/index.js';
export * from './errors.js';
export { SYSTEM_ACTOR, type Actor, type CoreDeps } from './shared/deps.js';
export { transact, type Change } from './shared/transact.js';
export { initializeClearway } from './setup.js';

// Catalog
export { MAX_DURATION_DAYS, RISK_LEVELS, TOOL_STATUSES, isRequestable, toolInputSchema, type ConfiguredGroupSpec, type RiskLevel, type Tool, type ToolFulfillment, type ToolInput, type ToolStatus } from './catalog/tool.js';
export { SEED_TOOLS, type SeedTool } from './catalog/seed.js';
export { getTool, listTools, recordGroupBinding, saveTool, seedCatalog } from './catalog/catalog-service.js';

// Connectors
export { MANUAL_CONNECTOR_ID, identityRecordId, type ConnectorRecord, type IdentityRecord } from './connectors/connector.js';
export type { ProviderRegistry } from './connectors/provider-registry.js';
export {
  createConnector,
  deleteConnector,
  getConnector,
  listConnectors,
  readConnectorSecrets,
  setConnectorEnabled,
  setIdentityMapping,
  testConnector,
  updateConnector,
  type ConnectorDeps,
  type ConnectorInput,
  type ConnectorUpdate,
} from './connectors/connector-service.js';

// Governance
export { DEFAULT_GOVERNANCE_RULES, governanceRulesSchema, type AutoApprovalPolicy, type GovernanceRules, type GovernanceRulesInput, type GovernanceVersion, type RiskRule } from './governance/policy.js';
export { DEFAULT_GOVERNANCE, currentGovernance, currentPolicyVersion } from './governance/current.js';
export { listGovernanceVersions, updateGovernance } from './governance/governance-service.js';

// Requests and decisions
export type { AccessRequest, Decision, DecisionSource, RequestStatus, RequestedNewTool } from './requests/request.js';
export { submitRequest, submitRequestSchema, type SubmitRequestInput, type SubmitRequestResult } from './requests/submit-request.js';
export { getRequest, listMyRequests, listPendingForApprover, listRequests } from './requests/request-queries.js';
export { approverVerdict, canApproveAnywhere, type ApproverVerdict } from './decisions/approvers.js';
export { evaluateAutoApproval, type AutoApprovalVerdict } from './decisions/auto-approval.js';
export { decide, decisionInputSchema, type DecisionInput, type DecisionResult } from './decisions/decide.js';
export { BULK_MAX_ITEMS, BULK_MAX_PER_MINUTE, bulkDecide, type BulkDecisionInput, type BulkItemResult } from './decisions/bulk-decide.js';

// Grants
export type { DeprovisionState, Grant, GrantExtension, GrantStatus } from './grants/grant.js';
export { EXPIRING_SOON_DAYS, EXTENSION_GRACE_DAYS, MAX_GRANT_LIFETIME_DAYS, canTransition, expiryLabel, grantStart, isExpiringSoon, nextGrantStatus, type ExpiryLabel, type GrantEvent } from './grants/lifecycle.js';
export {
  activateGrant,
  expireGrant,
  extendGrant,
  failGrantProvisioning,
  getGrant,
  listMyGrants,
  retryGrantProvisioning,
  revokeGrant,
  viewGrant,
  type GrantView,
} from './grants/grant-service.js';

// Audit
export { auditEventId, type AuditEntry, type AuditEvent, type AuditEventBody, type AuditRefs } from './audit/event.js';
export { CANONICALIZATION, GENESIS_HASH, HASH_ALGORITHM, MAC_ALGORITHM, canonicalBody, computeEntryHash, computeEntryMac } from './audit/chain.js';
export { verifyChain, type ChainProblem, type ChainVerification, type ChainedEvent } from './audit/verify.js';
export { AUDIT_CHECKPOINT_ID, AUDIT_HEAD_ID, auditMacKey, readChainHead, readCheckpoint, type AuditCheckpoint } from './audit/audit-log.js';
export { listAuditEvents, verifyAuditLog } from './audit/audit-service.js';
export {
  CSV_COLUMNS,
  DEFAULT_EXPORT_DAYS,
  MAX_EXPORT_DAYS,
  exportEvidence,
  resolveExportRange,
  verifyEvidence,
  verifyEvidenceCsv,
  type EvidenceManifest,
  type EvidenceSink,
  type EvidenceVerification,
} from './audit/evidence.js';
export { pruneAuditEvents } from './audit/retention.js';
