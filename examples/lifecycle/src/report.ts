import { PROPERTIES, type Finding } from './discrepancies.js';
import type { LifecycleResult } from './scenario.js';

/** The world's size in a few lines: what the run did. */
export function formatSize(result: LifecycleResult): string {
  const { size } = result;
  const extensions = size.extensions;
  const exceptions = size.exceptions;
  const closed = exceptions.closed;
  return [
    `seed ${result.options.seed}: ${size.simulatedDays} simulated days, ${size.sweeps} sweeps (${size.burstSweeps} in bursts, ${size.edgeSweeps} on the edge of an end), clock jumps of ${size.clockJumps.join(', ') || 'none'} days`,
    `${size.requests} requests (${size.reRequests} asked again after an end), ${size.approved} approved, ${size.denied} denied; ${size.grants} grants, ${size.expiredBySweeps} expiries by the rules`,
    `extensions: ${extensions.activeBeforeReview} active before their review issue, ${extensions.activeAfterReview} after it, ${extensions.beforeActivation} before activation, ${extensions.inGrace} in grace; refused: ${extensions.outOfGrace} out of grace, ${extensions.pastLifetime} past 180 days, ${extensions.revoked} revoked; ${extensions.atGraceEdge} asked within a minute of the grace's end`,
    `${size.revokes.byApprover + size.revokes.byRequester} revokes (${size.revokes.byRequester} by the requester), ${size.renames} renames (${size.endedAfterRename} grants ended after a rename), out-of-band: ${size.outOfBand.reAddedAfterEnd} put back after an end, ${size.outOfBand.addedNeverGranted} added never granted, ${size.outOfBand.removedActive} active members taken out`,
    `exceptions: ${exceptions.granted} granted, refused ${exceptions.refusedByLimit} at the open limit and ${exceptions.refusedOutsideRules} asked of an ordinary approver; reviews ${exceptions.kept} kept, ${exceptions.ended} ended, ${exceptions.skipped} skipped; closed ${closed.expired} expired, ${closed.revoked} revoked, ${closed.ended_by_review} ended by review, ${closed.lapsed} lapsed, ${closed.never_provisioned} never provisioned; ${exceptions.reviewIssues} review issues, ${exceptions.limitChanges} limit changes, ${exceptions.lapseEdgeSweeps} sweeps on the edge of a lapse`,
    `${size.manualTasksCompleted} manual tasks done, ${size.refusalProbes} calls made to be refused, ${size.recertificationIssues} recertification issues, ${size.jobsFailed} jobs failed for good, ${size.providerCalls} calls to the simulator`,
    `engine: ${result.engine.runs} runs, ${result.engine.claimed} jobs claimed, ${result.engine.failed} failed; wall time ${(result.wallMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

function formatFinding(finding: Finding): string {
  const about = finding.grantId ?? finding.subject ?? '';
  const lines = [`  day ${finding.day} (${finding.at}) ${about}: ${finding.what}${finding.occurrences > 1 ? ` [seen ${finding.occurrences}×]` : ''}`, `    ${finding.detail}`];
  for (const line of finding.history ?? []) lines.push(`      ${line}`);
  return lines.join('\n');
}

/** Findings per property, with up to `examples` of each kind (what) and the grant's history. */
export function formatFindings(result: LifecycleResult, examples = 2): string {
  if (result.discrepancies.total === 0) return 'no discrepancies: every property held after every sweep';
  const out: string[] = [`${result.discrepancies.total} discrepancies`];
  for (const property of PROPERTIES) {
    const findings = result.discrepancies.findings.filter((finding) => finding.property === property);
    if (findings.length === 0) continue;
    out.push(`\n${property}: ${findings.length}`);
    const byWhat = new Map<string, Finding[]>();
    for (const finding of findings) byWhat.set(finding.what, [...(byWhat.get(finding.what) ?? []), finding]);
    for (const [what, group] of byWhat) {
      out.push(` ${group.length} × ${what}`);
      for (const finding of group.slice(0, examples)) out.push(formatFinding(finding));
    }
  }
  return out.join('\n');
}

/** One line per finding, for a test failure: property, day, grant or subject, what, detail. */
export function findingLines(result: LifecycleResult): string[] {
  return result.discrepancies.findings.map((finding) => `${finding.property} | day ${finding.day} | ${finding.grantId ?? finding.subject ?? ''} | ${finding.what} | ${finding.detail}`);
}
