import { describeConnectorForm, isConnectorError } from '@clearway/connector-sdk';
import { describe, expect, it } from 'vitest';
import { scimGroupProvider } from './provider.js';
import { scimSettingsSchema } from './settings.js';

const TOKEN = 'settings-token-0123456789';
const connect = (config: Record<string, unknown>, secrets: Record<string, string | undefined> = { bearerToken: TOKEN }) => {
  try {
    scimGroupProvider.connect({ config, secrets });
    return 'ok';
  } catch (error) {
    if (isConnectorError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
};

describe('settings', () => {
  it('defaults to bearer auth, group member lookup, RFC removal, a 10 s timeout, no insecure loopback; trims the trailing slash', () => {
    expect(scimSettingsSchema.parse({ baseUrl: 'https://api.example.com/scim/v2/' })).toEqual({
      baseUrl: 'https://api.example.com/scim/v2',
      authMode: 'bearer',
      memberLookup: 'group',
      memberRemoval: 'path_filter',
      requestTimeoutMs: 10_000,
      allowInsecureLoopback: false,
    });
  });

  it.each([
    ['http://api.example.com/scim/v2', {}, 'must use https://'],
    ['http://api.example.com/scim/v2', { allowInsecureLoopback: true }, 'only for a loopback host'],
    ['http://localhost:8080/scim/v2', {}, 'insecure-loopback'],
    ['https://user:pw@api.example.com/scim/v2', {}, 'user name or password'],
    ['https://api.example.com/scim/v2?tenant=a', {}, 'query'],
    ['api.example.com/scim/v2', {}, 'full URL'],
    // A Fetch-standard bad port (https://fetch.spec.whatwg.org/#port-blocking): fetch would refuse every request.
    ['https://api.example.com:6000/scim/v2', {}, 'must not use port 6000'],
    ['http://127.0.0.1:6666/scim/v2', { allowInsecureLoopback: true }, 'must not use port 6666'],
  ])('refuses the base URL %s (%o)', (baseUrl, extra, problem) => {
    expect(connect({ baseUrl, ...extra })).toMatch(new RegExp(`^invalid_settings: .*SCIM base URL \\(baseUrl\\): .*${problem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('accepts plain http to a loopback simulator only with the opt-in', () => {
    expect(connect({ baseUrl: 'http://127.0.0.1:7070/scim/v2', allowInsecureLoopback: true })).toBe('ok');
    expect(connect({ baseUrl: 'http://[::1]:7070/scim/v2', allowInsecureLoopback: true })).toBe('ok');
  });

  it('needs a user name for Basic', () => {
    expect(connect({ baseUrl: 'https://api.example.com/scim/v2', authMode: 'basic' }, { password: TOKEN })).toMatch(/^invalid_settings: .*User name \(Basic\) \(username\): is needed when Authentication is "basic"/);
  });
});

describe('secrets follow the auth mode (requiredWhen)', () => {
  it('bearer needs the bearer token, and not the password', () => {
    expect(connect({ baseUrl: 'https://api.example.com/scim/v2' }, {})).toBe(
      'missing_secret: The SCIM 2.0 group connector is missing its Bearer token (needed when Authentication is "bearer").',
    );
    expect(connect({ baseUrl: 'https://api.example.com/scim/v2' }, { bearerToken: TOKEN })).toBe('ok');
  });

  it('basic needs the password, and not the bearer token', () => {
    const basic = { baseUrl: 'https://api.example.com/scim/v2', authMode: 'basic', username: 'svc' };
    expect(connect(basic, { bearerToken: TOKEN })).toMatch(/missing its Password \(Basic\) \(needed when Authentication is "basic"\)/);
    expect(connect(basic, { password: TOKEN })).toBe('ok');
  });

  it('the admin form shows which secret goes with which mode, and the default limits', () => {
    const form = describeConnectorForm(scimGroupProvider);
    expect(form.secrets).toEqual([
      expect.objectContaining({ name: 'bearerToken', optional: true, requiredWhen: { setting: 'authMode', equals: 'bearer' } }),
      expect.objectContaining({ name: 'password', optional: true, requiredWhen: { setting: 'authMode', equals: 'basic' } }),
    ]);
    expect(form.settings).toMatchObject({ properties: { baseUrl: { title: 'SCIM base URL' }, authMode: { default: 'bearer' } }, required: ['baseUrl'] });
    expect(form.defaultLimits).toEqual({ requestsPerSecond: 2, concurrency: 2 });
    expect(form.setup.permissions.length).toBeGreaterThan(0);
  });
});
