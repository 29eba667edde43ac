import { issueKeySchema } from '@clearway/core';
import { z } from 'zod';

/** "Run due jobs", and why (for the logs). What runs is decided by the jobs in the store. */
export const runFulfillmentEventSchema = z
  .object({
    kind: z.literal('run-fulfillment'),
    reason: z.string().min(1).max(200),
    requestedAt: z.number().int().nonnegative(),
  })
  .strict();

/** "Take in this issue": intake that could not finish in the trigger (Jira or storage briefly down). */
export const ingestIssueEventSchema = z
  .object({
    kind: z.literal('ingest-issue'),
    issueKey: issueKeySchema,
    projectKey: z.string().min(1).max(20).optional(),
    /** Which attempt this delivery makes (the trigger made the first); absent on events queued before attempts were counted: the second. */
    attempt: z.number().int().min(2).max(100).optional(),
    requestedAt: z.number().int().nonnegative(),
  })
  .strict();

/** Everything the Clearway queue carries; the consumer dispatches on `kind`. */
export const queueEventSchema = z.discriminatedUnion('kind', [runFulfillmentEventSchema, ingestIssueEventSchema]);

export type RunFulfillmentEvent = z.infer<typeof runFulfillmentEventSchema>;
export type IngestIssueEvent = z.infer<typeof ingestIssueEventSchema>;
export type QueueEvent = z.infer<typeof queueEventSchema>;
