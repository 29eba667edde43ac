/**
 * The example provider of the SDK README, for the Acme Directory API: what a complete provider
 * looks like when written only against the SDK's public API. The SDK's own tests prove the
 * conformance kit passes it, and fail deliberately broken variants of it.
 */
import { z } from 'zod';
import {
  TransientError,
  assertCanProceed,
  classifyHttpError,
  classifyNetworkError,
  defineProvider,
  type ExternalIdentity,
  type GroupRef,
  type MembershipCheck,
  type OperationContext,
  type ProviderSpec,
  type SecretFields,
} from '../index.js';

const config = z.object({
  baseUrl: z.url({ protocol: /^https$/ }).meta({ title: 'API base URL', description: 'For example https://acme.example/api' }),
});

// Acme's answers, checked where they enter: anything else is not Acme's answer and decides nothing.
const meSchema = z.object({ permissions: z.array(z.string()) });
const userSchema = z.object({ id: z.string().regex(/\S/), login: z.string(), email: z.string(), status: z.string() });
const groupSchema = z.object({ id: z.string().regex(/\S/), name: z.string() });
const memberPageSchema = z.object({
  members: z.array(z.object({ id: z.string().regex(/\S/), login: z.string(), email: z.string() })),
  next: z.string().min(1).optional(),
});
const problemSchema = z.object({ error: z.object({ code: z.string() }) });

// Neither `optional: true` nor `requiredWhen`: connect() refuses to connect without the token, so create() gets a string.
const acmeSecrets = { apiToken: { label: 'API token', description: 'A token with users:read and groups:write.' } } satisfies SecretFields;

export const acmeSpec: ProviderSpec<typeof config, typeof acmeSecrets> = {
  type: 'acme-group',
  displayName: 'Acme Directory group',
  description: 'Adds and removes users in an Acme Directory group.',
  configSchema: config,
  secrets: acmeSecrets,
  capabilities: { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
  setup: { steps: 'Create an API token under **Settings → Tokens**.', permissions: ['users:read', 'groups:write'] },

  create({ config: { baseUrl }, secrets }) {
    /** One HTTP call, never started once the operation is aborted: network failures and error statuses become classified errors. */
    const call = async (ctx: OperationContext, action: string, method: string, path: string, body?: unknown) => {
      assertCanProceed(ctx, action);
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, {
          method,
          signal: ctx.signal,
          headers: { authorization: `Bearer ${secrets.apiToken}`, 'content-type': 'application/json' },
          ...(body !== undefined && { body: JSON.stringify(body) }),
        });
      } catch (error) {
        throw classifyNetworkError(error, action) ?? error;
      }
      return { response, fail: () => classifyHttpError({ status: response.status, headers: response.headers, action }) };
    };
    /** A 2xx that is not what Acme documents (an HTML page from a proxy, `{}`): retried, never believed. */
    const unexpected = (action: string, status: number) =>
      new TransientError(`${action} failed: Acme answered HTTP ${status} with something that is not Acme's answer; retried.`, { code: 'unexpected_response', status });
    const read = async <T extends z.ZodType>(response: Response, schema: T, action: string): Promise<z.output<T>> => {
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw unexpected(action, response.status);
      return parsed.data;
    };
    /** Acme's own error code (`not_member`, `group_not_found`, …), telling "not a member" from "no such group". */
    const errorCode = async (response: Response) => problemSchema.safeParse(await response.json().catch(() => undefined)).data?.error.code;
    const getJson = async <T extends z.ZodType>(ctx: OperationContext, action: string, path: string, schema: T): Promise<z.output<T> | undefined> => {
      const { response, fail } = await call(ctx, action, 'GET', path);
      if (response.status === 404) return undefined;
      if (!response.ok) throw fail();
      return read(response, schema, action);
    };

    const check = async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipCheck> => {
      const action = 'Checking membership';
      const { response, fail } = await call(ctx, action, 'GET', `/groups/${group.id}/members/${identity.id}`);
      if (response.status === 204) return { outcome: 'member', via: 'direct' };
      if (response.status === 404 && (await errorCode(response)) === 'not_member') return { outcome: 'not_member', via: 'direct' };
      throw response.ok ? unexpected(action, response.status) : fail();
    };

    return {
      check,

      async test(ctx) {
        const { response } = await call(ctx, 'Reading permissions', 'GET', '/me');
        if (!response.ok) {
          return { ok: false, checks: [{ name: 'Credentials accepted', passed: false, message: `Acme answered HTTP ${response.status}: check the API token.` }] };
        }
        const { permissions } = await read(response, meSchema, 'Reading permissions');
        const canManage = permissions.includes('groups:write');
        return {
          ok: canManage,
          checks: [
            { name: 'Credentials accepted', passed: true, message: 'The API token works.' },
            { name: 'Can manage group membership', passed: canManage, message: canManage ? 'The token has groups:write.' : 'Grant the token groups:write.' },
          ],
        };
      },

      async resolveIdentity(ctx, subject) {
        if (subject.mappedExternalId) {
          const found = await getJson(ctx, 'Looking up the mapped user', `/users/${encodeURIComponent(subject.mappedExternalId)}`, userSchema);
          if (found) return { outcome: 'resolved', identity: { id: found.id, login: found.login }, matchedBy: 'mapping' };
          return { outcome: 'unresolved', reason: 'not_found', message: 'The mapped Acme user does not exist.' };
        }
        const matches = subject.email ? ((await getJson(ctx, 'Searching users by email', `/users?email=${encodeURIComponent(subject.email)}`, z.array(userSchema))) ?? []) : [];
        if (matches.length > 1) return { outcome: 'unresolved', reason: 'ambiguous', message: 'More than one Acme user has this email.' };
        const [found] = matches;
        if (!found) return { outcome: 'unresolved', reason: 'not_found', message: 'No Acme user has this email.' };
        if (found.status !== 'active') return { outcome: 'unresolved', reason: 'inactive', message: 'The Acme user is suspended.' };
        return { outcome: 'resolved', identity: { id: found.id, login: found.login, email: found.email }, matchedBy: 'email' };
      },

      async bindGroup(ctx, spec) {
        if (spec.groupId) {
          const found = await getJson(ctx, 'Reading the group', `/groups/${encodeURIComponent(spec.groupId)}`, groupSchema);
          if (!found) throw classifyHttpError({ status: 404, action: 'Reading the group', summary: 'No Acme group has this id.' });
          return { group: found, outcome: 'bound' };
        }
        const name = spec.name ?? '';
        const found = (await getJson(ctx, 'Searching groups', `/groups?name=${encodeURIComponent(name)}`, z.array(groupSchema))) ?? [];
        const exact = found.find((candidate) => candidate.name === name);
        if (exact) return { group: exact, outcome: 'bound' };
        if (!spec.createIfMissing) throw classifyHttpError({ status: 404, action: 'Finding the group', summary: 'No Acme group has this name.' });
        const { response, fail } = await call(ctx, 'Creating the group', 'POST', '/groups', { name, description: spec.description });
        if (!response.ok) throw fail();
        return { group: await read(response, groupSchema, 'Creating the group'), outcome: 'created' };
      },

      async add(ctx, group, identity) {
        // Acme answers 204 whether or not the user was a member, so look first.
        if ((await check(ctx, group, identity)).outcome === 'member') return { outcome: 'already_satisfied' };
        const action = 'Adding the user';
        const { response, fail } = await call(ctx, action, 'PUT', `/groups/${group.id}/members/${identity.id}`);
        if (response.status === 204) return { outcome: 'applied' };
        throw response.ok ? unexpected(action, response.status) : fail();
      },

      async remove(ctx, group, identity) {
        const action = 'Removing the user';
        const { response, fail } = await call(ctx, action, 'DELETE', `/groups/${group.id}/members/${identity.id}`);
        if (response.status === 204) return { outcome: 'applied' };
        // Only "not a member" is already so: a deleted group or user is an error the admin must see.
        if (response.status === 404 && (await errorCode(response)) === 'not_member') return { outcome: 'already_satisfied' };
        throw response.ok ? unexpected(action, response.status) : fail();
      },

      async listMembers(ctx, group, cursor) {
        const action = 'Listing the group members';
        const after = cursor === undefined ? '' : `?after=${encodeURIComponent(cursor)}`;
        const { response, fail } = await call(ctx, action, 'GET', `/groups/${group.id}/members${after}`);
        // A deleted group must be an error: an empty list would make it look clean to drift.
        if (response.status === 404 && (await errorCode(response)) === 'group_not_found') {
          throw classifyHttpError({ status: 404, action, code: 'group_not_found', summary: 'No Acme group has this id; rebind the tool.' });
        }
        if (!response.ok) throw fail();
        // The ids (and login and email) are the ones resolveIdentity gives, so drift can match them.
        const { members, next } = await read(response, memberPageSchema, action);
        return { members, ...(next !== undefined && { nextCursor: next }) };
      },
    };
  },
};

export const acmeProvider = defineProvider(acmeSpec);
