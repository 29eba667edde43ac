import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineProvider } from './define-provider.js';

const schema = z
  .object({
    orgUrl: z.string().trim().min(1).meta({ title: 'Org URL' }),
    authMode: z.enum(['api_token', 'private_key']).default('api_token').meta({ title: 'Sign-in method' }),
    timeoutMs: z.number().int().min(1_000).max(60_000).default(10_000).meta({ title: 'Request timeout (ms)' }),
    homepage: z.url().optional().meta({ title: 'Home page' }),
    verbose: z.boolean().default(false),
  })
  .strict()
  .superRefine((settings, ctx) => {
    if (settings.orgUrl.includes('-admin.')) ctx.addIssue({ code: 'custom', path: ['orgUrl'], message: 'use the org URL, not the -admin one' });
  });

const provider = defineProvider({
  type: 'words',
  displayName: 'Words',
  description: 'test provider',
  configSchema: schema,
  secrets: {},
  capabilities: { createGroups: false, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
  setup: { steps: 'none', permissions: [] },
  create: () => ({
    test: async () => ({ ok: true, checks: [] }),
    resolveIdentity: async () => ({ outcome: 'unresolved', reason: 'not_found', message: 'none' }),
    bindGroup: async () => ({ group: { id: 'g' }, outcome: 'bound' }),
    add: async () => ({ outcome: 'applied' }),
    remove: async () => ({ outcome: 'applied' }),
    check: async () => ({ outcome: 'member', via: 'direct' }),
  }),
});

const refusal = (config: unknown) => {
  try {
    provider.connect({ config, secrets: {} });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('the settings were accepted');
};

describe('settings refused in the admin’s words', () => {
  it('names each setting by its form title and its name, and says what is wrong, not zod’s wording', () => {
    const message = refusal({ authMode: 'oauth', timeoutMs: 50, homepage: 'not a url', verbose: 'yes', extra: 1 });
    expect(message).toBe(
      'The Words connector settings are invalid: Org URL (orgUrl) is required; Sign-in method (authMode) must be one of api_token, private_key; Request timeout (ms) (timeoutMs) must be at least 1000; Home page (homepage) is not a valid URL; verbose must be on or off; there is no setting named extra.',
    );
    expect(message).not.toMatch(/Invalid input|expected string|received/);
  });

  it('says an empty text is empty, keeps the provider’s own words for its checks, and never echoes a value', () => {
    expect(refusal({ orgUrl: '  ', timeoutMs: 'ten' })).toBe('The Words connector settings are invalid: Org URL (orgUrl) cannot be empty; Request timeout (ms) (timeoutMs) must be a number.');
    const message = refusal({ orgUrl: 'https://acme.okta.com', timeoutMs: 99_000 });
    expect(message).toBe('The Words connector settings are invalid: Request timeout (ms) (timeoutMs) must be at most 60000.');
    expect(refusal({ orgUrl: 'https://acme-admin.okta.com' })).toBe('The Words connector settings are invalid: Org URL (orgUrl): use the org URL, not the -admin one.');
    expect(message).not.toContain('99000');
  });
});
