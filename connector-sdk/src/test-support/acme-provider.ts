/**
 * The example provider of the SDK README, for the Acme Directory API: what a complete provider
 * looks like when written only against the SDK's public API. The SDK's own tests prove the
 * conformance kit passes it, and fail deliberately broken variants of it.
 */
import { z } from 'zod';
import {
  classifyHttpError,
  classifyNetworkError,
  defineProvider,
  type ExternalIdentity,
  type GroupRef,
  type MembershipCheck,
  type OperationContext,
  type ProviderSpec,
} from '../index.js';

const config = z.object({
  baseUrl: z.url({ protocol: /^https$/ }).meta({ title: 'API base URL', description: 'For example https://acme.example/api' }),
});

export const acmeSpec: ProviderSpec<typeof config, 'apiToken'> = {
  type: 'acme-group',
  displayName: 'Acme Directory group',
  description: 'Adds and removes users in an Acme Directory group.',
  configSchema: config,
  secrets: { apiToken: { label: 'API token', description: 'A token with users:read and groups:write.' } },
  capabilities: { createGroups: true, maxBatchSize: 1, membershipCheck: 'direct', manual: false },
  setup: { steps: 'Create an API token under **Settings → Tokens**.', permissions: ['users:read', 'groups:write'] },

  create({ config: { baseUrl }, secrets }) {
    /** One HTTP call: network failures and error statuses become classified errors. */
    const call = async (ctx: OperationContext, action: string, method: string, path: string, body?: unknown) => {
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
    const getJson = async <T>(ctx: OperationContext, action: string, path: string): Promise<T | undefined> => {
      const { response, fail } = await call(ctx, action, 'GET', path);
      if (response.status === 404) return undefined;
      if (!response.ok) throw fail();
      return (await response.json()) as T;
    };

    const check = async (ctx: OperationContext, group: GroupRef, identity: ExternalIdentity): Promise<MembershipCheck> => {
      const { response, fail } = await call(ctx, 'Checking membership', 'GET', `/groups/${group.id}/members/${identity.id}`);
      if (response.status === 404) return { outcome: 'not_member', via: 'direct' };
      if (!response.ok) throw fail();
      return { outcome: 'member', via: 'direct' };
    };

    return {
      check,

      async test(ctx) {
        const { response } = await call(ctx, 'Reading permissions', 'GET', '/me');
        if (!response.ok) {
          return { ok: false, checks: [{ name: 'Credentials accepted', passed: false, message: `Acme answered HTTP ${response.status}: check the API token.` }] };
        }
        const { permissions } = (await response.json()) as { permissions: string[] };
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
        type User = { id: string; login: string; email: string; status: string };
        if (subject.mappedExternalId) {
          const user = await getJson<User>(ctx, 'Looking up the mapped user', `/users/${encodeURIComponent(subject.mappedExternalId)}`);
          if (user) return { outcome: 'resolved', identity: { id: user.id, login: user.login }, matchedBy: 'mapping' };
          return { outcome: 'unresolved', reason: 'not_found', message: 'The mapped Acme user does not exist.' };
        }
        const matches = subject.email ? ((await getJson<User[]>(ctx, 'Searching users by email', `/users?email=${encodeURIComponent(subject.email)}`)) ?? []) : [];
        if (matches.length > 1) return { outcome: 'unresolved', reason: 'ambiguous', message: 'More than one Acme user has this email.' };
        const [user] = matches;
        if (!user) return { outcome: 'unresolved', reason: 'not_found', message: 'No Acme user has this email.' };
        if (user.status !== 'active') return { outcome: 'unresolved', reason: 'inactive', message: 'The Acme user is suspended.' };
        return { outcome: 'resolved', identity: { id: user.id, login: user.login, email: user.email }, matchedBy: 'email' };
      },

      async bindGroup(ctx, spec) {
        type Group = { id: string; name: string };
        if (spec.groupId) {
          const group = await getJson<Group>(ctx, 'Reading the group', `/groups/${encodeURIComponent(spec.groupId)}`);
          if (!group) throw classifyHttpError({ status: 404, action: 'Reading the group', summary: 'No Acme group has this id.' });
          return { group, outcome: 'bound' };
        }
        const name = spec.name ?? '';
        const found = (await getJson<Group[]>(ctx, 'Searching groups', `/groups?name=${encodeURIComponent(name)}`)) ?? [];
        const exact = found.find((group) => group.name === name);
        if (exact) return { group: exact, outcome: 'bound' };
        if (!spec.createIfMissing) throw classifyHttpError({ status: 404, action: 'Finding the group', summary: 'No Acme group has this name.' });
        const { response, fail } = await call(ctx, 'Creating the group', 'POST', '/groups', { name, description: spec.description });
        if (!response.ok) throw fail();
        return { group: (await response.json()) as Group, outcome: 'created' };
      },

      async add(ctx, group, identity) {
        // Acme answers 204 whether or not the user was a member, so look first.
        if ((await check(ctx, group, identity)).outcome === 'member') return { outcome: 'already_satisfied' };
        const { response, fail } = await call(ctx, 'Adding the user', 'PUT', `/groups/${group.id}/members/${identity.id}`);
        if (!response.ok) throw fail();
        return { outcome: 'applied' };
      },

      async remove(ctx, group, identity) {
        const { response, fail } = await call(ctx, 'Removing the user', 'DELETE', `/groups/${group.id}/members/${identity.id}`);
        if (response.status === 404) return { outcome: 'already_satisfied' };
        if (!response.ok) throw fail();
        return { outcome: 'applied' };
      },
    };
  },
};

export const acmeProvider = defineProvider(acmeSpec);
