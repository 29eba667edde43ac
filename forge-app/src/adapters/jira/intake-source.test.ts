import { describe, expect, it } from 'vitest';
import { FAKE_APP_ID } from '../../test-support/fake-forge/fake-jira';
import { fakeForge } from '../../test-support/fake-forge/index';
import { textToAdf } from './adf';
import { jiraAsApp } from './jira-request';
import { JiraIntakeSource, runtimeAppId } from './intake-source';

describe('JiraIntakeSource', () => {
  it('reads an issue with its properties, plus the JSM service desk and request type', async () => {
    const site = fakeForge().jira;
    // Service desk 4's portal is 9: intake sees the service desk, the identifier Intake & Approvals stores.
    site.serviceDesks.push({ id: '4', portalId: '9', projectKey: 'AIR', projectName: 'AI Requests', requestTypes: [{ id: '12', name: 'Request an AI tool' }] });
    site.addIssue({ key: 'AIR-3', reporterAccountId: 'una', serviceDeskId: '4', requestTypeId: '12', summary: 'Need Claude', description: textToAdf('For research.'), properties: { p: { a: 1 } } });
    expect(await new JiraIntakeSource(jiraAsApp, () => FAKE_APP_ID).readIssue('AIR-3')).toEqual({
      issueKey: 'AIR-3',
      projectKey: 'AIR',
      summary: 'Need Claude',
      description: 'For research.',
      reporterAccountId: 'una',
      serviceDeskId: '4',
      requestTypeId: '12',
      properties: { p: { a: 1 } },
      panelPropertyKey: FAKE_APP_ID,
    });
  });

  it('reads an issue created outside JSM without portal details, and a missing one as undefined', async () => {
    fakeForge().jira.addIssue({ key: 'AIR-4', reporterAccountId: 'una' });
    const issue = await new JiraIntakeSource().readIssue('AIR-4');
    expect(issue).toMatchObject({ issueKey: 'AIR-4', reporterAccountId: 'una' });
    expect(issue).not.toHaveProperty('serviceDeskId');
    expect(await new JiraIntakeSource().readIssue('AIR-404')).toBeUndefined();
  });

  it("names the panel's property by the app id the Forge runtime gives, and none outside the runtime", async () => {
    fakeForge().jira.addIssue({ key: 'AIR-5', reporterAccountId: 'una' });
    expect(runtimeAppId()).toBeUndefined();
    expect(await new JiraIntakeSource().readIssue('AIR-5')).not.toHaveProperty('panelPropertyKey');
    const runtime = globalThis as { __forge_runtime__?: unknown };
    runtime.__forge_runtime__ = { appContext: { appId: FAKE_APP_ID, environmentId: 'e', installationId: 'i' }, lambdaContext: { getRemainingTimeInMillis: () => 1_000 } };
    try {
      expect(runtimeAppId()).toBe(FAKE_APP_ID);
      expect(await new JiraIntakeSource().readIssue('AIR-5')).toMatchObject({ panelPropertyKey: FAKE_APP_ID });
    } finally {
      delete runtime.__forge_runtime__;
    }
  });
});
