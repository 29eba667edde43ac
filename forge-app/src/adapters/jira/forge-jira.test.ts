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
