import { describe, expect, it } from 'vitest';
import { readManifest } from '../../test-support/fake-forge/index';
import { ADMIN, freshScenario } from '../../test-support/scenario';
import { BACKEND_EGRESS, undeclaredHosts } from './backend-egress';

describe('backend egress', () => {
  it('is exactly what manifest.yml declares (a Forge function cannot read its manifest)', () => {
    const declared = (readManifest().permissions?.external?.fetch?.backend ?? []).map((entry) => (typeof entry === 'string' ? entry : (entry as { address: string }).address));
    expect(declared).toEqual([...BACKEND_EGRESS]);
  });

  // Okta org domains: https://developer.okta.com/docs/concepts/okta-organizations/ (okta.com,
  // oktapreview.com, okta-emea.com; okta-gov.com for US government). Matching is @forge/egress'.
  it.each([
    ['https://acme.okta.com', []],
    ['https://acme.oktapreview.com', []],
    ['https://acme.okta-emea.com', []],
    ['https://acme.okta-gov.com', []],
    ['https://okta.com', []],
    ['https://login.acme.example', ['login.acme.example']],
    ['https://acme.okta.com.evil.example', ['acme.okta.com.evil.example']],
    ['https://evil-okta.com', ['evil-okta.com']],
    ['https://acme.okta.com:8443', ['acme.okta.com:8443']],
  ])('an Okta org at %s: undeclared %j', (orgUrl, expected) => {
    expect(undeclaredHosts({ orgUrl, authMode: 'apiToken', requestTimeoutMs: 5_000 })).toEqual(expected);
  });

  it('accepts Entra at Microsoft Graph and Entra sign-in, and reports a sovereign cloud it does not declare', () => {
    expect(undeclaredHosts({ tenantId: 'contoso.onmicrosoft.com', graphBaseUrl: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' })).toEqual([]);
    expect(undeclaredHosts({ graphBaseUrl: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' })).toEqual(['graph.microsoft.us', 'login.microsoftonline.us']);
  });

  it('makes "Test connection" say which host to declare, before anything is sent', async () => {
    const { world } = await freshScenario();
    const admin = { accountId: ADMIN.accountId };
    await world.invoke('adminPage', 'connectors.create', { id: 'okta-custom', providerType: 'okta-group', name: 'Okta (custom domain)', settings: { orgUrl: 'https://login.acme.example' }, secrets: { apiToken: 'ssws-00112233445566778899aabbccddeeff' } }, admin);
    const tested = await world.invoke('adminPage', 'connectors.test', { connectorId: 'okta-custom' }, admin);
    expect(tested).toMatchObject({ ok: true, data: { ok: false, checks: [{ name: 'Forge allows the connection', passed: false, message: expect.stringContaining('login.acme.example') }] } });
    expect(tested.ok && tested.data.checks).toHaveLength(1);
  });
});
