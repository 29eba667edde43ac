/**
 * "Test connection": named checks an admin can act on, in the order they would fix things —
 * sign-in, consented permissions, reading users, and whether the bound group is one Clearway can
 * manage. A failed sign-in stops there: every later check would fail for the same reason.
 */
import type { ConnectionCheck, ConnectionTestResult, GroupRef, OperationContext } from '@clearway/connector-sdk';
import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { grantedRoles } from './credential.js';
import { classifyGraphError } from './errors.js';
import type { GraphGateway } from './graph-client.js';
import { readGroup, whyUnmanageable } from './groups.js';
import { GRAPH_APPLICATION_PERMISSIONS } from './setup.js';

export interface ConnectionTestDeps {
  readonly graph: GraphGateway;
  readonly credential: TokenCredential;
  readonly scope: string;
  /** False for a plain-http loopback simulator: the Graph client sends it no token, so none is fetched. */
  readonly sendsTokens: boolean;
}

const CREDENTIALS = 'Credentials accepted';

export async function testConnection(deps: ConnectionTestDeps, ctx: OperationContext, options: { readonly group?: GroupRef }): Promise<ConnectionTestResult> {
  const checks: ConnectionCheck[] = [];
  if (deps.sendsTokens) {
    let token: string;
    try {
      const accessToken = await deps.credential.getToken(deps.scope, { abortSignal: ctx.signal });
      if (!accessToken) throw new Error('no token');
      token = accessToken.token;
    } catch (error) {
      return { ok: false, checks: [{ name: CREDENTIALS, passed: false, message: classifyGraphError(error, 'Signing in to Microsoft Entra').message }] };
    }
    checks.push({ name: CREDENTIALS, passed: true, message: 'Microsoft Entra issued the app registration an access token for Microsoft Graph.' });
    const roles = grantedRoles(token);
    if (roles) checks.push(permissionsCheck(roles));
  } else {
    checks.push({ name: CREDENTIALS, passed: true, message: 'Not checked: the Graph endpoint is a plain-http loopback simulator, which is sent no token.' });
  }

  checks.push(await readUsersCheck(deps.graph, ctx));
  if (options.group) checks.push(await groupCheck(deps.graph, ctx, options.group));
  return { ok: checks.every((check) => check.passed), checks };
}

function permissionsCheck(roles: readonly string[]): ConnectionCheck {
  const granted = new Set(roles);
  const has = (permission: (typeof GRAPH_APPLICATION_PERMISSIONS)[number]) =>
    granted.has(permission.name) || permission.includedIn.some((broader) => granted.has(broader));
  const required = GRAPH_APPLICATION_PERMISSIONS.filter((permission) => permission.requiredFor === 'every connector');
  const missing = required.filter((permission) => !has(permission));
  const canCreate = GRAPH_APPLICATION_PERMISSIONS.filter((permission) => permission.requiredFor === 'creating groups').every(has);
  const creation = canCreate ? 'Clearway can also create groups.' : 'Group.Create is not granted: Clearway can bind existing groups but not create new ones.';
  if (missing.length > 0) {
    return {
      name: 'Application permissions granted',
      passed: false,
      message: `Missing Microsoft Graph application permissions: ${missing.map((permission) => permission.name).join(', ')}. Add them under API permissions and grant admin consent. ${creation}`,
    };
  }
  const names = required.map((permission) => permission.name).join(' and ');
  return { name: 'Application permissions granted', passed: true, message: `${names} (or broader permissions) are granted. ${creation}` };
}

async function readUsersCheck(graph: GraphGateway, ctx: OperationContext): Promise<ConnectionCheck> {
  const name = 'Can read users';
  try {
    await graph.get(ctx, { action: 'Reading users', path: '/users', query: { $select: 'id', $top: 1 } }, z.object({ value: z.array(z.unknown()) }));
    return { name, passed: true, message: 'Microsoft Graph lets the app read users.' };
  } catch (error) {
    return { name, passed: false, message: classifyGraphError(error, 'Reading users').message };
  }
}

async function groupCheck(graph: GraphGateway, ctx: OperationContext, group: GroupRef): Promise<ConnectionCheck> {
  const name = 'Can manage membership of the bound group';
  try {
    const found = await readGroup(graph, ctx, group.id);
    const problem = whyUnmanageable(found);
    if (problem) return { name, passed: false, message: problem.message };
    return { name, passed: true, message: `"${found.displayName ?? found.id}" is an assigned security group whose members Clearway can add and remove.` };
  } catch (error) {
    return { name, passed: false, message: classifyGraphError(error, 'Reading the bound group').message };
  }
}
