import { findRequestByIssue, listTools, NotFoundError, ValidationError } from '@clearway/core';
import { requestStatusView, toolSummaries } from '../views';
import type { ActionTable } from './action';

/**
 * The portal: the create panel's gate and tool list, and a request's status for its requester.
 * Portal customers cannot open global pages, so this is where they see their access.
 */
export const portalActions: Pick<ActionTable, 'portal.createPanel' | 'portal.requestStatus'> = {
  'portal.createPanel': {
    policy: 'signedIn',
    async handle({ app, caller, extension }, payload) {
      const { rules } = await caller.governance();
      const { intake } = rules;
      // The platform's context says where the panel is; the payload only fills in what a host leaves out.
      const portalId = extension.portalId ?? payload.portalId;
      const requestTypeId = extension.requestTypeId ?? payload.requestTypeId;
      // A tool outside the catalog is judged as high risk until it is added (as core does).
      const newToolMaxDays = rules.riskRules.high.maxDurationDays;
      // Why the panel is closed is for the people who set Clearway up or decide its requests; a customer's payload carries no reason.
      const closed = async (reason: string) => ({ enabled: false, ...((await caller.isAdmin()) || (await caller.canApprove()) ? { reason } : {}), tools: [], allowNewTools: false, newToolMaxDays });
      if (intake.projectKey === undefined) return closed('Clearway intake is not set up yet (Intake & Approvals).');
      if (intake.requestTypeIds.length > 0 && (requestTypeId === undefined || !intake.requestTypeIds.includes(requestTypeId))) {
        return closed('This request type is not one Clearway handles.');
      }
      // Intake & Approvals stores a service desk id; the panel knows its portal's id. Compare portal
      // with portal: one call per invocation, and only once the cheaper checks have passed.
      if (intake.portalId !== undefined && (portalId === undefined || portalId !== (await app.lookup.portalIdOf(intake.portalId)))) {
        return closed('This portal is not the Clearway intake portal.');
      }
      const page = await listTools(app.deps, { requestableOnly: true, limit: 100 });
      return { enabled: true, tools: await toolSummaries(app.deps.store, app.providers, page.items, rules), allowNewTools: rules.unknownTools === 'allow_request', newToolMaxDays };
    },
  },

  'portal.requestStatus': {
    policy: 'signedIn',
    async handle({ app, caller, extension }, payload) {
      const issueKey = extension.issueKey ?? payload.issueKey;
      if (issueKey === undefined) throw new ValidationError('Say which request: an issue key such as AIR-12.', [{ path: 'issueKey', message: 'required' }]);
      const { store, clock } = app.deps;
      // Unknown and not yours answer alike, so the answer tells no one which issues have a request.
      const notVisible = new NotFoundError('Clearway request you can see on', issueKey);
      const request = await findRequestByIssue(app.deps, issueKey);
      if (!request) throw notVisible;
      const [grant, tool] = await Promise.all([request.grantId ? store.get('grant', request.grantId) : undefined, request.toolId ? store.get('tool', request.toolId) : undefined]);
      // A tool outside the catalog is judged as high risk (as core does).
      const allowed = request.requesterAccountId === caller.accountId || (await caller.isAdmin()) || (await caller.mayApprove(request, tool?.riskLevel ?? 'high'));
      if (!allowed) throw notVisible;
      return requestStatusView(request, tool?.name ?? request.newTool?.name ?? 'a new tool', grant, clock.now());
    },
  },
};
