import { route } from '@forge/api';
import { ClearwayError, type EvidenceAnchorWriter } from '@clearway/core';
import { callJira, jiraAsApp, JiraError, JSON_HEADERS, readIfFound, type JiraRequest } from './jira-request';

/**
 * What the admin reads when an anchor could not be written, per Jira's documented answers to
 * "Set issue property": 400 an invalid request, 403 no permission to edit the issue, 404 the issue
 * is not found or the app may not see it. Never Jira's own body.
 */
function anchorFailure(issueKey: string, error: unknown): string {
  if (!(error instanceof JiraError) || error.status === undefined) return 'Jira could not be reached.';
  switch (error.status) {
    case 403:
      return `Jira refused to let the app edit ${issueKey} (HTTP 403): the app needs Browse projects and Edit issues on its project.`;
    case 404:
      return `Jira has no issue ${issueKey} the app can see (HTTP 404): check the evidence issue in Governance Logs.`;
    case 400:
      return 'Jira refused the anchor as an invalid issue property (HTTP 400).';
    default:
      return `Jira answered HTTP ${error.status}.`;
  }
}

/**
 * Records an export's anchor as a property of the evidence issue, as the app:
 * `PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}` with the anchor as the body
 * (Jira answers 201 when it creates the property, 200 when it updates one).
 */
export function jiraEvidenceAnchorWriter(request: JiraRequest = jiraAsApp): EvidenceAnchorWriter {
  return async ({ issueKey, propertyKey }, anchor) => {
    try {
      await callJira(request, `Recording the evidence anchor on ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}/properties/${propertyKey}`, {
        method: 'PUT',
        headers: JSON_HEADERS,
        body: JSON.stringify(anchor),
      });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: anchorFailure(issueKey, error) };
    }
  };
}

/**
 * Refuses an evidence issue the app cannot see, before it is saved: a typo would otherwise only
 * show at the next export. Other Jira failures surface as `jira_unavailable`.
 */
export async function requireVisibleIssue(issueKey: string, request: JiraRequest = jiraAsApp): Promise<void> {
  const found = await readIfFound(request, `Reading ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}?fields=project`);
  if (found === undefined) throw new ClearwayError('not_found', `Jira has no issue ${issueKey} that the app can see: check the key, and that the app may browse its project.`, { issueKey });
}
