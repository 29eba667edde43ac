import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { textToAdf } from './adf';
import { JiraIntakeSource } from './intake-source';

describe('JiraIntakeSource', () => {
  it('reads an issue with its properties, plus the JSM service desk and request type', async () => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AIR-3', reporterAccountId: 'una', serviceDeskId: '4', requestTypeId: '12', summary: 'Need Claude', description: textToAdf('For research.'), properties: { p: { fields: { a: 1 } } } });
    expect(await new JiraIntakeSource().readIssue('AIR-3')).toEqual({
      issueKey: 'AIR-3',
      projectKey: 'AIR',
      summary: 'Need Claude',
      description: 'For research.',
      reporterAccountId: 'una',
      portalId: '4',
      requestTypeId: '12',
      properties: { p: { fields: { a: 1 } } },
    });
  });

  it('reads an issue created outside JSM without portal details, and a missing one as undefined', async () => {
    fakeForge().jira.addIssue({ key: 'AIR-4', reporterAccountId: 'una' });
    const issue = await new JiraIntakeSource().readIssue('AIR-4');
    expect(issue).toMatchObject({ issueKey: 'AIR-4', reporterAccountId: 'una' });
    expect(issue).not.toHaveProperty('portalId');
    expect(await new JiraIntakeSource().readIssue('AIR-404')).toBeUndefined();
  });
});
