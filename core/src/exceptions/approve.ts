import type { AuditEntry } from '../audit/event.js';
import { durationCap } from '../catalog/duration-cap.js';
import type { Tool } from '../catalog/tool.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { GovernanceVersion } from '../governance/policy.js';
import { DAY_MS } from '../ports/clock.js';
import { put, type Write } from '../ports/store.js';
import type { AccessRequest } from '../requests/request.js';
import type { CoreDeps } from '../shared/deps.js';
import { exceptionKinds, openExceptionIds, openExceptionsId, type AccessException } from './exception.js';

/**
 * The exception an approval makes: which bounds it passes, checked against the rules (there must
 * be one, within the exceptions' own maximum, and below the tool's limit of open exceptions), and
 * the writes that open it. The tool's open-exceptions record is read and rewritten in the same
 * commit, so two reviewers approving the last allowed exception at once cannot both succeed.
 */
export async function openException(
  deps: CoreDeps,
  input: {
    readonly request: AccessRequest;
    readonly tool: Tool;
    readonly grantId: string;
    readonly durationDays: number;
    readonly reason: string;
    readonly approvedBy: string;
    readonly governance: GovernanceVersion;
    readonly now: number;
  },
): Promise<{ readonly exception: AccessException; readonly writes: Write[]; readonly audit: AuditEntry }> {
  const { tool, durationDays, governance, now } = input;
  const rules = governance.rules.exceptions;
  const kinds = exceptionKinds(governance.rules, tool, durationDays);
  const allowedDays = durationCap(governance.rules, tool).days;
  if (kinds.length === 0) {
    throw new ValidationError(`${durationDays} days of ${tool.name} is within the rules (at most ${allowedDays}): approve it without an exception.`, [
      { path: 'exception', message: 'only for access outside the rules' },
    ]);
  }
  if (durationDays > rules.maxDurationDays) {
    throw new ValidationError(`An exception may last at most ${rules.maxDurationDays} days.`, [{ path: 'durationDays', message: `at most ${rules.maxDurationDays} for an exception` }]);
  }
  const limit = rules.openLimits[tool.riskLevel];
  const meta = await deps.store.get('meta', openExceptionsId(tool.id));
  const open = openExceptionIds(meta?.value);
  if (open.length >= limit) {
    throw new ConflictError(
      'exception_limit_reached',
      limit === 0
        ? `Governance allows no exceptions for ${tool.riskLevel}-risk tools such as ${tool.name}.`
        : `${tool.name} already has ${open.length} open exception${open.length === 1 ? '' : 's'}, the most governance allows for a ${tool.riskLevel}-risk tool; one must end first.`,
      { toolId: tool.id, riskLevel: tool.riskLevel, open: open.length, limit },
    );
  }
  const exception: AccessException = {
    id: input.grantId,
    version: 0,
    grantId: input.grantId,
    requestId: input.request.id,
    issueKey: input.request.issueKey,
    requesterAccountId: input.request.requesterAccountId,
    toolId: tool.id,
    toolName: tool.name,
    riskLevel: tool.riskLevel,
    kinds,
    allowedDays,
    grantedDays: durationDays,
    reason: input.reason,
    approvedBy: input.approvedBy,
    approvedAt: now,
    policyVersion: governance.policyVersion,
    reviewEveryDays: rules.reviewEveryDays,
    nextReviewAt: now + rules.reviewEveryDays * DAY_MS,
    reviews: [],
    state: 'open',
  };
  return {
    exception: { ...exception, version: 1 },
    writes: [
      put('exception', exception),
      put('meta', { id: openExceptionsId(tool.id), version: meta?.version ?? 0, value: { grantIds: [...open, input.grantId] } }),
    ],
    audit: {
      actor: input.approvedBy,
      type: 'exception.granted',
      refs: { grantId: input.grantId, requestId: input.request.id, toolId: tool.id, issueKey: input.request.issueKey },
      data: { kinds, allowedDays, grantedDays: durationDays, reason: input.reason, riskLevel: tool.riskLevel, openForTool: open.length + 1, limit, reviewEveryDays: rules.reviewEveryDays },
    },
  };
}
