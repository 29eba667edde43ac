export { DAY_MS, HOUR_MS, MINUTE_MS, systemClock, type Clock } from './clock.js';
export { randomIds, type Ids } from './ids.js';
export { APPROVE_TRANSITIONS, DENY_TRANSITIONS, issueKeySchema, projectKeySchema, type CommentAudience, type CommentOptions, type Jira, type JiraAccount } from './jira.js';
export type { GroupDirectory, UserGroups } from './groups.js';
export { silentLogger, type LogFields, type Logger } from './logger.js';
export { AUDIT_MAC_KEY_SECRET, connectorSecretName, type Secrets } from './secrets.js';
export {
  MAX_COMMIT_WRITES,
  MAX_PAGE_SIZE,
  MAX_RECORD_BYTES,
  iterateQuery,
  put,
  remove,
  type IndexQuery,
  type Page,
  type RangeCondition,
  type Scalar,
  type Store,
  type Write,
} from './store.js';
export {
  ENTITY_NAMES,
  STORE_SCHEMA,
  indexEntriesOf,
  type Claim,
  type EntityMap,
  type EntityName,
  type EntityRecord,
  type IndexName,
  type IndexSpec,
  type MetaRecord,
} from './store-schema.js';
export {
  STATUS_CATEGORY_KEYS,
  STATUS_CATEGORY_NAMES,
  type StatusCategoryKey,
  type WorkEvent,
  type WorkIssue,
  type WorkIssuePage,
  type WorkIssueQuery,
  type WorkIssues,
  type WorkPerson,
  type WorkStatus,
} from './work-issues.js';
