import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { adfToText, textToAdf } from './adf';
import { ForgeJira } from './forge-jira';
import { JiraError } from './jira-request';

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
