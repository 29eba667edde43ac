import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { seedSite } from '../../test-support/scenario';
import { JiraSiteLookup } from './site-lookup';

describe('JiraSiteLookup (the admin pickers)', () => {
  it('lists service desks, their request types and a project’s issue types (no sub-tasks)', async () => {
    seedSite(fakeForge().jira);
    const lookup = new JiraSiteLookup();
    expect(await lookup.serviceDesks()).toEqual([{ id: '1', projectKey: 'AIR', projectName: 'AI Requests' }]);
    expect(await lookup.requestTypes('1')).toEqual([{ id: '10', name: 'Request an AI tool' }, { id: '11', name: 'Report a problem' }]);
    expect(await lookup.issueTypes('AIR')).toEqual([{ id: '10001', name: 'Service Request' }, { id: '10005', name: 'Review' }]);
  });

  it('lists nothing for a service desk or project that does not exist', async () => {
    const lookup = new JiraSiteLookup();
    expect(await lookup.requestTypes('99')).toEqual([]);
    expect(await lookup.portalIdOf('99')).toBeUndefined();
    expect(await lookup.issueTypes('NOPE')).toEqual([]);
  });

  // The fake answers as Atlassian documents `GET /rest/servicedeskapi/servicedesk/{serviceDeskId}/requesttype`
  // (https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-servicedesk/#api-rest-servicedeskapi-servicedesk-servicedeskid-requesttype-get):
  // each request type names its `serviceDeskId` and its `portalId` (the docs' example: 28 and 2).
  it("finds a service desk's customer portal from its request types, where the two ids differ", async () => {
    const site = fakeForge().jira;
    site.serviceDesks.push(
      { id: '3', portalId: '7', projectKey: 'AIR', projectName: 'AI Requests', requestTypes: [{ id: '30', name: 'Request an AI tool' }] },
      { id: '7', portalId: '3', projectKey: 'OPS', projectName: 'Operations', requestTypes: [{ id: '70', name: 'Report an outage' }] },
      { id: '8', portalId: '8', projectKey: 'EMPTY', projectName: 'No request types', requestTypes: [] },
    );
    const lookup = new JiraSiteLookup();
    expect(await lookup.portalIdOf('3')).toBe('7');
    expect(await lookup.portalIdOf('7')).toBe('3');
    expect(await lookup.portalIdOf('8')).toBeUndefined();
    expect(await lookup.requestTypes('3')).toEqual([{ id: '30', name: 'Request an AI tool' }]);
    expect(site.requests.map((request) => request.path)).toContain('/rest/servicedeskapi/servicedesk/3/requesttype?start=0&limit=50');
  });

  it('searches people and groups', async () => {
    seedSite(fakeForge().jira);
    const lookup = new JiraSiteLookup();
    expect(await lookup.people('alan')).toEqual([{ accountId: 'acc-approver', displayName: 'Alan Approver', accountType: 'atlassian' }]);
    expect(await lookup.groups('eng')).toEqual([{ id: 'id-engineering', name: 'engineering' }]);
    expect(fakeForge().jira.requests.map((request) => request.path)).toEqual([
      '/rest/api/3/user/search?query=alan&maxResults=20',
      '/rest/api/3/groups/picker?query=eng&maxResults=20',
    ]);
  });

  it('surfaces a Jira outage instead of an empty list', async () => {
    fakeForge().jira.outage = true;
    await expect(new JiraSiteLookup().serviceDesks()).rejects.toMatchObject({ name: 'JiraError', status: 503 });
  });
});
