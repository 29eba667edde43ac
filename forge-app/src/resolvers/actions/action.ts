import type { ClearwayApp } from '../../composition/app';
import type { Caller } from '../caller';
import type { ParsedPayload, ResolverKey, ResolverResults } from '../contract';
import type { RateLimit } from '../rate-limit';

/** Where the platform says a call comes from (the module and, on the portal, its request). */
export interface ExtensionContext {
  readonly type?: string;
  readonly portalId?: string;
  readonly requestTypeId?: string;
  readonly issueKey?: string;
}

export interface ActionContext {
  readonly app: ClearwayApp;
  readonly caller: Caller;
  readonly extension: ExtensionContext;
}

/**
 * Who may call an action at all, checked before it runs. Actions then apply their own finer rules
 * (core's approver routing per request, ownership of a request or grant).
 * - `signedIn`: any signed-in person; the action shows them only their own records.
 * - `approver`: may approve somewhere (approver, security reviewer, delegate, or admin with fallback).
 * - `admin`: a Jira admin.
 * - `securityReviewer`: a security reviewer or their active delegate (exception reviews).
 * - `adminOrSecurityReviewer`: either of the two (the exceptions list and report).
 */
export type Policy = 'signedIn' | 'approver' | 'admin' | 'securityReviewer' | 'adminOrSecurityReviewer';

export interface Action<K extends ResolverKey> {
  readonly policy: Policy;
  /** The per-person budgets a call draws on, reserved after authorization and before `handle` runs. */
  readonly rateLimit?: RateLimit<ParsedPayload<K>, ResolverResults[K]>;
  handle(context: ActionContext, payload: ParsedPayload<K>): Promise<ResolverResults[K]>;
}

export type ActionTable = { readonly [K in ResolverKey]: Action<K> };
