import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { MemoryLogger } from '../../test-support/app-world';
import { JiraCallerDirectory } from './caller-directory';
import { jiraAsUser, type JiraRequest } from './jira-request';

describe('JiraCallerDirectory', () => {
  it('asks Jira, as the invoking user, whether they are an admin', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: 'boss', admin: true });
    site.addUser({ accountId: 'user' });
    const directory = new JiraCallerDirectory(new MemoryLogger());
    site.actingUser = 'boss';
    expect(await directory.isJiraAdmin('boss')).toBe(true);
    site.actingUser = 'user';
    expect(await directory.isJiraAdmin('user')).toBe(false);
    expect(site.requests.map((request) => request.provider)).toEqual(['user', 'user']);
  });

  it('fails closed: no answer from Jira means not an admin', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: 'boss', admin: true });
    site.actingUser = 'boss';
    site.outage = true;
    const logger = new MemoryLogger();
    expect(await new JiraCallerDirectory(logger).isJiraAdmin('boss')).toBe(false);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn' }));
  });

  it('reads groups and profile as the app, and answers empty when Jira cannot', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: 'una', displayName: 'Una User', emailAddress: 'una@example.com', groups: ['engineering', 'ai-pilot'] });
    const directory = new JiraCallerDirectory(new MemoryLogger());
    expect(await directory.groupsOf('una')).toEqual(['engineering', 'ai-pilot']);
    expect(await directory.profileOf('una')).toEqual({ displayName: 'Una User', email: 'una@example.com' });
    expect(await directory.groupsOf('nobody')).toEqual([]);
    expect(await directory.profileOf('nobody')).toEqual({});
    expect(site.requests.every((request) => request.provider === 'app')).toBe(true);
  });

  // Get user applies the person's privacy controls: "the user's email address is hidden"
  // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get,
  // https://developer.atlassian.com/cloud/jira/platform/profile-visibility/); the field is then absent,
  // and the schema documents it as "may be returned as null".
  it('reads no email for a person who hides it, absent or null, and keeps their name', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: 'hana', displayName: 'Hana Hidden' });
    const directory = new JiraCallerDirectory(new MemoryLogger());
    expect(await directory.profileOf('hana')).toEqual({ displayName: 'Hana Hidden' });

    const nullEmail: JiraRequest = async () => new Response(JSON.stringify({ accountId: 'hana', displayName: 'Hana Hidden', emailAddress: null, active: true }), { status: 200 });
    expect(await new JiraCallerDirectory(new MemoryLogger(), jiraAsUser, nullEmail).profileOf('hana')).toEqual({ displayName: 'Hana Hidden' });
  });
});
