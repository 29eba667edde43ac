import { randomUUID } from 'node:crypto';
import { ForbiddenError, ValidationError } from '@clearway/core';
import { makeResolver, type Request } from '@forge/resolver';
import { consoleLogger } from '../adapters/logging/console-logger';
import type { ClearwayApp } from '../composition/app';
import { ACTIONS, type ActionContext, type ExtensionContext, type Policy } from './actions/index';
import { Caller } from './caller';
import { PAYLOADS, SURFACE_KEYS, SURFACE_MODULE_TYPES, type ParsedPayload, type ResolverKey, type ResolverResponse, type SurfaceFunction } from './contract';
import { AppError, toErrorBody, type ResolverErrorBody } from './errors';
import { runLimited } from './rate-limit';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Reads the platform's extension context leniently: portal modules name their portal, request type and issue. */
export function readExtension(context: unknown): ExtensionContext {
  const extension = isRecord(context) && isRecord(context.extension) ? context.extension : {};
  const portal = isRecord(extension.portal) ? extension.portal : {};
  const request = isRecord(extension.request) ? extension.request : {};
  const issue = isRecord(extension.issue) ? extension.issue : {};
  const type = text(extension.type);
  const portalId = text(portal.id) ?? text(extension.portalId);
  const requestTypeId = text(request.typeId) ?? text(extension.requestTypeId);
  const issueKey = text(request.key) ?? text(issue.key);
  return { ...(type && { type }), ...(portalId && { portalId }), ...(requestTypeId && { requestTypeId }), ...(issueKey && { issueKey }) };
}

async function authorize(caller: Caller, policy: Policy): Promise<void> {
  if (policy === 'signedIn') return;
  if (policy === 'admin' && !(await caller.isAdmin())) throw new ForbiddenError('forbidden', 'Only Jira admins can do this.');
  if (policy === 'approver' && !(await caller.canApprove())) throw new ForbiddenError('forbidden', 'Only approvers can do this.');
  if (policy === 'securityReviewer' && !(await caller.isSecurityReviewer())) throw new ForbiddenError('forbidden', 'Only security reviewers (or their delegates) can do this.');
  if (policy === 'adminOrSecurityReviewer' && !((await caller.isAdmin()) || (await caller.isSecurityReviewer()))) {
    throw new ForbiddenError('forbidden', 'Only Jira admins and security reviewers can see exceptions.');
  }
}

function parsePayload<K extends ResolverKey>(key: K, payload: unknown): ParsedPayload<K> {
  const parsed = PAYLOADS[key].safeParse(payload);
  if (parsed.success) return parsed.data as ParsedPayload<K>;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(input)', message: issue.message }));
  throw new ValidationError(`The input is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`, issues);
}

/**
 * Runs one resolver call, in this order: who is calling (the platform's account id; none is
 * refused), from where (a call from another surface's module, or naming none, is refused), what they sent (zod),
 * whether they may (the action's policy), the rate limit (reserved atomically; given back when the
 * action then refuses or fails), then the action. Refusals before the action write nothing.
 * Whatever happens, the answer is an envelope, never a thrown error.
 */
export async function runAction<K extends ResolverKey>(getApp: () => ClearwayApp, surface: SurfaceFunction, key: K, request: Request): Promise<ResolverResponse<K>> {
  let app: ClearwayApp | undefined;
  try {
    app = getApp();
    const context: unknown = request.context;
    const accountId = isRecord(context) ? text(context.accountId) : undefined;
    if (accountId === undefined) throw new AppError('unauthenticated', 'Sign in to your Atlassian account to use Clearway.');
    const extension = readExtension(context);
    // A call that names no module could come from anywhere, a portal customer's included: refused like a foreign one.
    if (extension.type === undefined || !SURFACE_MODULE_TYPES[surface].includes(extension.type)) {
      throw new AppError('wrong_surface', 'This action is not available here.');
    }
    const payload = parsePayload(key, request.payload);
    const caller = new Caller(accountId, app);
    const action = ACTIONS[key];
    await authorize(caller, action.policy);
    await app.ready();
    const actionContext: ActionContext = { app, caller, extension };
    const data = await runLimited(app.deps, accountId, action.rateLimit, payload, () => action.handle(actionContext, payload));
    return { ok: true, data };
  } catch (error) {
    return { ok: false, error: toErrorBody(error, app?.deps.logger ?? consoleLogger(), randomUUID()) };
  }
}

const UNKNOWN_RESOLVER: ResolverErrorBody = { code: 'unknown_resolver', message: 'This action does not exist here. Reload the page; if it keeps happening, ask your admin to update Clearway.' };

/** The function key Forge will dispatch on, read leniently: the invocation is the platform's, not ours. */
function functionKeyOf(invocation: unknown): unknown {
  return isRecord(invocation) && isRecord(invocation.call) ? invocation.call.functionKey : undefined;
}

/**
 * The Forge resolver function for one surface: it defines exactly that surface's keys. Any other
 * key is refused here, before `@forge/resolver` looks it up with `in`, which also finds
 * `Object.prototype` members (`constructor` would echo the payload and context back).
 */
export function makeSurfaceResolver(surface: SurfaceFunction, getApp: () => ClearwayApp) {
  const keys: ReadonlySet<unknown> = new Set<unknown>(SURFACE_KEYS[surface]);
  const handlers = Object.fromEntries(SURFACE_KEYS[surface].map((key) => [key, (request: Request) => runAction(getApp, surface, key, request)]));
  const definitions = makeResolver(handlers);
  return async (...[invocation, runtime]: Parameters<typeof definitions>): Promise<unknown> => {
    if (!keys.has(functionKeyOf(invocation))) return { ok: false, error: UNKNOWN_RESOLVER };
    return definitions(invocation, runtime);
  };
}
