export { IdpSimulator, type AtlassianFault, type CallRecord, type CallVendor, type HangMatch, type SimulatorOptions } from './server.js';
export { AtlassianSite, AtlassianSiteError, ISSUE_TYPES, STATUS_CATEGORIES, STATUSES, TRANSITIONS, parseJql, type AtlassianAccount, type AtlassianErrorCode, type AtlassianSiteOptions, type ConfluencePageRecord, type ConfluenceSpaceRecord, type JiraCommentRecord, type JiraIssueRecord, type JiraProjectRecord, type JqlQuery } from './atlassian-site.js';
export { ATLASSIAN_MCP_TOOLS, createAtlassianMcpServer, handleAtlassianMcp, type AtlassianMcpExchange, type McpCallSummary } from './atlassian-mcp.js';
export {
  ATLASSIAN_MCP_PATHS,
  AtlassianAuthorizationServer,
  AuthorizationRefusal,
  DEFAULT_ATLASSIAN_MCP_SCOPE,
  OAuthRefusal,
  type AtlassianOAuthOptions,
  type OAuthClientRecord,
  type OAuthErrorCode,
  type RevocationReason,
  type TokenIssuance,
  type TokenResponse,
  type TokenRevocation,
} from './atlassian-oauth.js';
export { atlassianOAuthEndpoint, handleAtlassianOAuth, protectedResourceMetadataUrl, type AtlassianOAuthExchange, type OAuthCallSummary, type OAuthEndpoint } from './atlassian-oauth-http.js';
export { GraphTenant, type GraphGroupRecord, type GraphUserRecord } from './graph.js';
export { ScimService, type ScimGroupRecord, type ScimUserRecord } from './scim.js';
export { OktaOrg, type OktaGroupRecord, type OktaUserRecord } from './okta.js';
export type { Effect, EffectKind, Vendor } from './http.js';
export { DEFAULT_ATLASSIAN_SEED, atlassianSeedOrDefault, loadSeed, type AtlassianSeed, type JiraStatusName, type SimulatorSeed } from './seed.js';
export { createCertificate, ensureCertificate, type TlsMaterial } from './tls.js';
export { TrafficControl, type Bucket, type FaultRates, type OneShotFault, type RateLimitRule } from './traffic.js';
export { SimulatedAiClient, SignInRefused, connectSignedIn, signedInToken } from './ai-client.js';
