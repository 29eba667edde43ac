/**
 * What the driver and its worker processes say to each other: the worker's configuration (in its
 * environment) and the messages on the fork IPC channel, each checked where it arrives.
 */
import { z } from 'zod';

export const WORKER_CONFIG_ENV = 'CLEARWAY_CHAOS_WORKER';

export const engineSettingsSchema = z
  .object({
    callTimeoutMs: z.number().int().positive(),
    leaseMs: z.number().int().positive(),
    concurrency: z.number().int().positive(),
    retry: z.object({ maxAttempts: z.number().int().positive(), baseDelayMs: z.number().int().positive(), maxDelayMs: z.number().int().positive() }).strict(),
    /** The cap on any provider's Retry-After (an engine option the lead is adding). */
    maxRetryAfterMs: z.number().int().positive(),
  })
  .strict();
export type EngineSettings = z.infer<typeof engineSettingsSchema>;

export const workerConfigSchema = z
  .object({
    workerId: z.string().min(1),
    storePath: z.string().min(1),
    secretsPath: z.string().min(1),
    /** The shared virtual clock's offset from real time when the worker starts. */
    offsetMs: z.number().int(),
    /** Each `runDueJobs` gets a deadline this far ahead. */
    runMs: z.number().int().positive(),
    /** How long to wait when the queue is empty before looking again. */
    idleMs: z.number().int().positive(),
    engine: engineSettingsSchema,
  })
  .strict();
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('clock'), offsetMs: z.number().int() }).strict(),
  z.object({ type: z.literal('stop') }).strict(),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

const summarySchema = z.object({
  claimed: z.number(),
  succeeded: z.number(),
  retrying: z.number(),
  failed: z.number(),
  lost: z.number(),
  redispatchAfterMs: z.number().optional(),
});

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  /** `deadlineAt` in real (wall-clock) milliseconds, so a clock jump does not distort overruns. */
  z.object({ type: z.literal('run_started'), deadlineAt: z.number() }),
  z.object({ type: z.literal('run_finished'), overrunMs: z.number(), summary: summarySchema }),
  /** The worker is about to die on an error of its own (not a kill): what it was. */
  z.object({ type: z.literal('crashed'), message: z.string(), code: z.string().optional() }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;

export const ADMIN_CONFIG_ENV = 'CLEARWAY_CHAOS_ADMIN';

export const adminConfigSchema = z
  .object({
    storePath: z.string().min(1),
    secretsPath: z.string().min(1),
    offsetMs: z.number().int(),
  })
  .strict();
export type AdminConfig = z.infer<typeof adminConfigSchema>;

export const toAdminSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('revoke'), requestId: z.number().int(), grantId: z.string().min(1), rationale: z.string().min(3) }).strict(),
  z.object({ type: z.literal('expire'), requestId: z.number().int() }).strict(),
  z.object({ type: z.literal('clock'), offsetMs: z.number().int() }).strict(),
]);
export type ToAdmin = z.infer<typeof toAdminSchema>;

export const fromAdminSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('done'),
    requestId: z.number().int(),
    /** `refused`: the domain said no (the grant had ended meanwhile); `failed`: store errors to the last attempt. */
    outcome: z.enum(['ok', 'refused', 'failed']),
    expired: z.number().int().optional(),
    /** Every store error met on the way, retried or not. */
    storeErrors: z.array(z.string()),
  }),
]);
export type FromAdmin = z.infer<typeof fromAdminSchema>;
