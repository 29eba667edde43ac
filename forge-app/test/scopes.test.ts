/**
 * The manifest asks for the scopes the app's calls need, and no others. Every `route` the app
 * sends through `requestJira` is listed here with the OAuth 2.0 (classic) scopes Atlassian's REST
 * references give its operations:
 *   Jira platform: https://developer.atlassian.com/cloud/jira/platform/rest/v3/ (each operation's "Scopes")
 *   JSM: https://developer.atlassian.com/cloud/jira/service-desk/rest/ (each operation's "Scopes")
 * A new call fails this test until it is listed; a scope no call needs fails it until dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../src/test-support/fake-forge/index';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** Path template (`${…}` written `{}`) → the scopes of the operations the app calls on it. */
const CALLS: Readonly<Record<string, readonly string[]>> = {
  // Get issue (intake, portal status, request lookups).
  '/rest/api/3/issue/{}?fields=project': ['read:jira-work'],
  '/rest/api/3/issue/{}?fields=summary,description,project,reporter&properties=*all': ['read:jira-work'],
  // Work-linked access: get issue (status, people, user-picker fields), enhanced JQL search (POST), a project's statuses.
  '/rest/api/3/issue/{}?{}': ['read:jira-work'],
  '/rest/api/3/search/jql': ['read:jira-work'],
  '/rest/api/3/project/{}/statuses': ['read:jira-work'],
  // Set issue property (the evidence anchor on the evidence issue).
  '/rest/api/3/issue/{}/properties/{}': ['write:jira-work'],
  // Add comment.
  '/rest/api/3/issue/{}/comment': ['write:jira-work'],
  // Get transitions, transition issue.
  '/rest/api/3/issue/{}/transitions': ['read:jira-work', 'write:jira-work'],
  // Create issue (recertification).
  '/rest/api/3/issue': ['write:jira-work'],
  // Get project (issue types of the intake project).
  '/rest/api/3/project/{}': ['read:jira-work'],
  // Get my permissions (is the caller a Jira admin).
  '/rest/api/3/mypermissions?permissions=ADMINISTER': ['read:jira-work'],
  // Get user (its emailAddress needs read:email-address:jira), get user groups, find users, find groups.
  '/rest/api/3/user?accountId={}': ['read:jira-user', 'read:email-address:jira'],
  '/rest/api/3/user/groups?accountId={}': ['read:jira-user'],
  // Bulk get users (are the accounts governance and identity mappings name real, active people).
  '/rest/api/3/user/bulk?{}': ['read:jira-user'],
  '/rest/api/3/user/search?query={}&maxResults={}': ['read:jira-user'],
  '/rest/api/3/groups/picker?query={}&maxResults={}': ['read:jira-user'],
  // Bulk get groups (do the groups agent-policy rules name exist). Its reference page lists its
  // scopes; JRACLOUD-79363 reports Connect apps needing ADMIN for it: verify read:jira-user on a site.
  '/rest/api/3/group/bulk?{}': ['read:jira-user'],
  // JSM: get request, create request comment (internal notes), get service desks, get request types.
  '/rest/servicedeskapi/request/{}': ['read:servicedesk-request'],
  '/rest/servicedeskapi/request/{}/comment': ['write:servicedesk-request'],
  '/rest/servicedeskapi/servicedesk?start=0&limit={}': ['read:servicedesk-request'],
  '/rest/servicedeskapi/servicedesk/{}/requesttype?start=0&limit={}': ['read:servicedesk-request'],
};

/** Scopes no REST call stands behind: Forge storage (the Custom Entity Store and secret storage). */
const PLATFORM_SCOPES = ['storage:app'];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.startsWith('test-support'))
    .map((file) => join(directory, file));
}

/** Every route template in the app's code, with where it is. */
function routesCalled(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/route`(\/rest\/[^`]*)`/g)) {
      const template = (match[1] ?? '').replace(/\$\{[^}]*\}/g, '{}');
      routes.set(template, [...(routes.get(template) ?? []), relative(SRC, file)]);
    }
  }
  return routes;
}

describe('scopes', () => {
  it('lists every REST call the app makes', () => {
    const unlisted = [...routesCalled()].filter(([template]) => !(template in CALLS)).map(([template, files]) => `${template} (${files.join(', ')})`);
    expect(unlisted).toEqual([]);
  });

  it('asks for exactly the scopes those calls need, and storage', () => {
    const called = routesCalled();
    const needed = new Set([...PLATFORM_SCOPES, ...Object.entries(CALLS).filter(([template]) => called.has(template)).flatMap(([, scopes]) => scopes)]);
    expect([...((readManifest().permissions?.scopes ?? []) as string[])].sort()).toEqual([...needed].sort());
  });

  it('keeps no entry for a call the app no longer makes', () => {
    const called = routesCalled();
    expect(Object.keys(CALLS).filter((template) => !called.has(template))).toEqual([]);
  });
});
