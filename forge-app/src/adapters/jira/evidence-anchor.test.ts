/**
 * The evidence anchor as a Jira issue property, against the fake site shaped after Jira's "Set issue
 * property" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/):
 * `PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}`, the value as the body ("a valid,
 * non-empty JSON blob", at most 32,768 characters; the key at most 255), 201 when created, 200 when
 * updated, 400 invalid, 403 no permission to edit the issue, 404 issue not found or not visible. Its
 * scope is `write:jira-work` (classic; granular `write:issue.property:jira`), which manifest.yml holds.
 */
import { evidenceAnchorPropertyKey, ISSUE_PROPERTY_LIMITS, type EvidenceAnchor } from '@clearway/core';
import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { jiraEvidenceAnchorWriter, requireVisibleIssue } from './evidence-anchor';

const hex = (digit: string) => digit.repeat(64);

const anchor: EvidenceAnchor = {
  type: 'clearway.evidence-anchor',
  formatVersion: 1,
  chainHead: { seq: 42, entryHash: hex('a'), entryMac: hex('b') },
  manifestMac: hex('c'),
  manifestHash: hex('d'),
  exportedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  exportedBy: 'admin-1',
  range: { from: Date.UTC(2025, 9, 4), to: Date.UTC(2026, 0, 2) },
  count: 40,
  firstSeq: 3,
  lastSeq: 42,
  firstPrevHash: hex('e'),
  lastEntryHash: hex('a'),
};
const propertyKey = evidenceAnchorPropertyKey(anchor);

describe('recording an evidence anchor on the evidence issue', () => {
  it('PUTs the anchor, as the app, as the property value, and Jira keeps it', async () => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AUD-1', reporterAccountId: 'admin-1' });
    expect(propertyKey).toBe('clearway-evidence-2026-01-02T03-04-05-006Z-cccccccccccc');
    expect(await jiraEvidenceAnchorWriter()({ issueKey: 'AUD-1', propertyKey }, anchor)).toEqual({ ok: true });
    expect(site.requests.at(-1)).toMatchObject({ method: 'PUT', provider: 'app', path: `/rest/api/3/issue/AUD-1/properties/${propertyKey}`, body: anchor });
    expect(site.issues.get('AUD-1')?.properties[propertyKey]).toEqual(anchor);
    expect(JSON.stringify(anchor).length).toBeLessThan(ISSUE_PROPERTY_LIMITS.valueLength);
  });

  it('accepts an update (200) as well as a creation (201)', async () => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AUD-1', reporterAccountId: 'admin-1', properties: { [propertyKey]: { stale: true } } });
    expect(await jiraEvidenceAnchorWriter()({ issueKey: 'AUD-1', propertyKey }, anchor)).toEqual({ ok: true });
    expect(site.issues.get('AUD-1')?.properties[propertyKey]).toEqual(anchor);
  });

  it.each([
    ['the app may not edit the issue (403)', (site: ReturnType<typeof fakeForge>['jira']) => site.uneditable.add('AUD-1'), /refused to let the app edit AUD-1 \(HTTP 403\): the app needs Browse projects and Edit issues/],
    ['the issue is gone (404)', (site: ReturnType<typeof fakeForge>['jira']) => site.issues.delete('AUD-1'), /has no issue AUD-1 the app can see \(HTTP 404\)/],
    ['Jira is down (503)', (site: ReturnType<typeof fakeForge>['jira']) => (site.outage = true), /^Jira answered HTTP 503\.$/],
  ])('says why, in words and without Jira’s body, when %s', async (_what, breakSite, reason) => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AUD-1', reporterAccountId: 'admin-1' });
    breakSite(site);
    const outcome = await jiraEvidenceAnchorWriter()({ issueKey: 'AUD-1', propertyKey }, anchor);
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    expect(JSON.stringify(outcome)).not.toMatch(/errorMessages|permission to edit issues in this project|Service unavailable/);
  });

  it('refuses a property value past Jira’s 32,768 characters (400) and says so', async () => {
    fakeForge().jira.addIssue({ key: 'AUD-1', reporterAccountId: 'admin-1' });
    const oversized = { ...anchor, exportedBy: 'x'.repeat(ISSUE_PROPERTY_LIMITS.valueLength) };
    expect(await jiraEvidenceAnchorWriter()({ issueKey: 'AUD-1', propertyKey }, oversized)).toEqual({ ok: false, reason: 'Jira refused the anchor as an invalid issue property (HTTP 400).' });
  });
});

describe('checking the evidence issue before it is saved', () => {
  it('passes an issue the app can see and refuses one it cannot, as not_found', async () => {
    const site = fakeForge().jira;
    site.addIssue({ key: 'AUD-1', reporterAccountId: 'admin-1' });
    await expect(requireVisibleIssue('AUD-1')).resolves.toBeUndefined();
    expect(site.requests.at(-1)).toMatchObject({ method: 'GET', provider: 'app', path: '/rest/api/3/issue/AUD-1?fields=project' });
    await expect(requireVisibleIssue('AUD-2')).rejects.toMatchObject({ code: 'not_found', message: /Jira has no issue AUD-2 that the app can see/ });
  });

  it('lets any other Jira failure through, for the resolver to answer jira_unavailable', async () => {
    const site = fakeForge().jira;
    site.outage = true;
    await expect(requireVisibleIssue('AUD-1')).rejects.toMatchObject({ name: 'JiraError', status: 503 });
  });
});
