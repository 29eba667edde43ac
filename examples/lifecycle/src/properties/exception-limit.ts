import type { AccessException } from '@clearway/core';
import { reportGrant, reportGrantId, reportSubject, type RunContext } from '../context.js';
import { iso } from '../record.js';
import { TOOLS } from '../world.js';

/**
 * Exception property 1 (`exception-limit`), after a sweep: never more open exceptions for a tool
 * than the limit in force when each was opened. Judged on Clearway's exception records — when
 * each opened and closed — against the record's history of the limits the harness set; and the
 * record's own count when each opened (the approvals were predicted from it) is never above the
 * limit either.
 */
export function checkExceptionLimits(ctx: RunContext, stored: ReadonlyMap<string, AccessException>): void {
  const byTool = new Map<string, AccessException[]>();
  for (const exception of stored.values()) byTool.set(exception.toolId, [...(byTool.get(exception.toolId) ?? []), exception]);
  for (const [toolId, exceptions] of byTool) {
    const tool = TOOLS.find((candidate) => candidate.id === toolId);
    if (!tool) {
      reportSubject(ctx, 'exception-limit', 'exception for a tool the harness does not have', toolId, `${exceptions.length} exception(s): ${exceptions.map((exception) => exception.id).join(', ')}`);
      continue;
    }
    for (const exception of exceptions) {
      const at = exception.approvedAt;
      // Closed at the very moment another opened: the slot was free (the harness's steps run one at a time).
      const openThen = exceptions.filter((other) => other.approvedAt <= at && (other.closedAt === undefined || other.closedAt > at));
      const limit = ctx.record.limits.limitAt(tool, at);
      if (openThen.length <= limit) continue;
      const detail = `${openThen.length} open for ${tool.id} when it opened ${iso(at)} (${openThen.map((other) => other.id).join(', ')}); the limit for ${tool.riskLevel} risk was ${limit}`;
      reportGrantId(ctx, 'exception-limit', 'more open exceptions for its tool than the limit in force when it opened', exception.id, detail);
    }
  }
  for (const grant of ctx.record.grants.values()) {
    const exception = grant.exception;
    if (exception && exception.openAtOpening > exception.limitAtOpening) {
      reportGrant(ctx, 'exception-limit', 'opened past the limit by the record’s own count', grant, `${exception.openAtOpening} open for ${grant.tool.id} with it, the limit was ${exception.limitAtOpening}`);
    }
  }
}
