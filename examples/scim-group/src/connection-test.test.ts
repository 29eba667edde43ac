import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { connectTo, context, seedDirectory, type Directory } from './test-support/harness.js';

let directory: Directory;
const use = (options: Parameters<typeof seedDirectory>[0] = {}) => {
  nock.cleanAll();
  directory = seedDirectory(options);
  directory.service.install();
};
/** `null`: no bound group yet. */
const run = (settings: Record<string, unknown> = {}, group: { id: string } | null = { id: directory.group.id }) =>
  connectTo(directory.service, settings).test(context(), group ? { group } : {});
const summary = (result: Awaited<ReturnType<typeof run>>) => result.checks.map((check) => [check.name, check.passed]);

beforeEach(() => use());

describe('Test connection', () => {
  it('passes every named check against a healthy service, saying it uses ETags', async () => {
    const result = await run();
    expect(result.ok).toBe(true);
    expect(summary(result)).toEqual([
      ['SCIM service reachable', true],
      ['Credentials accepted', true],
      ['Can search users', true],
      ['Service supports PATCH and filters', true],
      ['Can read the bound group', true],
    ]);
    expect(result.checks[3]?.message).toContain('ETag');
    expect(result.checks[4]?.message).toContain('AI - ChatGPT Enterprise users');
    expect(directory.service.requests[0]?.query.get('filter')).toBe('userName eq "clearway-connection-test"');
  });

  it('reports refused credentials as a failed check and stops there', async () => {
    directory.service.unauthorizedNext();
    const result = await run();
    expect(result.ok).toBe(false);
    expect(summary(result)).toEqual([
      ['SCIM service reachable', true],
      ['Credentials accepted', false],
    ]);
    expect(result.checks[1]?.message).toContain('bearer token');
    expect(directory.service.requests).toHaveLength(1);
  });

  it('tells a token without the provisioning role apart from a refused one (403)', async () => {
    directory.service.forbiddenNext();
    expect(summary(await run())).toEqual([
      ['SCIM service reachable', true],
      ['Credentials accepted', true],
      ['Can search users', false],
    ]);
  });

  it('points at the base URL when /Users is not there (404)', async () => {
    directory.service.failNext({ status: 404, rawBody: '' });
    const result = await run();
    expect(summary(result)).toEqual([['SCIM service reachable', false]]);
    expect(result.checks[0]?.message).toContain('Check the base URL');
  });

  it('reports an unreachable or failing service as not reachable, with the reason', async () => {
    directory.service.resetNext();
    const result = await run();
    expect(summary(result)).toEqual([['SCIM service reachable', false]]);
    expect(result.checks[0]?.message).toMatch(/network error/);
  });

  it('explains that users cannot be found by email when the service refuses userName filters', async () => {
    directory.service.failNext({ status: 400, scimType: 'invalidFilter' });
    const result = await run();
    expect(summary(result).at(-1)).toEqual(['Can search users', false]);
    expect(result.checks.at(-1)?.message).toContain('map every user explicitly');
  });

  it('fails when the service says it has no PATCH or no filtering, and assumes both when it publishes nothing', async () => {
    nock.cleanAll();
    const scope = nock('https://scim.example.com/scim/v2');
    scope.get('/Users').query(true).reply(200, { totalResults: 0 });
    scope.get('/ServiceProviderConfig').reply(200, { patch: { supported: false }, filter: { supported: false } });
    const refused = await run({}, null);
    expect(refused.checks.at(-1)).toMatchObject({ name: 'Service supports PATCH and filters', passed: false });
    expect(refused.checks.at(-1)?.message).toMatch(/PATCH .* or filtering/);
    use({ serviceProviderConfig: false });
    const assumed = await run({}, null);
    expect(assumed.checks.at(-1)).toMatchObject({ passed: true, message: expect.stringContaining('assumed') });
  });

  it('fails for a bound group the service does not have, asking to rebind', async () => {
    const result = await run({}, { id: 'deleted-group' });
    expect(result.checks.at(-1)).toMatchObject({ name: 'Can read the bound group', passed: false, message: expect.stringContaining('rebind') });
  });

  describe('with Member lookup: filter', () => {
    it('proves the service answers member filters', async () => {
      const result = await run({ memberLookup: 'filter' });
      expect(result.checks.at(-1)).toMatchObject({ name: 'Member lookup by filter works', passed: true });
    });

    it('fails when the service cannot filter groups by member', async () => {
      use({ memberFilter: false });
      const result = await run({ memberLookup: 'filter' });
      expect(result.checks.at(-1)).toMatchObject({ name: 'Member lookup by filter works', passed: false, message: expect.stringContaining('set Member lookup to "group"') });
    });

    it('fails when the service ignores the member filter (it matched a user who does not exist)', async () => {
      directory.service.failNextMatching('GET', /^\/Groups$/, { status: 200, rawBody: JSON.stringify({ totalResults: 1, Resources: [{ id: directory.group.id }] }) });
      const result = await run({ memberLookup: 'filter' });
      expect(result.checks.at(-1)).toMatchObject({ passed: false, message: expect.stringContaining('ignores member filters') });
    });
  });
});
