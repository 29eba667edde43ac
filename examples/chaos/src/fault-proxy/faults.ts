import type { Random } from '@clearway/sandbox';
import { ENDPOINTS, type Endpoint, type RequestTarget } from './endpoints.js';

/**
 * Every way the proxy lies about or loses an answer. Each is transient: a client that retries
 * within its budget gets the truth, so none of them may end a grant for good.
 */
export const FAULT_KINDS = [
  /** 5xx with the vendor's own JSON error body; nothing forwarded. */
  'server_error_json',
  /** 5xx with an HTML page (a load balancer's); nothing forwarded. */
  'server_error_html',
  /** 429 with one of the Retry-After forms; nothing forwarded. */
  'rate_limited',
  /** The connection is reset before anything is forwarded: nothing applied. */
  'reset_before',
  /** Forwarded and applied upstream, then the connection is reset: the answer is lost. */
  'reset_after',
  /** Forwarded at once, the answer held longer than the call timeout. */
  'slow_answer',
  /** Forwarded; the answer's JSON cut short (a complete HTTP response that does not parse). */
  'truncated_json',
  /** Forwarded and applied; the answer replaced by a 200 with a body that is not the vendor's. */
  'unexpected_body_replaced',
  /** Not forwarded; a 200 with a body that is not the vendor's. */
  'unexpected_body_unforwarded',
  /** Graph only, on a membership add right after the group was created: the documented replication-delay 400. */
  'replication_delay',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How a 429 says how long to wait (RFC 9110 §10.2.3, and Okta's X-Rate-Limit-Reset). */
export const RETRY_AFTER_FORMS = ['seconds', 'http_date', 'past_date', 'zero', 'missing', 'garbage', 'huge', 'okta_reset', 'okta_reset_huge'] as const;
export type RetryAfterForm = (typeof RETRY_AFTER_FORMS)[number];

/** Bodies a proxy or a broken upstream answers with 200 that no vendor documents for these calls. */
export const UNEXPECTED_BODIES = ['empty_object', 'empty_array', 'value_of_empty', 'html'] as const;
export type UnexpectedBody = (typeof UNEXPECTED_BODIES)[number];

export interface EndpointPlan {
  /** Share of this endpoint's requests that get a fault. */
  readonly rate: number;
  /** Relative weights of the kinds; a kind left out is never injected here. */
  readonly kinds: Partial<Record<FaultKind, number>>;
}

export type FaultPlan = Readonly<Record<Endpoint, EndpointPlan>>;

export type FaultChoice =
  | { readonly kind: 'rate_limited'; readonly retryAfter: RetryAfterForm }
  | { readonly kind: 'unexpected_body_replaced' | 'unexpected_body_unforwarded'; readonly body: UnexpectedBody }
  | { readonly kind: Exclude<FaultKind, 'rate_limited' | 'unexpected_body_replaced' | 'unexpected_body_unforwarded'> };

const EVERY_KIND_EVENLY: Partial<Record<FaultKind, number>> = {
  server_error_json: 2,
  server_error_html: 1,
  rate_limited: 3,
  reset_before: 1,
  reset_after: 1,
  slow_answer: 1,
  truncated_json: 1,
  unexpected_body_replaced: 1,
  unexpected_body_unforwarded: 1,
};

/**
 * The default plan: every endpoint gets every kind at `rate`, membership adds get more lost
 * answers (the race with revoke and expiry lives there) and Graph's replication delay.
 */
export function defaultFaultPlan(rate: number): FaultPlan {
  const plan = Object.fromEntries(ENDPOINTS.map((endpoint) => [endpoint, { rate, kinds: { ...EVERY_KIND_EVENLY } }])) as Record<Endpoint, EndpointPlan>;
  plan.membership_add = { rate, kinds: { ...EVERY_KIND_EVENLY, reset_after: 2, slow_answer: 3, replication_delay: 2 } };
  return plan;
}

export interface PlanFilter {
  /** Kinds never injected (e.g. to look at one defect at a time). */
  readonly withoutKinds?: readonly FaultKind[];
  /** Retry-After forms never used. */
  readonly withoutRetryAfter?: readonly RetryAfterForm[];
}

export interface ChoiceContext {
  /** Whether the group was created in the last moments (Graph's replication window). */
  readonly recentlyCreated: (groupId: string) => boolean;
}

/** Whether a fault kind can happen to this request at all. */
function applies(kind: FaultKind, target: RequestTarget, context: ChoiceContext): boolean {
  if (kind === 'replication_delay') return target.vendor === 'graph' && target.endpoint === 'membership_add' && target.groupId !== undefined && context.recentlyCreated(target.groupId);
  return true;
}

/** Picks this request's fault from the plan, or none. */
export function chooseFault(plan: FaultPlan, target: RequestTarget, random: Random, context: ChoiceContext, filter: PlanFilter = {}): FaultChoice | undefined {
  if (target.endpoint === 'other') return undefined;
  const endpointPlan = plan[target.endpoint];
  if (!random.chance(endpointPlan.rate)) return undefined;
  const weights = Object.fromEntries(
    Object.entries(endpointPlan.kinds).filter(([kind]) => !filter.withoutKinds?.includes(kind as FaultKind) && applies(kind as FaultKind, target, context)),
  ) as Partial<Record<FaultKind, number>>;
  const kind = random.weighted(weights);
  if (kind === undefined) return undefined;
  if (kind === 'rate_limited') {
    const forms = RETRY_AFTER_FORMS.filter((form) => !filter.withoutRetryAfter?.includes(form) && (target.vendor === 'okta' || !form.startsWith('okta_')));
    return forms.length === 0 ? undefined : { kind, retryAfter: random.pick(forms) };
  }
  if (kind === 'unexpected_body_replaced' || kind === 'unexpected_body_unforwarded') return { kind, body: random.pick(UNEXPECTED_BODIES) };
  return { kind };
}

/** The label a fault is counted under: its kind, with the Retry-After form or the body it used. */
export function faultLabel(choice: FaultChoice): string {
  if (choice.kind === 'rate_limited') return `rate_limited:${choice.retryAfter}`;
  if (choice.kind === 'unexpected_body_replaced' || choice.kind === 'unexpected_body_unforwarded') return `${choice.kind}:${choice.body}`;
  return choice.kind;
}
