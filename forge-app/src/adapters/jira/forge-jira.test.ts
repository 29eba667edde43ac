import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { adfToText, textToAdf } from './adf';
import { ForgeJira } from './forge-jira';
import { jiraAsApp, JiraError, type JiraRequest } from './jira-request';

/** A site where AIR is a JSM service project and DEV a software project. */
function siteWithProjects() {
  const site = fakeForge().jira;
  site.serviceDesks.push({ id: '1', projectKey: 'AIR', projectName: 'AI Requests', requestTypes: [{ id: '10', name: 'Request an AI tool' }] });
  site.addIssue({ key: 'AIR-1', reporterAccountId: 'u1', serviceDeskId: '1', requestTypeId: '10' });
  site.addIssue({ key: 'DEV-1', reporterAccountId: 'u1' });
  return site;
}

describe('ForgeJira (core’s Jira port, as the app)', () => {
  it('comments in ADF, one paragraph per block and hard breaks inside', async () => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AIR-1', reporterAccountId: 'u1' });
    await new ForgeJira().comment('AIR-1', 'Approved.\nLine two.\n\nReason: launch');
    expect(site.issues.get('AIR-1')?.comments).toEqual([
      {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'Approved.' }, { type: 'hardBreak' }, { type: 'text', text: 'Line two.' }] },
          { type: 'paragraph', content: [{ type: 'text', text: 'Reason: launch' }] },
        ],
      },
    ]);
    expect(site.requests.at(-1)).toMatchObject({ method: 'POST', provider: 'app', path: '/rest/api/3/issue/AIR-1/comment' });
  });

  it('adds an internal note through JSM (public: false, plain text) and no platform comment', async () => {
    const site = siteWithProjects();
    await new ForgeJira().comment('AIR-1', 'Granting access failed: E0000006 (permission).', { audience: 'internal' });
    expect(site.requests.at(-1)).toMatchObject({ method: 'POST', provider: 'app', path: '/rest/servicedeskapi/request/AIR-1/comment', body: { body: 'Granting access failed: E0000006 (permission).', public: false } });
    expect(site.requestComments.get('AIR-1')).toEqual([{ id: expect.any(String), body: 'Granting access failed: E0000006 (permission).', public: false }]);
    expect(site.issues.get('AIR-1')?.comments).toEqual([]);
  });

  it('comments for the customer through the platform API, which JSM shows on the portal', async () => {
    const site = siteWithProjects();
    await new ForgeJira().comment('AIR-1', 'Setting up your access hit a problem.', { audience: 'customer' });
    expect(site.issues.get('AIR-1')?.comments).toEqual([textToAdf('Setting up your access hit a problem.')]);
    expect(site.requestComments.get('AIR-1')).toBeUndefined();
  });

  it('on an issue outside any service project, posts the internal note as a plain comment: there is no customer to hide it from', async () => {
    const site = siteWithProjects();
    await new ForgeJira().comment('DEV-1', 'Details for the team.', { audience: 'internal' });
    expect(site.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /rest/servicedeskapi/request/DEV-1/comment',
      'GET /rest/api/3/issue/DEV-1?fields=project',
      'POST /rest/api/3/issue/DEV-1/comment',
    ]);
    expect(site.issues.get('DEV-1')?.comments).toEqual([textToAdf('Details for the team.')]);
  });

  it('never turns an internal note into a public comment in a service project, whatever JSM answered', async () => {
    const site = siteWithProjects();
    // In AIR, but not a request JSM lets the app comment on: JSM answers 404.
    site.addIssue({ key: 'AIR-2', reporterAccountId: 'u1' });
    await expect(new ForgeJira().comment('AIR-2', 'Details for the team.', { audience: 'internal' })).rejects.toMatchObject({ status: 404 });
    // JSM refuses the app outright.
    const refusing: JiraRequest = async (path, init) =>
      path.value.startsWith('/rest/servicedeskapi/') ? (new Response(JSON.stringify({ errorMessage: 'No permission' }), { status: 403 })) : jiraAsApp(path, init);
    await expect(new ForgeJira(refusing).comment('AIR-1', 'Details for the team.', { audience: 'internal' })).rejects.toMatchObject({ status: 403 });
    expect(site.issues.get('AIR-1')?.comments).toEqual([]);
    expect(site.issues.get('AIR-2')?.comments).toEqual([]);
    expect(site.requests.filter((request) => request.path.endsWith('/comment') && request.path.startsWith('/rest/api/3/'))).toEqual([]);
  });

  it('applies the first candidate the workflow offers, by name or target status, ignoring case', async () => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AIR-1', reporterAccountId: 'u1', transitions: [{ id: '5', name: 'Start progress' }, { id: '7', name: 'DECLINED' }, { id: '9', name: 'Reject' }] });
    expect(await new ForgeJira().transition('AIR-1', ['deny', 'denied', 'decline', 'declined', 'reject'])).toEqual({ transitioned: true, name: 'DECLINED' });
    expect(site.issues.get('AIR-1')?.status).toBe('DECLINED');
    expect(await new ForgeJira().transition('AIR-1', ['approve', 'accepted'])).toEqual({ transitioned: false });
  });

  it('creates a recertification issue with an ADF description and a summary Jira accepts', async () => {
    const site = fakeForge().jira;
    const { key } = await new ForgeJira().createIssue({ projectKey: 'AIR', issueTypeId: '10005', summary: 'S'.repeat(400), description: 'Review it.' });
    const issue = site.issues.get(key);
    expect(issue).toMatchObject({ projectKey: 'AIR', issueTypeId: '10005', description: textToAdf('Review it.') });
    expect(issue?.summary).toHaveLength(255);
  });

  // "Bulk get users" as Atlassian documents it
  // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-bulk-get):
  // `accountId` repeated per user, `maxResults` defaulting to 10, 200 with a `PageBeanUser` of `User`
  // objects (`accountType`: atlassian | app | customer, `active`), 400 only when `accountId` is missing.
  // The docs name no error for an id that is no user: the page simply lists no user for it (the
  // single-user GET /rest/api/3/user answers such an id 404, "Returned if the user is not found").
  it('looks accounts up in bulk: who exists, whether active, and what kind of account', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: 'acc-ada', displayName: 'Ada' });
    site.addUser({ accountId: 'acc-left', active: false });
    site.addUser({ accountId: 'acc-bot', accountType: 'app' });
    const found = await new ForgeJira().findAccounts(['acc-ada', 'acc-made-up', 'acc-left', 'acc-bot', 'acc-ada']);
    expect(found).toEqual([
      { accountId: 'acc-ada', accountType: 'atlassian', active: true },
      { accountId: 'acc-left', accountType: 'atlassian', active: false },
      { accountId: 'acc-bot', accountType: 'app', active: true },
    ]);
    expect(site.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /rest/api/3/user/bulk?accountId=acc-ada&accountId=acc-made-up&accountId=acc-left&accountId=acc-bot&startAt=0&maxResults=4',
    ]);
    expect(site.requests[0]?.provider).toBe('app');
  });

  it('asks for many accounts in chunks and follows pages until Jira says the last one came', async () => {
    const site = fakeForge().jira;
    const ids = Array.from({ length: 120 }, (_, index) => `acc-${index}`);
    for (const accountId of ids) site.addUser({ accountId });
    expect((await new ForgeJira().findAccounts(ids)).map((account) => account.accountId)).toEqual(ids);
    expect(site.requests).toHaveLength(3);
    // A site that pages at 10 whatever was asked (the documented default) is still read to the end.
    const tenAtATime: JiraRequest = async (path) => {
      const url = new URL(path.value, 'https://site.example');
      const asked = url.searchParams.getAll('accountId');
      const startAt = Number(url.searchParams.get('startAt'));
      const values = asked.slice(startAt, startAt + 10).map((accountId) => ({ accountId, accountType: 'atlassian', active: true }));
      return new Response(JSON.stringify({ maxResults: 10, startAt, total: asked.length, isLast: startAt + 10 >= asked.length, values }), { status: 200 });
    };
    expect(await new ForgeJira(tenAtATime).findAccounts(ids.slice(0, 25))).toHaveLength(25);
  });

  it('fails, rather than answer "nobody", when Jira is down or answers something that is not a page of users', async () => {
    fakeForge().jira.outage = true;
    await expect(new ForgeJira().findAccounts(['acc-ada'])).rejects.toMatchObject({ name: 'JiraError', status: 503 });
    for (const body of ['{}', '[]', '{"values":[{}]}', '<html>', '{"values":']) {
      const odd: JiraRequest = async () => new Response(body, { status: 200 });
      await expect(new ForgeJira(odd).findAccounts(['acc-ada'])).rejects.toBeInstanceOf(JiraError);
    }
  });

  it('fails with the action and status only, never Jira’s body', async () => {
    const error = await new ForgeJira().comment('AIR-404', 'x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JiraError);
    expect(error).toMatchObject({ status: 404, message: 'Commenting on AIR-404: Jira answered HTTP 404.' });
  });

  it('refuses path tricks in an issue key before any call', async () => {
    await expect(new ForgeJira().comment('../../rest/api/3/myself', 'x')).rejects.toBeInstanceOf(JiraError);
    expect(fakeForge().jira.requests).toEqual([]);
  });

  it('reads the text of an ADF description', () => {
    expect(adfToText(textToAdf('One\ntwo\n\nThree')).trim()).toBe('One\ntwo\nThree');
    expect(adfToText({ type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a' }] }] }] }] })).toContain('a');
    expect(adfToText(null)).toBe('');
  });
});
