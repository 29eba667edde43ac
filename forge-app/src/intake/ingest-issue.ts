import { ClearwayError, currentGovernance, put, submitRequest, type Actor, type SubmitRequestInput } from '@clearway/core';
import type { ClearwayApp } from '../composition/app';
import { requestFulfillment } from '../queue/fulfillment-dispatch';
import { purposeFrom } from './enrich';
import { findPanelForm } from './panel-form';

export type IntakeOutcome =
  | { readonly status: 'ingested'; readonly requestId: string; readonly autoApproved: boolean }
  | { readonly status: 'already_ingested'; readonly requestId: string }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'refused'; readonly code: string; readonly commented: boolean };

/** Refusals the requester can act on: they are told on the issue, once. */
const TELL_REQUESTER = new Set(['duplicate_request', 'tool_not_requestable', 'validation_failed', 'not_found']);

export function refusalMarkerId(issueKey: string): string {
  return `intake:refused:${issueKey}`;
}

/**
 * Takes in a newly created JSM request: when it is in the intake project and carries Clearway's
 * panel form, the form becomes the request record (the requester is the issue's reporter, for
 * themself), with its purpose enriched from the issue's summary and description. Auto-approval
 * happens inside core; an approved request asks for a fulfillment run at once.
 *
 * Idempotent: core refuses a second record for the same issue (an issue claim) and answers the
 * first; a refusal is commented on the issue only by the delivery that records it.
 */
export async function ingestIssue(app: ClearwayApp, hint: { readonly issueKey: string; readonly projectKey?: string }): Promise<IntakeOutcome> {
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
    if (!(error instanceof ClearwayError)) throw error;
    if (error.code === 'not_ingested') return { status: 'skipped', reason: error.message };
    if (!TELL_REQUESTER.has(error.code)) throw error;
    return { status: 'refused', code: error.code, commented: await tellRequesterOnce(app, issue.issueKey, error.message) };
  }
}

/** Records the refusal (create-only, so only one delivery wins), then comments on the issue. */
async function tellRequesterOnce(app: ClearwayApp, issueKey: string, reason: string): Promise<boolean> {
  const { store, clock, jira, logger } = app.deps;
  try {
    await store.commit([put('meta', { id: refusalMarkerId(issueKey), version: 0, value: { at: clock.now(), reason: reason.slice(0, 500) } })]);
  } catch (error) {
    if (error instanceof ClearwayError && error.code === 'version_conflict') return false;
    throw error;
  }
  try {
    await jira.comment(issueKey, `Clearway could not take in this request: ${reason}`);
    return true;
  } catch (error) {
    logger.warn('Could not tell the requester why intake refused the request', { issueKey, error: error instanceof Error ? error.message : 'unknown' });
    return false;
  }
}
