import { asApp, asUser, type APIResponse, type RequestInit, type Route } from '@forge/api';

/** One Jira REST call through the Forge product proxy (`route` is required: it refuses path tricks). */
export type JiraRequest = (path: Route, init?: RequestInit) => Promise<APIResponse>;

/** As the app: triggers, consumers and anything a user must not be able to do themselves. */
export const jiraAsApp: JiraRequest = (path, init) => asApp().requestJira(path, init);

/** As the invoking user: only to ask what that user may do. */
export const jiraAsUser: JiraRequest = (path, init) => asUser().requestJira(path, init);

/**
 * A Jira call that failed. The message names the action and the HTTP status only: Jira's body
 * can carry user data and is never copied into errors, logs or audit entries.
 */
export class JiraError extends Error {
  constructor(
    readonly action: string,
    readonly status: number | undefined,
  ) {
    super(status === undefined ? `${action}: Jira could not be reached.` : `${action}: Jira answered HTTP ${status}.`);
    this.name = 'JiraError';
  }
}

export const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' } as const;

/**
 * One call, with its route built inside: `route` throws on a path manipulation attempt (an id
 * holding `/`, `..`, `?`), which must fail like any other refused call, not escape as a crash.
 */
export async function callJira(request: JiraRequest, action: string, path: () => Route, init?: RequestInit): Promise<APIResponse> {
  let response: APIResponse;
  try {
    response = await request(path(), init);
  } catch {
    throw new JiraError(action, undefined);
  }
  if (!response.ok) throw new JiraError(action, response.status);
  return response;
}

/** The JSON body of a successful call; the parse boundary, validated by the caller's schema. */
export async function bodyJson(response: APIResponse, action: string): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    throw new JiraError(`${action} (unreadable answer)`, response.status);
  }
}

/** A GET's JSON body, or undefined when Jira answers 404: the issue, project or service desk does not exist. */
export async function readIfFound(request: JiraRequest, action: string, path: () => Route): Promise<unknown> {
  try {
    return await bodyJson(await callJira(request, action, path, { headers: JSON_HEADERS }), action);
  } catch (error) {
    if (error instanceof JiraError && error.status === 404) return undefined;
    throw error;
  }
}
