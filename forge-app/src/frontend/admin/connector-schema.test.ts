import { describeConnectorForm } from '@clearway/connector-sdk';
import { manualProvider } from '@clearway/connector-manual';
import { entraGroupProvider } from '@clearway/connector-entra-group';
import { oktaGroupProvider } from '@clearway/connector-okta-group';
import { describe, expect, it } from 'vitest';
import { initialSettings, readSettings, secretApplies, secretRequired, settingFields } from './connector-schema';

describe('connector form from a provider config schema', () => {
  it("reads every installed provider's schema into fields", () => {
    const okta = settingFields(describeConnectorForm(oktaGroupProvider).settings);
    expect(okta.map((field) => [field.name, field.kind, field.required])).toEqual([
      ['orgUrl', 'text', true],
      ['authMode', 'choice', false],
      ['clientId', 'text', false],
      ['keyId', 'text', false],
      ['requestTimeoutMs', 'integer', false],
    ]);
    expect(okta.find((field) => field.name === 'authMode')?.choiceLabels).toEqual({ api_token: 'API token (SSWS)', private_key: 'OAuth 2.0 service app with a private key (recommended)' });
    expect(okta.find((field) => field.name === 'requestTimeoutMs')).toMatchObject({ label: 'Request timeout (ms)', minimum: 1000, maximum: 60000, defaultValue: 10000 });
    const entra = settingFields(describeConnectorForm(entraGroupProvider).settings);
    expect(entra.find((field) => field.name === 'clientId')?.pattern).toBeDefined();
    expect(settingFields(describeConnectorForm(manualProvider).settings).map((field) => field.name)).toEqual(['instructions']);
    // Development settings are left out of every installed provider's form.
    for (const provider of [oktaGroupProvider, entraGroupProvider, manualProvider]) {
      expect(settingFields(describeConnectorForm(provider).settings).map((field) => field.name)).not.toContain('allowInsecureLoopback');
    }
  });

  it('starts from the stored settings, else the defaults, and reads them back typed', () => {
    const fields = settingFields(describeConnectorForm(oktaGroupProvider).settings);
    const draft = initialSettings(fields, { orgUrl: 'https://acme.okta.com' });
    expect(draft).toEqual({ orgUrl: 'https://acme.okta.com', authMode: 'api_token', clientId: '', keyId: '', requestTimeoutMs: '10000' });
    expect(readSettings(fields, draft)).toEqual({ settings: { orgUrl: 'https://acme.okta.com', authMode: 'api_token', requestTimeoutMs: 10000 }, problems: {} });
  });

  it('says what is wrong, field by field', () => {
    const fields = settingFields(describeConnectorForm(entraGroupProvider).settings);
    const { problems } = readSettings(fields, { ...initialSettings(fields), clientId: 'not-a-guid', requestTimeoutMs: '12.5', authMode: 'password' });
    expect(problems).toEqual({
      tenantId: 'Directory (tenant) ID is required.',
      clientId: 'Application (client) ID does not have the expected format.',
      requestTimeoutMs: 'Enter a whole number.',
      authMode: 'Choose one of: client_secret, client_certificate.',
    });
  });

  it('edits properties it has no input for as JSON', () => {
    const fields = settingFields({ type: 'object', properties: { scopes: { type: 'array', title: 'Scopes' } }, required: ['scopes'] });
    expect(fields).toEqual([{ name: 'scopes', label: 'Scopes', kind: 'json', required: true }]);
    expect(initialSettings(fields, { scopes: ['a'] })).toEqual({ scopes: '["a"]' });
    expect(readSettings(fields, { scopes: '["a","b"]' }).settings).toEqual({ scopes: ['a', 'b'] });
    expect(readSettings(fields, { scopes: '[oops' }).problems).toEqual({ scopes: 'Enter valid JSON.' });
  });

  it('shows and requires a secret only when its setting says so', () => {
    const token = { name: 'token', label: 'API token', optional: true, requiredWhen: { setting: 'authMode', equals: 'token' } };
    const anyOf = { name: 'key', label: 'Key', optional: true, requiredWhen: { setting: 'authMode', equals: ['key', 'jwt'] } };
    expect(secretApplies(token, { authMode: 'token' })).toBe(true);
    expect(secretApplies(token, { authMode: 'certificate' })).toBe(false);
    expect(secretRequired(token, { authMode: 'token' })).toBe(true);
    expect(secretApplies(anyOf, { authMode: 'jwt' })).toBe(true);
    expect(secretRequired({ name: 'x', label: 'X', optional: false }, {})).toBe(true);
    expect(secretRequired({ name: 'x', label: 'X', optional: true }, {})).toBe(false);
  });
});
