export { hasWorkIssues, WORK_ACTOR, type WorkDeps, type WorkOutcome } from './deps.js';
export { END_REASON_TEXT, WORK_END_REASONS, WORK_LINK_STATES, workLinkId, type WorkEndReason, type WorkLink, type WorkLinkState } from './link.js';
export { coversIssue, isLive, isLiveStatus, subjectsOf } from './liveness.js';
export { endsWhenText } from './notes.js';
export {
  MAX_WORK_DURATION_HOURS,
  NO_WORK_POLICIES,
  WORK_APPROVAL_MODES,
  liveStatusesLabel,
  subjectLabel,
  userFieldIdsOf,
  workPolicyInputSchema,
  type WorkApprovalMode,
  type WorkLinkedPolicy,
  type WorkPoliciesVersion,
  type WorkPolicyInput,
  type WorkSubject,
} from './policy.js';
export { MAX_WORK_POLICIES, currentWorkPolicies, listWorkPolicyVersions, saveWorkPolicy, setWorkPolicyEnabled, workLinkedProjects } from './policy-service.js';
export { previewWorkPolicy, type WorkPreview, type WorkPreviewItem } from './preview.js';
export { listWorkLinks, type WorkLinkQuery } from './queries.js';
export { reconcileWorkIssue, type ReconcileOptions } from './reconcile.js';
export { handleWorkEvent } from './events.js';
export { sweepWorkLinked, type WorkSweepReport } from './sweep.js';
