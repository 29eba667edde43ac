import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { createOperationContext } from './context.js';
import type { Logger } from './logger.js';
import { defineProvider, isSecretRequired, type ProviderSpec, type SecretField, type SecretFields, type SecretValues } from './define-provider.js';
import { AuthError, TransientError } from './errors.js';
import { describeConnectorForm } from './form.js';
import type { ProviderOperations } from './contract.js';
import { acmeProvider } from './test-support/acme-provider.js';
import { ACME_TOKEN } from './test-support/acme-harness.js';

const SECRET = 'super-secret-token-123456';

const baseSecrets = { token: { label: 'API token' }, extra: { label: 'Extra key', optional: true } } satisfies SecretFields;

const base = (operations: Partial<ProviderOperations> = {}): ProviderSpec<z.ZodObject<{ url: z.ZodString; retries: z.ZodDefault<z.ZodNumber> }>, typeof baseSecrets> => ({
  type: 'demo-group',
  displayName: 'Demo',
  description: 'A provider for tests.',
  configSchema: z.object({ url: z.string().meta({ title: 'URL' }), retries: z.number().int().default(2) }),
  secrets: baseSecrets,
  capabilities: { createGroups: false, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
  setup: { steps: 'Do things.', permissions: ['read'] },
  create: () => ({
    test: async () => ({ ok: true, checks: [{ name: 'c', passed: true, message: 'fine' }] }),
    resolveIdentity: async () => ({ outcome: 'resolved', identity: { id: 'u1' }, matchedBy: 'email' }),
    bindGroup: async (_ctx, spec) => ({ group: { id: spec.groupId ?? 'g' }, outcome: 'bound' }),
    add: async () => ({ outcome: 'applied' }),
    remove: async () => ({ outcome: 'applied' }),
    check: async () => ({ outcome: 'member', via: 'direct' }),
    ...operations,
  }),
});

const connect = (spec = base(), config: unknown = { url: 'https://x' }, secrets: Record<string, string | undefined> = { token: SECRET }) =>
  defineProvider(spec).connect({ config, secrets });

describe('defineProvider', () => {
  it('refuses malformed declarations', () => {
    expect(() => defineProvider({ ...base(), type: 'Bad Type' })).toThrow(/lowercase/);
    expect(() => defineProvider({ ...base(), capabilities: { ...base().capabilities, maxBatchSize: 0 } })).toThrow(/maxBatchSize/);
    expect(() => connect({ ...base(), capabilities: { ...base().capabilities, maxBatchSize: 20 } })).toThrow(/addBatch/);
  });

  it('validates settings and names the bad field without echoing values', () => {
    const attempt = () => connect(base(), { url: 42 });
    expect(attempt).toThrow(expect.objectContaining({ kind: 'invalid_config', code: 'invalid_settings' }));
    expect(attempt).toThrow(/URL \(url\) must be text/);
    expect(attempt).not.toThrow(/42/);
  });

  it('names a missing required secret by its label and accepts a missing optional one', () => {
    expect(() => connect(base(), { url: 'https://x' }, {})).toThrow(/missing its API token/);
    expect(() => connect(base(), { url: 'https://x' }, { token: SECRET })).not.toThrow();
  });

  it('never calls create() without a required secret (an empty one is missing), so create() gets it typed as a string', () => {
    let created = 0;
    const spec = base();
    const counting: typeof spec = {
      ...spec,
      create: (init) => {
        // Checked by tsc: a field without `optional: true` or `requiredWhen` is present; an optional one may not be.
        expectTypeOf(init.secrets.token).toEqualTypeOf<string>();
        expectTypeOf(init.secrets.extra).toEqualTypeOf<string | undefined>();
        created += 1;
        return spec.create(init);
      },
    };
    for (const secrets of [{}, { token: '' }, { token: undefined, extra: SECRET }]) {
      expect(() => connect(counting, { url: 'https://x' }, secrets)).toThrow(expect.objectContaining({ kind: 'invalid_config', code: 'missing_secret' }));
    }
    expect(created).toBe(0);
    connect(counting, { url: 'https://x' }, { token: SECRET });
    expect(created).toBe(1);
  });

  it('types as possibly absent every secret connect() does not always require', () => {
    const fields = {
      always: { label: 'A' },
      notOptional: { label: 'N', optional: false },
      optional: { label: 'O', optional: true },
      conditional: { label: 'C', requiredWhen: { setting: 'authMode', equals: 'token' } },
    } satisfies SecretFields;
    expectTypeOf<SecretValues<typeof fields>>().toEqualTypeOf<{
      readonly always: string;
      readonly notOptional: string;
      readonly optional: string | undefined;
      readonly conditional: string | undefined;
    }>();
    // A declaration typed only as `SecretField` says nothing about `optional`: its value may be absent.
    expectTypeOf<SecretValues<Readonly<Record<'token', SecretField>>>>().toEqualTypeOf<{ readonly token: string | undefined }>();
    expect(Object.keys(fields).map((name) => isSecretRequired(fields[name as keyof typeof fields], { authMode: 'basic' }))).toEqual([true, true, false, false]);
  });

  it('passes parsed settings (with defaults) and secrets to create', () => {
    let seen: unknown;
    connect({ ...base(), create: (init) => ((seen = { config: init.config, secrets: init.secrets }), base().create(init)) });
    expect(seen).toEqual({ config: { url: 'https://x', retries: 2 }, secrets: { token: SECRET, extra: undefined } });
  });

  it('turns anything a provider throws into a connector error with its secrets redacted', async () => {
    const connector = connect(
      base({
        add: async () => {
          throw new AuthError(`token ${SECRET} was refused`);
        },
        remove: async () => {
          throw new Error(`raw upstream body containing ${SECRET}`);
        },
      }),
    );
    const ctx = createOperationContext();
    await expect(connector.add(ctx, { id: 'g' }, { id: 'u' })).rejects.toMatchObject({ kind: 'auth', message: 'token [REDACTED] was refused' });
    const removal = connector.remove(ctx, { id: 'g' }, { id: 'u' });
    await expect(removal).rejects.toMatchObject({ kind: 'transient', code: 'unexpected_error' });
    await expect(removal).rejects.not.toHaveProperty('message', expect.stringContaining(SECRET));
  });

  it('redacts secrets from log lines and from test() check messages', async () => {
    const lines: string[] = [];
    const logger: Logger = { debug: (m, f) => lines.push(m + JSON.stringify(f)), info: () => {}, warn: () => {}, error: () => {} };
    const connector = connect(
      base({
        test: async (ctx) => {
          ctx.logger.debug(`calling with ${SECRET}`, { header: `Bearer ${SECRET}` });
          return { ok: true, checks: [{ name: 'Token', passed: true, message: `used ${SECRET}` }] };
        },
      }),
    );
    const result = await connector.test(createOperationContext({ logger }), {});
    expect(result.checks[0]?.message).toBe('used [REDACTED]');
    expect(lines.join()).not.toContain(SECRET);
    expect(lines).toHaveLength(1);
  });

  it('never reports ok when a check failed', async () => {
    const connector = connect(base({ test: async () => ({ ok: true, checks: [{ name: 'c', passed: false, message: 'no' }] }) }));
    expect((await connector.test(createOperationContext(), {})).ok).toBe(false);
  });

  it('checks the deadline before calling the provider', async () => {
    let called = false;
    const connector = connect(base({ add: async () => ((called = true), { outcome: 'applied' }) }));
    const ctx = createOperationContext({ deadline: Date.now() - 1 });
    await expect(connector.add(ctx, { id: 'g' }, { id: 'u' })).rejects.toMatchObject({ kind: 'transient', code: 'deadline_exceeded' });
    expect(called).toBe(false);
  });

  it('refuses a group spec without id or name, and creation by a provider that cannot create', async () => {
    const connector = connect();
    const ctx = createOperationContext();
    await expect(connector.bindGroup(ctx, {})).rejects.toMatchObject({ kind: 'invalid_config', code: 'group_unspecified' });
    await expect(connector.bindGroup(ctx, { name: 'n', createIfMissing: true })).rejects.toMatchObject({ kind: 'unsupported' });
  });

  it('gives providers without batching an addBatch that adds one by one, and bounds batches', async () => {
    const added: string[] = [];
    const connector = connect(base({ add: async (_ctx, _group, identity) => (added.push(identity.id), { outcome: 'applied' }) }));
    const ctx = createOperationContext();
    expect(await connector.addBatch(ctx, { id: 'g' }, [{ id: 'a' }])).toEqual([{ outcome: 'applied' }]);
    expect(added).toEqual(['a']);
    await expect(connector.addBatch(ctx, { id: 'g' }, [{ id: 'a' }, { id: 'b' }])).rejects.toMatchObject({ code: 'batch_too_large' });
  });
});

describe('secrets required by a setting (requiredWhen)', () => {
  const modalSchema = z.object({ url: z.string(), authMode: z.enum(['token', 'basic', 'mtls']).default('token').meta({ title: 'Authentication' }) });
  const modalSecrets = {
    token: { label: 'API token', requiredWhen: { setting: 'authMode', equals: 'token' } },
    password: { label: 'Password', optional: false, requiredWhen: { setting: 'authMode', equals: ['basic', 'mtls'] } },
  } satisfies SecretFields;
  const modal = (): ProviderSpec<typeof modalSchema, typeof modalSecrets> => {
    const { connectorCapabilities: _perConnector, ...shared } = base();
    return {
      ...shared,
      configSchema: modalSchema,
      secrets: modalSecrets,
      // The base operations read no secret; only the mode in force has one.
      create: (init) => base().create({ ...init, config: { url: init.config.url, retries: 0 }, secrets: { token: init.secrets.token ?? '', extra: undefined } }),
    };
  };
  const connect = (spec: ProviderSpec<typeof modalSchema, typeof modalSecrets>, config: unknown, secrets: Record<string, string | undefined>) =>
    defineProvider(spec).connect({ config, secrets });

  it('requires the secret of the mode in force (after defaults), naming the setting and its value', () => {
    expect(() => connect(modal(), { url: 'https://x' }, {})).toThrow(/missing its API token \(needed when Authentication is "token"\)/);
    expect(() => connect(modal(), { url: 'https://x', authMode: 'basic' }, { token: SECRET })).toThrow(
      expect.objectContaining({ kind: 'invalid_config', code: 'missing_secret', message: expect.stringContaining('Password (needed when Authentication is "basic")') }),
    );
    expect(() => connect(modal(), { url: 'https://x', authMode: 'mtls' }, {})).toThrow(/Password/);
  });

  it('does not require the secret of another mode, even when the field says optional: false', () => {
    expect(() => connect(modal(), { url: 'https://x' }, { token: SECRET })).not.toThrow();
    expect(() => connect(modal(), { url: 'https://x', authMode: 'basic' }, { password: SECRET })).not.toThrow();
  });

  it('refuses a condition on a setting the schema does not have', () => {
    const spec = modal();
    expect(() => defineProvider({ ...spec, secrets: { ...spec.secrets, token: { label: 'API token', requiredWhen: { setting: 'authmode', equals: 'token' } } } })).toThrow(
      /secret "token" is required when setting "authmode" matches, but the settings have no "authmode"/,
    );
  });

  it('refuses a secret sent to a setting the schema does not have: changing it could never ask for the secret again', () => {
    const sentTo = (settings: string[]) => ({ ...modal(), secrets: { ...modalSecrets, token: { ...modalSecrets.token, sentTo: settings } } });
    expect(() => defineProvider(sentTo(['url', 'baseUrl']))).toThrow(/secret "token" is sent to "baseUrl", but the settings have no such setting/);
    expect(() => defineProvider(sentTo(['url']))).not.toThrow();
  });

  it('isSecretRequired answers for a field and parsed settings', () => {
    const { token, password } = modal().secrets;
    expect(isSecretRequired(token, { authMode: 'token' })).toBe(true);
    expect(isSecretRequired(token, { authMode: 'basic' })).toBe(false);
    expect(isSecretRequired(password, { authMode: 'mtls' })).toBe(true);
    expect(isSecretRequired({ label: 'x' }, {})).toBe(true);
    expect(isSecretRequired({ label: 'x', optional: true }, {})).toBe(false);
  });

  it('exports the condition in the form, marking the field optional for forms that ignore it', () => {
    const form = describeConnectorForm(defineProvider(modal()));
    expect(form.secrets).toEqual([
      { name: 'token', label: 'API token', optional: true, requiredWhen: { setting: 'authMode', equals: 'token' } },
      { name: 'password', label: 'Password', optional: true, requiredWhen: { setting: 'authMode', equals: ['basic', 'mtls'] } },
    ]);
  });
});

describe('default limits', () => {
  it('are validated and exported in the form', () => {
    const limited = (defaultLimits: { requestsPerSecond: number; concurrency: number }) => ({ ...base(), capabilities: { ...base().capabilities, defaultLimits } });
    expect(describeConnectorForm(defineProvider(limited({ requestsPerSecond: 0.5, concurrency: 2 }))).defaultLimits).toEqual({ requestsPerSecond: 0.5, concurrency: 2 });
    expect(() => defineProvider(limited({ requestsPerSecond: 0, concurrency: 2 }))).toThrow(/defaultLimits/);
    expect(() => defineProvider(limited({ requestsPerSecond: 5, concurrency: 1.5 }))).toThrow(/defaultLimits/);
    expect(describeConnectorForm(defineProvider(base()))).not.toHaveProperty('defaultLimits');
  });
});

describe('describeConnectorForm', () => {
  it('describes settings as JSON Schema and secrets by name and label only', () => {
    const form = describeConnectorForm(defineProvider(base()));
    expect(form.settings).toMatchObject({
      type: 'object',
      properties: { url: { type: 'string', title: 'URL' }, retries: { type: 'integer', default: 2 } },
      required: ['url'],
    });
    expect(form.secrets).toEqual([
      { name: 'token', label: 'API token', optional: false },
      { name: 'extra', label: 'Extra key', optional: true },
    ]);
    expect(form.setup.permissions).toEqual(['read']);
  });
});

describe('listMembers', () => {
  const page = { members: [{ id: 'u1', login: 'ada', email: 'ada@example.com' }], nextCursor: 'p2' };
  const listing = (listMembers: NonNullable<ProviderOperations['listMembers']>) => connect(base({ listMembers }));

  it('is no property at all of a connector whose provider does not list groups, even one that sets it undefined', () => {
    expect('listMembers' in connect()).toBe(false);
    expect('listMembers' in connect(base({ listMembers: undefined }))).toBe(false);
  });

  it('passes the group and the cursor through and returns a valid page as it is', async () => {
    const calls: unknown[] = [];
    const connector = listing(async (_ctx, group, cursor) => (calls.push([group, cursor]), page));
    expect(await connector.listMembers?.(createOperationContext(), { id: 'g' })).toEqual(page);
    expect(await connector.listMembers?.(createOperationContext(), { id: 'g' }, 'p1')).toEqual(page);
    expect(calls).toEqual([
      [{ id: 'g' }, undefined],
      [{ id: 'g' }, 'p1'],
    ]);
  });

  it('starts nothing past the deadline or after an abort', async () => {
    let called = false;
    const connector = listing(async () => ((called = true), page));
    await expect(connector.listMembers?.(createOperationContext({ deadline: Date.now() - 1 }), { id: 'g' })).rejects.toMatchObject({ kind: 'transient', code: 'deadline_exceeded' });
    const controller = new AbortController();
    controller.abort();
    await expect(connector.listMembers?.(createOperationContext({ signal: controller.signal }), { id: 'g' })).rejects.toMatchObject({ kind: 'transient', code: 'aborted' });
    expect(called).toBe(false);
  });

  it('classifies what the provider throws and redacts its secrets, in errors and log lines', async () => {
    const lines: string[] = [];
    const logger: Logger = { debug: (m) => lines.push(m), info: () => {}, warn: () => {}, error: () => {} };
    const raw = listing(async (ctx) => {
      ctx.logger.debug(`listing with ${SECRET}`);
      throw new Error(`upstream said ${SECRET}`);
    });
    const failure = raw.listMembers?.(createOperationContext({ logger }), { id: 'g' });
    await expect(failure).rejects.toMatchObject({ kind: 'transient', code: 'unexpected_error' });
    await expect(failure).rejects.not.toHaveProperty('message', expect.stringContaining(SECRET));
    expect(lines).toEqual(['listing with [REDACTED]']);
    const refused = listing(async () => {
      throw new AuthError(`token ${SECRET} was refused`);
    });
    await expect(refused.listMembers?.(createOperationContext(), { id: 'g' })).rejects.toMatchObject({ kind: 'auth', message: 'token [REDACTED] was refused' });
    const missing = listing(async () => {
      throw Object.assign(new Error('404'), { status: 404 });
    });
    await expect(missing.listMembers?.(createOperationContext(), { id: 'g' })).rejects.toMatchObject({ kind: 'not_found', status: 404 });
  });

  it.each([
    ['a member with a blank id', { members: [{ id: ' ' }] }, /members\.0\.id: must not be blank/],
    ['a member without an id', { members: [{ login: 'ada' }] }, /members\.0\.id/],
    ['a member whose email is not text', { members: [{ id: 'u1', email: 42 }] }, /members\.0\.email/],
    ['no members list', { nextCursor: 'p2' }, /members/],
    ['members that are not a list', { members: { id: 'u1' } }, /members/],
    ['an empty next cursor', { members: [], nextCursor: '' }, /nextCursor/],
    ['a next cursor that is not text', { members: [], nextCursor: 2 }, /nextCursor/],
    ['a null next cursor', { members: [], nextCursor: null }, /nextCursor/],
    ['nothing', undefined, /\(result\)/],
  ])('refuses a page with %s as unexpected_response', async (_name, answer, where) => {
    const connector = listing(async () => answer as never);
    const failure = connector.listMembers?.(createOperationContext(), { id: 'g' });
    await expect(failure).rejects.toMatchObject({ name: 'TransientError', kind: 'transient', code: 'unexpected_response' });
    await expect(failure).rejects.toHaveProperty('message', expect.stringMatching(where));
  });

  it('refuses a page that answers the cursor it was asked with (a directory going round in circles)', async () => {
    const connector = listing(async (_ctx, _group, cursor) => ({ members: [{ id: 'u1' }], nextCursor: cursor === 'p1' ? 'p1' : 'p2' }));
    await expect(connector.listMembers?.(createOperationContext(), { id: 'g' }, 'p1')).rejects.toMatchObject({
      kind: 'transient',
      code: 'unexpected_response',
      message: expect.stringContaining('nextCursor: repeats the cursor this page was asked with'),
    });
    expect(await connector.listMembers?.(createOperationContext(), { id: 'g' }, 'p0')).toEqual({ members: [{ id: 'u1' }], nextCursor: 'p2' });
  });

  it('refuses an empty cursor before calling the provider', async () => {
    let called = false;
    const connector = listing(async () => ((called = true), page));
    await expect(connector.listMembers?.(createOperationContext(), { id: 'g' }, '')).rejects.toMatchObject({ kind: 'invalid_request', code: 'invalid_cursor' });
    expect(called).toBe(false);
  });
});

/** Every run of 8 characters of each form the redactor knows: a trace of any of them is a leak. */
const tracesOf = (secret: string): string[] => {
  const bytes = Buffer.from(secret);
  const forms = [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
  return forms.flatMap((form) => Array.from({ length: form.length - 7 }, (_unused, start) => form.slice(start, start + 8)));
};

describe('upstream identifiers and every error field (issue 16)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  /** The Acme example provider against an endpoint that answers 500 with this request-id header. */
  const failingWith = async (header: string, value: string) => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 500, headers: { [header]: value } }));
    const connector = acmeProvider.connect({ config: { baseUrl: 'https://acme.example/api' }, secrets: { apiToken: ACME_TOKEN } });
    return connector.add(createOperationContext(), { id: 'g1' }, { id: 'u1' }).then(
      () => expect.unreachable('the endpoint failed every request'),
      (error: unknown) => error as TransientError,
    );
  };

  const tokenBytes = Buffer.from(ACME_TOKEN);
  it.each([
    ['the whole token', ACME_TOKEN],
    ['a 10-character prefix of it', ACME_TOKEN.slice(0, 10)],
    ['its base64', tokenBytes.toString('base64')],
    ['its base64url (identifier-shaped)', tokenBytes.toString('base64url')],
    ['16 characters inside its base64', tokenBytes.toString('base64').slice(4, 20)],
    ['its hex', tokenBytes.toString('hex')],
  ])('drops a request id that echoes %s: the stored error holds no trace of the token', async (_name, echoed) => {
    const error = await failingWith('x-request-id', echoed);
    expect(error.kind).toBe('transient');
    expect(error.requestId).toBeUndefined();
    const stored = JSON.stringify(error.toJSON());
    for (const trace of tracesOf(ACME_TOKEN)) expect(stored).not.toContain(trace);
  });

  it("keeps a vendor's own request id through the guard", async () => {
    // Okta: "X-Okta-Request-Id - The unique identifier for the API request"
    // https://developer.okta.com/docs/reference/core-okta-api/#request-debugging (an id of this shape).
    expect((await failingWith('x-okta-request-id', 'XkUpbE6DcV2rtlPXc0LrxgAABbw')).requestId).toBe('XkUpbE6DcV2rtlPXc0LrxgAABbw');
    // Graph: `request-id` is a GUID, https://learn.microsoft.com/en-us/graph/errors (innerError example).
    expect((await failingWith('request-id', '1a0ffbc0-086f-4e8f-93f9-bf99881c65f6')).requestId).toBe('1a0ffbc0-086f-4e8f-93f9-bf99881c65f6');
  });

  it('redacts every text field a provider sets and its cause chain, not just the message', async () => {
    const thrown = new TransientError(`upstream said ${SECRET}`, {
      code: `retry_${SECRET}`,
      providerCode: `E${SECRET}`,
      requestId: SECRET.slice(0, 10),
    });
    thrown.cause = new Error(`body ${SECRET}`, { cause: Object.assign(new TransientError(`inner ${SECRET}`, { requestId: SECRET.slice(5, 15) }), { cause: SECRET }) });
    const connector = connect(base({ add: async () => Promise.reject(thrown) }));
    const error = await connector.add(createOperationContext(), { id: 'g' }, { id: 'u' }).then(
      () => expect.unreachable('add throws'),
      (caught: unknown) => caught as TransientError,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(error.toJSON()).toMatchObject({ message: 'upstream said [REDACTED]', code: 'retry_[REDACTED]', providerCode: 'E[REDACTED]' });
    expect(error.requestId).toBeUndefined();
    const outer = error.cause as Error;
    const inner = outer.cause as TransientError;
    expect(outer.message).toBe('body [REDACTED]');
    expect(inner).toMatchObject({ message: 'inner [REDACTED]', requestId: undefined, cause: '[REDACTED]' });
    const everything = [JSON.stringify(error.toJSON()), outer.message, outer.stack ?? '', JSON.stringify(inner.toJSON()), String(inner.cause)].join('\n');
    for (const trace of tracesOf(SECRET)) expect(everything).not.toContain(trace);
  });

  it('drops a cause that is neither an error nor text, whose fields no redactor walks', async () => {
    const thrown = Object.assign(new TransientError('failed'), { cause: { headers: new Map([['authorization', SECRET]]) } });
    const connector = connect(base({ add: async () => Promise.reject(thrown) }));
    await expect(connector.add(createOperationContext(), { id: 'g' }, { id: 'u' })).rejects.toHaveProperty('cause', undefined);
  });
});
