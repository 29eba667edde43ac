import { put, SYSTEM_ACTOR, transact, type MetaRecord } from '@clearway/core';
import { z } from 'zod';
import type { ClearwayApp } from '../composition/app';

/**
 * Why a customer's request never got in, as the admin page lists it:
 * - `invalid_request`: core refused what the request says (`validation_failed`), e.g. text that is
 *   not valid Unicode; trying again cannot change it;
 * - `refused`: core refused it for another reason no retry can change (it names another
 *   requester's issue, it breaks a storage limit);
 * - `retries_exhausted`: Jira or storage kept failing through every attempt.
 */
export type IntakeProblemKind = 'invalid_request' | 'refused' | 'retries_exhausted';

export interface IntakeProblem {
  readonly issueKey: string;
  readonly at: number;
  readonly kind: IntakeProblemKind;
  /** Core's refusal code, or for `retries_exhausted` what kept failing (`jira_unavailable`, `unexpected`, or core's code). */
  readonly code: string;
  /** What went wrong in Clearway's own words: never the request's text, a secret or an upstream body. */
  readonly detail: string;
  /** How many times intake tried (1 when the first attempt was refused). */
  readonly attempts: number;
  /** Whether the customer was told on the issue; when not (Jira down too), someone must tell them. */
  readonly customerTold: boolean;
}

/** The problems the admin page lists, newest first; older ones stay in the governance log. */
export const MAX_LISTED_PROBLEMS = 50;

/** One record holds the list (an index of its own would cost a manifest entity for a short list). */
export const INTAKE_PROBLEMS_ID = 'intake:problems';

/** Created once per issue by whichever delivery tells the requester first: later deliveries stay silent. */
export function refusalMarkerId(issueKey: string): string {
  return `intake:refused:${issueKey}`;
}

const problemSchema = z.object({
  issueKey: z.string(),
  at: z.number(),
  kind: z.enum(['invalid_request', 'refused', 'retries_exhausted']),
  code: z.string(),
  detail: z.string(),
  attempts: z.number(),
  customerTold: z.boolean(),
});
const listSchema = z.object({ items: z.array(problemSchema) });

function itemsOf(record: MetaRecord | undefined): IntakeProblem[] {
  const parsed = listSchema.safeParse(record?.value);
  return parsed.success ? parsed.data.items : [];
}

/** The intake problems, newest first. */
export async function listIntakeProblems(app: ClearwayApp): Promise<readonly IntakeProblem[]> {
  return itemsOf(await app.deps.store.get('meta', INTAKE_PROBLEMS_ID));
}

/**
 * Tells the requester on their issue, once per issue however often the event is delivered: the
 * marker is created (create-only, so one delivery wins) before the comment is tried. With a
 * `problem`, the same commit lists it for admins and records `request.intake_failed` in the audit
 * chain, and the listing then says whether the comment reached the customer.
 */
export async function tellRequesterOnce(
  app: ClearwayApp,
  issueKey: string,
  text: string,
  problem?: Omit<IntakeProblem, 'issueKey' | 'at' | 'customerTold'>,
): Promise<{ readonly first: boolean; readonly commented: boolean }> {
  const { store, clock, logger } = app.deps;
  const at = clock.now();
  const first = await transact(app.deps, async () => {
    if (await store.get('meta', refusalMarkerId(issueKey))) return { writes: [], audit: [], result: false };
    const marker = put('meta', { id: refusalMarkerId(issueKey), version: 0, value: { at, reason: (problem?.detail ?? text).slice(0, 500) } });
    if (!problem) return { writes: [marker], audit: [], result: true };
    const list = await store.get('meta', INTAKE_PROBLEMS_ID);
    const items = [{ issueKey, at, ...problem, customerTold: false }, ...itemsOf(list)].slice(0, MAX_LISTED_PROBLEMS);
    return {
      writes: [marker, put('meta', { id: INTAKE_PROBLEMS_ID, version: list?.version ?? 0, value: { items } })],
      audit: [{ actor: SYSTEM_ACTOR.accountId, type: 'request.intake_failed', refs: { issueKey }, data: { kind: problem.kind, code: problem.code, attempts: problem.attempts } }],
      result: true,
    };
  });
  if (!first) return { first, commented: false };
  try {
    await app.deps.jira.comment(issueKey, text, { audience: 'customer' });
  } catch (error) {
    logger.warn('Could not tell the requester why their request was not taken in', { issueKey, error: error instanceof Error ? error.message : 'unknown' });
    return { first, commented: false };
  }
  if (problem) await markCustomerTold(app, issueKey, at);
  return { first, commented: true };
}

/** Best effort: the problem stays listed as "not told" if this fails, which errs on the side of telling twice. */
async function markCustomerTold(app: ClearwayApp, issueKey: string, at: number): Promise<void> {
  const { store, logger } = app.deps;
  try {
    await transact(app.deps, async () => {
      const list = await store.get('meta', INTAKE_PROBLEMS_ID);
      const items = itemsOf(list);
      if (!list || !items.some((item) => item.issueKey === issueKey && item.at === at)) return { writes: [], audit: [], result: undefined };
      const told = items.map((item) => (item.issueKey === issueKey && item.at === at ? { ...item, customerTold: true } : item));
      return { writes: [put('meta', { id: INTAKE_PROBLEMS_ID, version: list.version, value: { items: told } })], audit: [], result: undefined };
    });
  } catch (error) {
    logger.warn('Could not note that the requester was told', { issueKey, error: error instanceof Error ? error.message : 'unknown' });
  }
}

/** The customer's words when their request could not be taken in: what happened and what to do. */
export const CUSTOMER_TEXT = {
  /** `reason` is core's validation message, which names fields and rules, never their content. */
  invalidRequest: (reason: string) =>
    `Clearway could not take in this request: ${reason}\n\nIt has not reached the approvers. Please create a new request with this corrected; if it happens again, contact your Jira administrator.`,
  notTakenIn:
    'Clearway could not take in this request, so it has not reached the approvers.\n\nPlease create it again later. If it happens again, contact your Jira administrator: Clearway lists this request for them under Intake problems.',
} as const;
