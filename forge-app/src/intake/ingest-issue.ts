import { ClearwayError, currentGovernance, submitRequest, type Actor, type SubmitRequestInput } from '@clearway/core';
import type { ClearwayApp } from '../composition/app';
import { requestFulfillment } from '../queue/fulfillment-dispatch';
import { purposeFrom } from './enrich';
import { CUSTOMER_TEXT, tellRequesterOnce } from './intake-problems';
import { findPanelForm } from './panel-form';

/** Which issue to take in, as the created-issue event names it. */
export interface IntakeHint {
  readonly issueKey: string;
  readonly projectKey?: string;
}

export type IntakeOutcome =
  | { readonly status: 'ingested'; readonly requestId: string; readonly autoApproved: boolean }
  | { readonly status: 'already_ingested'; readonly requestId: string }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'refused'; readonly code: string; readonly commented: boolean };

/** Refusals about the request's business (a second request, a tool not on offer): the requester is told, once. */
const TELL_REQUESTER = new Set(['duplicate_request', 'tool_not_requestable', 'not_found']);

/** Core refusals about the moment, not the request: another attempt may pass, so they are retried. */
const MOMENTARY = new Set(['version_conflict', 'rate_limited']);

/**
 * Takes in a newly created JSM request: when it is in the intake project and carries Clearway's
 * panel form, the form becomes the request record (the requester is the issue's reporter, for
 * themself), with its purpose enriched from the issue's summary and description. Auto-approval
 * happens inside core; an approved request asks for a fulfillment run at once.
 *
 * Idempotent: core refuses a second record for the same issue (an issue claim) and answers the
 * first; a refusal is commented on the issue only by the delivery that records it. A refusal no
 * retry can change is answered, never thrown; what is thrown (Jira or storage failing) is for the
 * caller to retry, within `MAX_INTAKE_ATTEMPTS` (`attempt` counts this one).
 */
export async function ingestIssue(app: ClearwayApp, hint: IntakeHint, attempt = 1): Promise<IntakeOutcome> {
  await app.ready();
  const { rules } = await currentGovernance(app.deps.store);
  const intakeProject = rules.intake.projectKey;
  if (!intakeProject) return { status: 'skipped', reason: 'no intake project is configured' };
  if (hint.projectKey !== undefined && hint.projectKey !== intakeProject) return { status: 'skipped', reason: 'not the intake project' };

  const issue = await app.intake.readIssue(hint.issueKey);
  if (!issue) return { status: 'skipped', reason: 'the issue no longer exists' };
  if (issue.projectKey !== intakeProject) return { status: 'skipped', reason: 'not the intake project' };
  const form = findPanelForm(issue.properties, issue.panelPropertyKey);
  if (!form) return { status: 'skipped', reason: 'the request carries no Clearway form' };
  if (!issue.reporterAccountId) return { status: 'skipped', reason: 'the request has no reporter' };

  const [profile, groups] = await Promise.all([app.directory.profileOf(issue.reporterAccountId), app.directory.groupsOf(issue.reporterAccountId)]);
  const requester: Actor = {
    accountId: issue.reporterAccountId,
    groups,
    ...(profile.displayName !== undefined && { displayName: profile.displayName }),
    ...(profile.email !== undefined && { email: profile.email }),
  };
  const input: SubmitRequestInput = {
    issueKey: issue.issueKey,
    projectKey: issue.projectKey,
    // Core's `portalId` is the Intake & Approvals value, a service desk id: like is compared with like.
    ...(issue.serviceDeskId !== undefined && { portalId: issue.serviceDeskId }),
    ...(issue.requestTypeId !== undefined && { requestTypeId: issue.requestTypeId }),
    ...(form.toolId !== undefined && { toolId: form.toolId }),
    ...(form.newToolName !== undefined && { newTool: { name: form.newToolName, ...(form.newToolUrl !== undefined && { url: form.newToolUrl }) } }),
    ...(form.durationDays !== undefined && { durationDays: form.durationDays }),
    purpose: purposeFrom({ ...(form.purpose !== undefined && { panelPurpose: form.purpose }), summary: issue.summary, description: issue.description }),
  };

  try {
    const result = await submitRequest(app.deps, requester, input);
    if (result.alreadyIngested) return { status: 'already_ingested', requestId: result.request.id };
    if (result.grant) await requestFulfillment(app, `auto-approved ${issue.issueKey}`);
    return { status: 'ingested', requestId: result.request.id, autoApproved: result.autoApproved };
  } catch (error) {
    // Jira, storage or anything unknown: the caller retries, a bounded number of times.
    if (!(error instanceof ClearwayError) || MOMENTARY.has(error.code)) throw error;
    if (error.code === 'not_ingested') return { status: 'skipped', reason: error.message };
    return { status: 'refused', code: error.code, commented: await tellAboutRefusal(app, issue.issueKey, error, attempt) };
  }
}

/**
 * A refusal no retry can change. A business refusal is the requester's to act on; anything else
 * (the request's text is invalid, it names another requester's issue) is also listed for admins
 * as an intake problem. Core's messages name fields and rules, never what was typed in them.
 */
async function tellAboutRefusal(app: ClearwayApp, issueKey: string, error: ClearwayError, attempts: number): Promise<boolean> {
  if (TELL_REQUESTER.has(error.code)) return (await tellRequesterOnce(app, issueKey, `Clearway could not take in this request: ${error.message}`)).commented;
  const invalid = error.code === 'validation_failed';
  const problem = { kind: invalid ? 'invalid_request' : 'refused', code: error.code, detail: error.message.slice(0, 300), attempts } as const;
  const text = invalid ? CUSTOMER_TEXT.invalidRequest(error.message) : CUSTOMER_TEXT.notTakenIn;
  return (await tellRequesterOnce(app, issueKey, text, problem)).commented;
}
