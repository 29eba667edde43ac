import { route } from '@forge/api';
import type { Jira } from '@clearway/core';
import { z } from 'zod';
import { textToAdf } from './adf';
import { bodyJson, callJira, jiraAsApp, JSON_HEADERS, type JiraRequest } from './jira-request';

const transitionsSchema = z.object({
  transitions: z.array(z.object({ id: z.string(), name: z.string(), to: z.object({ name: z.string() }).partial().optional() })),
});

const createdSchema = z.object({ key: z.string().min(1) });

/** Jira's summary field holds at most 255 characters. */
const MAX_SUMMARY = 255;

/**
 * Core's `Jira` port, as the app: comments in ADF, the first workflow transition whose name (or
 * target status) matches a candidate, and issue creation for recertification.
 */
export class ForgeJira implements Jira {
  constructor(private readonly request: JiraRequest = jiraAsApp) {}

  async comment(issueKey: string, text: string): Promise<void> {
    await callJira(this.request, `Commenting on ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}/comment`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ body: textToAdf(text) }),
    });
  }

  async transition(issueKey: string, candidates: readonly string[]): Promise<{ transitioned: boolean; name?: string }> {
    const action = `Reading the transitions of ${issueKey}`;
    const listed = transitionsSchema.safeParse(await bodyJson(await callJira(this.request, action, () => route`/rest/api/3/issue/${issueKey}/transitions`, { headers: JSON_HEADERS }), action));
    if (!listed.success) return { transitioned: false };
    const named = (name: string | undefined, candidate: string) => name !== undefined && name.trim().toLowerCase() === candidate.toLowerCase();
    for (const candidate of candidates) {
      const match = listed.data.transitions.find((transition) => named(transition.name, candidate)) ?? listed.data.transitions.find((transition) => named(transition.to?.name, candidate));
      if (!match) continue;
      await callJira(this.request, `Transitioning ${issueKey}`, () => route`/rest/api/3/issue/${issueKey}/transitions`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ transition: { id: match.id } }),
      });
      return { transitioned: true, name: match.name };
    }
    return { transitioned: false };
  }

  async createIssue(input: { projectKey: string; issueTypeId: string; summary: string; description: string }): Promise<{ key: string }> {
    const action = `Creating an issue in ${input.projectKey}`;
    const response = await callJira(this.request, action, () => route`/rest/api/3/issue`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        fields: {
          project: { key: input.projectKey },
          issuetype: { id: input.issueTypeId },
          summary: input.summary.slice(0, MAX_SUMMARY),
          description: textToAdf(input.description),
        },
      }),
    });
    return { key: createdSchema.parse(await bodyJson(response, action)).key };
  }
}
