import { getAppContext, route } from '@forge/api';
import { z } from 'zod';
import { adfToText } from './adf';
import { jiraAsApp, readIfFound, type JiraRequest } from './jira-request';

/** What intake needs to know about a newly created issue. */
export interface IntakeIssue {
  readonly issueKey: string;
  readonly projectKey: string;
  readonly summary: string;
  /** The description as plain text (Jira keeps it as ADF). */
  readonly description: string;
  readonly reporterAccountId?: string;
  /**
   * Present for JSM requests: the service desk and request type it came in through. The service
   * desk id is what Intake & Approvals stores (the admin picks a service desk), so intake compares
   * it as it is; the portal's own id is a different identifier.
   */
  readonly serviceDeskId?: string;
  readonly requestTypeId?: string;
  /** Every issue property (the portal create panel's form is in one of them). */
  readonly properties: Readonly<Record<string, unknown>>;
  /**
   * The property JSM keeps the create panel's fields in: the UUID part of this app's `app.id`
   * (Forge's portal request create property panel docs). Absent when the runtime does not name
   * the app; intake then looks in the other plausible places.
   */
  readonly panelPropertyKey?: string;
}

/** Where intake reads issues from; a port so intake can be tested without Jira. */
export interface IntakeSource {
  readIssue(issueKey: string): Promise<IntakeIssue | undefined>;
}

const issueSchema = z.object({
  key: z.string(),
  fields: z.object({
    summary: z.string().nullish(),
    description: z.unknown().optional(),
    project: z.object({ key: z.string() }),
    reporter: z.object({ accountId: z.string() }).nullish(),
  }),
  properties: z.record(z.string(), z.unknown()).optional(),
});

const requestSchema = z.object({
  serviceDeskId: z.union([z.string(), z.number()]).transform(String).optional(),
  requestTypeId: z.union([z.string(), z.number()]).transform(String).optional(),
  reporter: z.object({ accountId: z.string() }).optional(),
});

/** This app's id as the Forge runtime names it (`ari:cloud:ecosystem::app/<uuid>` → `<uuid>`). */
export function runtimeAppId(): string | undefined {
  try {
    return getAppContext().appAri.appId;
  } catch {
    // Outside the Forge runtime (a tunnel, a test): nobody names the app.
    return undefined;
  }
}

/**
 * Reads an issue with all its properties (`properties=*all`) and, when it is a JSM request, its
 * service desk, request type and reporter from the Service Management API.
 */
export class JiraIntakeSource implements IntakeSource {
  constructor(
    private readonly request: JiraRequest = jiraAsApp,
    private readonly appId: () => string | undefined = runtimeAppId,
  ) {}

  async readIssue(issueKey: string): Promise<IntakeIssue | undefined> {
    const issueBody = await readIfFound(this.request, `Reading ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}?fields=summary,description,project,reporter&properties=*all`);
    if (issueBody === undefined) return undefined;
    const issue = issueSchema.parse(issueBody);
    const details = await this.requestDetails(issueKey);
    const reporter = details?.reporter?.accountId ?? issue.fields.reporter?.accountId;
    const panelPropertyKey = this.appId();
    return {
      issueKey: issue.key,
      projectKey: issue.fields.project.key,
      summary: issue.fields.summary ?? '',
      description: adfToText(issue.fields.description).trim(),
      ...(reporter !== undefined && { reporterAccountId: reporter }),
      ...(details?.serviceDeskId !== undefined && { serviceDeskId: details.serviceDeskId }),
      ...(details?.requestTypeId !== undefined && { requestTypeId: details.requestTypeId }),
      properties: issue.properties ?? {},
      ...(panelPropertyKey !== undefined && { panelPropertyKey }),
    };
  }

  private async requestDetails(issueKey: string): Promise<z.output<typeof requestSchema> | undefined> {
    const body = await readIfFound(this.request, `Reading the service request ${issueKey}`, () => route`/rest/servicedeskapi/request/${issueKey}`);
    // Not found: not a service request (created outside JSM), so intake sees no portal.
    const parsed = requestSchema.safeParse(body);
    return parsed.success ? parsed.data : undefined;
  }
}
