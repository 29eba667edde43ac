/**
 * The gateway's group lookups against Jira's documented answers:
 * - "Bulk get groups", GET /rest/api/3/group/bulk
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-groups/#api-rest-api-3-group-bulk-get):
 *   repeated `groupName` parameters, `startAt` / `maxResults`, a `PageBeanGroupDetails` answer;
 * - "Get user groups", GET /rest/api/3/user/groups?accountId=…
 *   (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-groups-get):
 *   a list of `GroupName`; 404 "Returned if the user is not found".
 */
import { describe, expect, it } from 'vitest';
import { fakeForge } from '../../test-support/fake-forge/index';
import { JiraError, type JiraRequest } from './jira-request';
import { JiraGroups } from './jira-groups';

/** The example answer on the "Bulk get groups" reference page, verbatim. */
const DOCUMENTED_GROUP_PAGE = {
  maxResults: 10,
  startAt: 0,
  total: 2,
  isLast: true,
  values: [
    { name: 'jdog-developers', groupId: '276f955c-63d7-42c8-9520-92d01dca0625' },
    { name: 'juvenal-bot', groupId: '6e87dc72-4f1f-421f-9382-2fee8b652487' },
  ],
};

/** The example answer on the "Get user groups" reference page. */
const DOCUMENTED_USER_GROUPS = [
  { groupId: '276f955c-63d7-42c8-9520-92d01dca0625', name: 'jira-administrators', self: 'https://your-domain.atlassian.net/rest/api/3/group?groupId=276f955c-63d7-42c8-9520-92d01dca0625' },
];

function answering(status: number, body: string, seen: string[] = []): JiraRequest {
  return async (path) => {
    seen.push(path.value);
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  };
}

describe('JiraGroups.findGroups', () => {
  it('asks Jira as the app for the named groups and answers those that exist, as the site spells them', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: 'una', groups: ['Engineering', 'ai-pilot'] });
    site.emptyGroups.add('contractors');
    const found = await new JiraGroups().findGroups(['engineering', 'contractors', 'no-such-group', 'ENGINEERING', '  ']);
    expect(found).toEqual(['Engineering', 'contractors']);
    expect(site.requests).toHaveLength(1);
    expect(site.requests[0]).toMatchObject({ method: 'GET', provider: 'app' });
    const query = new URL(site.requests[0]?.path ?? '', 'https://site.example').searchParams;
    expect(query.getAll('groupName')).toEqual(['engineering', 'contractors', 'no-such-group', 'ENGINEERING']);
    expect([query.get('startAt'), query.get('maxResults')]).toEqual(['0', '50']);
  });

  it('reads every page when Jira answers fewer groups than asked, and asks at most 50 names at a time', async () => {
    const site = fakeForge().jira;
    const names = Array.from({ length: 120 }, (_, index) => `team-${String(index).padStart(3, '0')}`);
    for (const name of names) site.emptyGroups.add(name);
    site.groupPageLimit = 7;
    const found = await new JiraGroups().findGroups([...names, 'missing']);
    expect(found).toEqual(names);
    const queries = site.requests.map((request) => new URL(request.path, 'https://site.example').searchParams);
    expect(Math.max(...queries.map((query) => query.getAll('groupName').length))).toBe(50);
    expect(queries.filter((query) => query.get('startAt') === '0')).toHaveLength(3);
    expect(queries.map((query) => query.get('startAt')).slice(0, 8)).toEqual(['0', '7', '14', '21', '28', '35', '42', '49']);
  });

  it('reads the documented example answer', async () => {
    const seen: string[] = [];
    const found = await new JiraGroups(answering(200, JSON.stringify(DOCUMENTED_GROUP_PAGE), seen)).findGroups(['jdog-developers', 'JUVENAL-BOT', 'other']);
    expect(found).toEqual(['jdog-developers', 'juvenal-bot']);
    expect(seen).toEqual(['/rest/api/3/group/bulk?startAt=0&maxResults=50&groupName=jdog-developers&groupName=JUVENAL-BOT&groupName=other']);
  });

  it('asks nothing when no name is given', async () => {
    const seen: string[] = [];
    expect(await new JiraGroups(answering(200, '{}', seen)).findGroups([' ', ''])).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('fails with a JiraError, never “no such group”, when Jira is down or answers something it does not document', async () => {
    fakeForge().jira.outage = true;
    await expect(new JiraGroups().findGroups(['engineering'])).rejects.toThrow(JiraError);
    for (const body of ['{}', '[]', '<html>Service unavailable</html>', '{"values":[{}]}', '{"isLast":true,"values":[{"name":""}]}']) {
      const failure = await new JiraGroups(answering(200, body)).findGroups(['engineering']).catch((error: unknown) => error);
      expect(failure, body).toBeInstanceOf(JiraError);
    }
    const refused = await new JiraGroups(answering(403, '{"errorMessages":["You do not have permission"]}')).findGroups(['engineering']).catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403 });
    expect(String(refused)).not.toContain('You do not have permission');
  });

  it('stops with a JiraError when the list never ends', async () => {
    const endless = answering(200, JSON.stringify({ ...DOCUMENTED_GROUP_PAGE, isLast: false }));
    await expect(new JiraGroups(endless).findGroups(['jdog-developers'])).rejects.toThrow(/did not end/);
  });
});

describe('JiraGroups.groupsOf', () => {
  it('reads the user’s groups as the app', async () => {
    const site = fakeForge().jira;
    site.addUser({ accountId: '5b10a2844c20165700ede21g', groups: ['engineering', 'ai-pilot'] });
    expect(await new JiraGroups().groupsOf('5b10a2844c20165700ede21g')).toEqual(['engineering', 'ai-pilot']);
    expect(site.requests).toEqual([expect.objectContaining({ method: 'GET', provider: 'app', path: '/rest/api/3/user/groups?accountId=5b10a2844c20165700ede21g' })]);
  });

  it('reads the documented example answer, and an account Jira does not know has no groups', async () => {
    expect(await new JiraGroups(answering(200, JSON.stringify(DOCUMENTED_USER_GROUPS))).groupsOf('a')).toEqual(['jira-administrators']);
    expect(await new JiraGroups().groupsOf('nobody')).toEqual([]);
  });

  it('fails closed with a JiraError when Jira is down, refuses, or answers something it does not document', async () => {
    fakeForge().jira.outage = true;
    await expect(new JiraGroups().groupsOf('una')).rejects.toThrow(JiraError);
    await expect(new JiraGroups(answering(401, '{}')).groupsOf('una')).rejects.toMatchObject({ status: 401 });
    for (const body of ['{}', '{"values":[]}', '[{}]', 'not json']) {
      await expect(new JiraGroups(answering(200, body)).groupsOf('una'), body).rejects.toThrow(JiraError);
    }
  });

  it('sends an account id holding query syntax as one encoded value', async () => {
    const seen: string[] = [];
    const groups = await new JiraGroups(answering(200, '[]', seen)).groupsOf('a&accountId=b');
    expect(groups).toEqual([]);
    expect(seen).toEqual(['/rest/api/3/user/groups?accountId=a%26accountId%3Db']);
  });
});
