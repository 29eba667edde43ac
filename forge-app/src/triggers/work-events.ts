import { ClearwayError, handleWorkEvent, issueKeySchema, workLinkedProjects, type WorkEvent, type WorkOutcome } from '@clearway/core';
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { ForgeKvsAPIError } from '@forge/kvs';
import { z } from 'zod';
import { JiraError } from '../adapters/jira/jira-request';
import type { ClearwayApp } from '../composition/app';
import { requestFulfillment } from '../queue/fulfillment-dispatch';

/** The product events this trigger takes (manifest.yml, `clearway-work-events`), and what core calls each. */
export const WORK_EVENT_KINDS = {
  'avi:jira:created:issue': 'created',
  'avi:jira:updated:issue': 'updated',
  'avi:jira:assigned:issue': 'assigned',
  'avi:jira:deleted:issue': 'deleted',
} as const satisfies Record<string, WorkEvent['kind']>;

type WorkEventType = keyof typeof WORK_EVENT_KINDS;

/** The platform retries a product event at most four times (Atlassian app events, "Retry product events"). */
export const MAX_PLATFORM_RETRIES = 4;

/** Waits between deliveries: a minute, then doubling, well inside the platform's 900 s cap. */
export function retryAfterSeconds(retryCount: number): number {
  return Math.min(900, 60 * 2 ** Math.max(0, retryCount));
}

const jiraIdSchema = z.union([z.string().regex(/^\d{1,18}$/), z.number().int().nonnegative()]).transform(String);

/**
 * One changelog entry: `{ field, fieldtype, fieldId, from, fromString, to, toString }`, where a
 * status change carries the status ids in `from` / `to`. Anything else in an entry is ignored.
 */
const changelogItemSchema = z
  .object({
    field: z.string().optional(),
    fieldId: z.string().optional(),
    to: z.union([z.string(), z.number()]).nullish(),
  })
  .loose();

/**
 * What the handler needs of an issue event (Forge "Jira events" reference): which issue, which
 * kind, when (`timestamp`, epoch ms as a string) and, for an update, the status it entered.
 * The issue's copy of its fields is not trusted beyond its project key: core reads the issue as
 * it is now. Parts only used as hints (project, changelog, timestamp) fall back to nothing when
 * odd, so an odd hint costs a Jira read, never the event. `associatedUsers` (seen as a list, as
 * `{ users }` and as `{ associatedUsers }`) and `selfGenerated` are not read at all: the app's own
 * transitions matter like anyone's, and who the users are comes from the issue itself.
 */
const workEventSchema = z
  .object({
    eventType: z.enum(Object.keys(WORK_EVENT_KINDS) as [WorkEventType, ...WorkEventType[]]),
    issue: z
      .object({
        id: jiraIdSchema,
        key: issueKeySchema,
        fields: z
          .object({ project: z.object({ key: z.string().min(1) }).loose().nullish() })
          .loose()
          .nullish()
          .catch(undefined),
      })
      .loose(),
    timestamp: z
      .union([z.string().regex(/^\d{1,16}$/).transform(Number), z.number().int().nonnegative()])
      .optional()
      .catch(undefined),
    changelog: z
      .object({ items: z.array(changelogItemSchema) })
      .loose()
      .nullish()
      .catch(undefined),
    retryContext: z.object({ retryCount: z.number().int().nonnegative() }).loose().optional().catch(undefined),
  })
  .loose();

type ParsedWorkEvent = z.infer<typeof workEventSchema>;

/** The status an update moved the issue into, by id, from its changelog. */
function enteredStatusOf(parsed: ParsedWorkEvent): string | undefined {
  const item = parsed.changelog?.items.find((candidate) => (candidate.fieldId ?? candidate.field) === 'status');
  const to = item?.to;
  if (to === undefined || to === null) return undefined;
  const id = String(to);
  return /^\d{1,18}$/.test(id) ? id : undefined;
}

/**
 * A product event as core's `WorkEvent`, or undefined when it is not an issue event this trigger
 * can act on. `now` stands in for an event without a usable timestamp.
 */
export function toWorkEvent(payload: unknown, now: number): { readonly event: WorkEvent; readonly retryCount: number } | undefined {
  const parsed = workEventSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const kind = WORK_EVENT_KINDS[parsed.data.eventType];
  const projectKey = parsed.data.issue.fields?.project?.key;
  const enteredStatusId = kind === 'updated' ? enteredStatusOf(parsed.data) : undefined;
  const event: WorkEvent = {
    kind,
    issueId: parsed.data.issue.id,
    issueKey: parsed.data.issue.key,
    at: parsed.data.timestamp ?? now,
    ...(projectKey !== undefined && { projectKey }),
    ...(enteredStatusId !== undefined && { enteredStatusId }),
  };
  return { event, retryCount: parsed.data.retryContext?.retryCount ?? 0 };
}

export type FailureKind = 'transient' | 'rate_limited' | 'permanent';

/**
 * Whether delivering the event again can help. Jira or storage unreachable, busy or answering
 * what it should not, and a write that lost a race, are transient: the next delivery reads the
 * issue again. A refusal that will not change (a permission, a query Jira rejects, a record
 * core refuses) is permanent. An error of no known kind is retried: the budget is four
 * deliveries, and the hourly sweep reconciles the issue whatever happens here.
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof JiraError) {
    if (error.status === 429) return 'rate_limited';
    if (error.status === undefined || error.status < 400 || error.status === 408 || error.status >= 500) return 'transient';
    return 'permanent';
  }
  if (error instanceof ClearwayError) {
    if (error.code === 'rate_limited') return 'rate_limited';
    return error.code === 'version_conflict' ? 'transient' : 'permanent';
  }
  if (error instanceof ForgeKvsAPIError) {
    const status = error.responseDetails.status;
    if (status === 429) return 'rate_limited';
    return status >= 500 || status === 408 ? 'transient' : 'permanent';
  }
  // Storage unreachable (a ForgeKvsError without an answer), the network, anything else.
  return 'transient';
}

export type WorkEventOutcome =
  | { readonly ignored: string }
  | (WorkOutcome & { readonly ignored?: string; readonly fulfillmentRequested: boolean })
  | { readonly dropped: string }
  | InvocationError;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown';
}

/**
 * `avi:jira:updated|assigned|deleted:issue` (and `created`): work-linked access follows the
 * issue. Events from projects no enabled policy names are dropped before any Jira call; the rest
 * go to core, which reads the issue as it is now and acts idempotently, so duplicated, late and
 * reordered events change nothing once applied. Grants started or ended ask for a fulfillment run
 * at once. A transient failure asks the platform to deliver the event again (at most four times);
 * a permanent one is logged and dropped — in both cases the hourly sweep compares the issue again.
 */
export function makeWorkEventsTrigger(getApp: () => ClearwayApp): (payload: unknown) => Promise<WorkEventOutcome> {
  return async (payload) => {
    const app = getApp();
    const { logger, clock } = app.deps;
    const received = toWorkEvent(payload, clock.now());
    if (!received) {
      const eventType = typeof payload === 'object' && payload !== null ? (payload as { eventType?: unknown }).eventType : undefined;
      logger.warn('Dropped a Jira issue event that is not one work-linked access can read', { eventType: typeof eventType === 'string' ? eventType.slice(0, 60) : 'none' });
      return { ignored: 'unreadable event' };
    }
    const { event, retryCount } = received;
    try {
      const projects = await workLinkedProjects(app.deps.store);
      if (projects.length === 0) return { ignored: 'no enabled work-linked access policy' };
      if (event.projectKey !== undefined && !projects.includes(event.projectKey)) return { ignored: `no enabled work-linked access policy watches project ${event.projectKey}` };
      await app.ready();
      const outcome = await handleWorkEvent(app.workDeps, event);
      const fulfillmentRequested = outcome.started + outcome.ended > 0 ? await requestFulfillment(app, `work-linked access changed on ${event.issueKey}`) : false;
      if (outcome.ignored === undefined) logger.info('Work-linked access followed an issue event', { issueKey: event.issueKey, kind: event.kind, started: outcome.started, ended: outcome.ended, awaiting: outcome.awaiting, covered: outcome.covered });
      return { ...outcome, fulfillmentRequested };
    } catch (error) {
      const kind = classifyFailure(error);
      const context = { issueKey: event.issueKey, kind: event.kind, retryCount, error: messageOf(error) };
      if (kind === 'permanent') {
        logger.error('A Jira issue event could not be applied and is not retried; the hourly sweep compares the issue again', context);
        return { dropped: messageOf(error) };
      }
      if (retryCount >= MAX_PLATFORM_RETRIES) {
        logger.error('A Jira issue event still failed on its last delivery; the hourly sweep compares the issue again', context);
        return { dropped: messageOf(error) };
      }
      logger.warn('A Jira issue event failed for now; asking the platform to deliver it again', context);
      return new InvocationError({
        retryAfter: retryAfterSeconds(retryCount),
        retryReason: kind === 'rate_limited' ? InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED : InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      });
    }
  };
}
