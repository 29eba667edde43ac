import { describe, expect, it } from 'vitest';
import { entraGroupProvider } from './provider.js';
import { FakeEntraAuthority } from './test-support/fake-authority.js';
import { FakeGraphTenant } from './test-support/fake-tenant.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, baseSettings, connectWithFakeCredential, context, fakeCredential, seedDirectory } from './test-support/harness.js';

function signedInConnector(roles?: readonly string[]) {
  const directory = seedDirectory();
  if (roles) directory.tenant.grantedRoles = new Set(roles);
  directory.tenant.install();
  new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, directory.tenant).install();
  return { directory, connector: entraGroupProvider.connect({ config: baseSettings, secrets: { clientSecret: CLIENT_SECRET } }) };
}

describe('test()', () => {
  it('passes four named checks against a healthy tenant', async () => {
    const { directory, connector } = signedInConnector();
    const result = await connector.test(context(), { group: { id: directory.group.id } });
    expect(result.ok).toBe(true);
    expect(result.checks.map((check) => check.name)).toEqual([
      'Credentials accepted',
      'Application permissions granted',
      'Can read users',
      'Can manage membership of the bound group',
    ]);
    expect(result.checks[1]?.message).toContain('Clearway can also create groups');
  });

  it('names the missing application permissions read from the token', async () => {
    const { directory, connector } = signedInConnector(['GroupMember.ReadWrite.All']);
    const result = await connector.test(context(), { group: { id: directory.group.id } });
    expect(result.ok).toBe(false);
    const permissions = result.checks.find((check) => check.name === 'Application permissions granted');
    expect(permissions).toMatchObject({ passed: false, message: expect.stringMatching(/Missing .*User\.Read\.All.*admin consent/) });
    expect(result.checks.find((check) => check.name === 'Can read users')).toMatchObject({ passed: false, message: expect.stringContaining('(HTTP 403)') });
  });

  it('accepts broader permissions, and says when groups cannot be created', async () => {
    const { connector } = signedInConnector(['Group.Read.All', 'GroupMember.ReadWrite.All', 'Directory.Read.All']);
    const result = await connector.test(context(), {});
    expect(result.ok).toBe(true);
    expect(result.checks[1]?.message).toContain('Group.Create is not granted');
  });

  it('stops at a refused sign-in with one failed check saying what to fix', async () => {
    const { connector } = (() => {
      const directory = seedDirectory();
      directory.tenant.install();
      new FakeEntraAuthority(TENANT_ID, { clientId: CLIENT_ID, clientSecret: 'the-secret-that-is-registered' }, directory.tenant).install();
      return { connector: entraGroupProvider.connect({ config: baseSettings, secrets: { clientSecret: CLIENT_SECRET } }) };
    })();
    const result = await connector.test(context(), {});
    expect(result).toEqual({
      ok: false,
      checks: [{ name: 'Credentials accepted', passed: false, message: expect.stringContaining('Paste the secret Value (not the Secret ID)') }],
    });
  });

  it('fails the group check for a group Clearway must not manage, or one that is gone', async () => {
    const { directory, connector } = signedInConnector();
    const dynamic = directory.tenant.addGroup({ displayName: 'All engineers', groupTypes: ['DynamicMembership'], membershipRule: 'x' });
    const dynamicResult = await connector.test(context(), { group: { id: dynamic.id } });
    expect(dynamicResult.checks.at(-1)).toMatchObject({ passed: false, message: expect.stringContaining('dynamic membership') });
    const goneResult = await connector.test(context(), { group: { id: '00000000-0000-4000-8000-000000000000' } });
    expect(goneResult.checks.at(-1)).toMatchObject({ passed: false, message: expect.stringContaining('HTTP 404') });
  });

  it('requests no token for a plain-http loopback simulator, and says the credential was not checked', async () => {
    const tenant = new FakeGraphTenant('http://127.0.0.1:8080');
    tenant.install();
    const credential = fakeCredential(tenant);
    const connector = connectWithFakeCredential(tenant, { graphBaseUrl: 'http://127.0.0.1:8080', allowInsecureLoopback: true }, credential);
    const result = await connector.test(context(), {});
    expect(result.checks[0]).toMatchObject({ name: 'Credentials accepted', passed: true, message: expect.stringContaining('Not checked') });
    expect(credential.calls).toBe(0);
  });
});
