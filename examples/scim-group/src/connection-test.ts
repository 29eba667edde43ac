/**
 * "Test connection": named checks an admin can act on. SCIM has no way to ask what a token may
 * do, so write permission is proven by the first grant; everything that can be read is checked.
 * Refused credentials, a wrong base URL or an unreachable service are failed checks, not throws.
 */
import { isConnectorError, type ConnectionCheck, type ConnectionTestResult, type ConnectorError, type GroupRef, type OperationContext } from '@clearway/connector-sdk';
import { CODE } from './errors.js';
import { filters } from './filter.js';
import { listResponseOf, scimGroupSchema, scimUserSchema, serviceProviderConfigSchema } from './resources.js';
import { pathSegment, type ScimClient } from './scim-client.js';
import type { ScimSettings } from './settings.js';

/** A userName no real user has: the search proves credentials and filtering without reading anyone. */
export const PROBE_USER_NAME = 'clearway-connection-test';

type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ConnectorError };

async function attempt<T>(run: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (isConnectorError(error)) return { ok: false, error };
    throw error;
  }
}

const pass = (name: string, message: string): ConnectionCheck => ({ name, passed: true, message });
const fail = (name: string, message: string): ConnectionCheck => ({ name, passed: false, message });

const REACHABLE = 'SCIM service reachable';
const CREDENTIALS = 'Credentials accepted';
const USERS = 'Can search users';
const FEATURES = 'Service supports PATCH and filters';
const GROUP = 'Can read the bound group';
const MEMBER_FILTER = 'Member lookup by filter works';

export function createConnectionTest(client: ScimClient, settings: Pick<ScimSettings, 'baseUrl' | 'memberLookup'>) {
  const users = async (ctx: OperationContext): Promise<ConnectionCheck[]> => {
    const probe = await attempt(() =>
      client.read(
        ctx,
        { method: 'GET', path: '/Users', query: { filter: filters.userNameEq(PROBE_USER_NAME), count: '1' }, action: 'Searching users' },
        listResponseOf(scimUserSchema),
      ),
    );
    const reachable = pass(REACHABLE, `A SCIM service answered at ${settings.baseUrl}.`);
    const accepted = pass(CREDENTIALS, 'The service accepted the credentials.');
    if (probe.ok) return [reachable, accepted, pass(USERS, 'The credentials may search users by userName.')];
    const { error } = probe;
    if (error.kind === 'auth') return [reachable, fail(CREDENTIALS, error.message)];
    if (error.kind === 'permission') return [reachable, accepted, fail(USERS, error.message)];
    if (error.code === CODE.invalidFilter) {
      return [reachable, accepted, fail(USERS, 'The service refused a userName filter, so users cannot be found by email: map every user explicitly (SCIM id).')];
    }
    if (error.kind === 'not_found') {
      return [fail(REACHABLE, `Nothing answered at ${settings.baseUrl}/Users (HTTP 404). Check the base URL: it is the SCIM root the service documents, usually ending in /scim/v2.`)];
    }
    return [fail(REACHABLE, error.message)];
  };

  const features = async (ctx: OperationContext): Promise<ConnectionCheck> => {
    const config = await attempt(() => client.read(ctx, { method: 'GET', path: '/ServiceProviderConfig', action: 'Reading the service configuration' }, serviceProviderConfigSchema));
    // Many services do not publish it (or only to other clients); the first grant proves the rest.
    if (!config.ok) return pass(FEATURES, 'The service does not publish /ServiceProviderConfig; PATCH and filtering are assumed.');
    const { patch, filter, etag } = config.value.value;
    const missing = [patch?.supported === false && 'PATCH (needed to change members)', filter?.supported === false && 'filtering (needed to find users by email and groups by name)'].filter(
      (item): item is string => typeof item === 'string',
    );
    if (missing.length > 0) return fail(FEATURES, `The service says it does not support ${missing.join(' or ')}.`);
    return pass(FEATURES, etag?.supported ? 'PATCH and filtering are supported; changes are made conditional on the group\'s ETag.' : 'PATCH and filtering are supported.');
  };

  const group = async (ctx: OperationContext, bound: GroupRef): Promise<ConnectionCheck[]> => {
    const read = await attempt(() =>
      client.read(
        ctx,
        { method: 'GET', path: `/Groups/${pathSegment(bound.id)}`, query: { excludedAttributes: 'members' }, action: 'Reading the bound group' },
        scimGroupSchema,
      ),
    );
    if (!read.ok) {
      return [fail(GROUP, read.error.kind === 'not_found' ? `The service has no group with id ${bound.id}: rebind the tool.` : read.error.message)];
    }
    const name = read.value.value.displayName ?? bound.id;
    const checks = [pass(GROUP, `Found "${name}". Changing its members is proven by the first grant: SCIM cannot tell what a token may change.`)];
    if (settings.memberLookup === 'filter') checks.push(await memberFilter(ctx, bound));
    return checks;
  };

  /** A member filter for a user nobody is must match nothing; a service that ignores it would say "member" for everyone. */
  const memberFilter = async (ctx: OperationContext, bound: GroupRef): Promise<ConnectionCheck> => {
    const probe = await attempt(() =>
      client.read(
        ctx,
        { method: 'GET', path: '/Groups', query: { filter: filters.groupHasMember(bound.id, PROBE_USER_NAME), excludedAttributes: 'members' }, action: 'Asking about a membership' },
        listResponseOf(scimGroupSchema),
      ),
    );
    if (!probe.ok) return fail(MEMBER_FILTER, probe.error.code === CODE.invalidFilter ? 'The service cannot filter groups by member: set Member lookup to "group".' : probe.error.message);
    if ((probe.value.value.Resources ?? []).length > 0) return fail(MEMBER_FILTER, 'The service ignores member filters (it matched a user who does not exist): set Member lookup to "group".');
    return pass(MEMBER_FILTER, 'The service answers member filters correctly.');
  };

  return async (ctx: OperationContext, options: { readonly group?: GroupRef }): Promise<ConnectionTestResult> => {
    const checks = await users(ctx);
    if (checks.every((check) => check.passed)) {
      checks.push(await features(ctx));
      if (options.group) checks.push(...(await group(ctx, options.group)));
    }
    return { ok: checks.every((check) => check.passed), checks };
  };
}
