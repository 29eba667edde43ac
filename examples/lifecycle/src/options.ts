import { z } from 'zod';

const limits = z.object({ low: z.number().int().min(0), medium: z.number().int().min(0), high: z.number().int().min(0), critical: z.number().int().min(0) }).strict();
const share = z.number().min(0).max(1);

const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([min, max]) => min <= max, 'the minimum is above the maximum');

/** What a run does, all of it drawn from `seed`. Counts "per day" are drawn for each simulated day. */
export const lifecycleOptionsSchema = z
  .object({
    seed: z.number().int(),
    /** Simulated days, the ones skipped by clock jumps included. */
    days: z.number().int().min(10).max(3_650),
    /** People in Jira, the Okta org and the Entra tenant who ask for access. */
    people: z.number().int().min(10).max(5_000),
    /** People in both directories who never ask: an admin adds some of them to a group by hand. */
    outsiders: z.number().int().min(1).max(200),
    requestsPerDay: range,
    /** Scheduled sweeps a day, spread over it (the product's schedule runs them at least this often). */
    sweepsPerDay: z.number().int().min(4).max(48),
    /** Share of days with a burst: a few extra sweeps minutes apart (a retried trigger, an admin's "run now"). */
    burstShare: z.number().min(0).max(1),
    /** Clock jumps, each this many days at once with nothing happening; spread over the run. */
    clockJumps: z.array(z.number().int().min(1).max(60)).max(20),
    extensionsPerDay: range,
    revokesPerDay: range,
    /** Chance a day has a rename (a person's email changes in Jira, Okta and Entra). */
    renameShare: z.number().min(0).max(1),
    /** Hand-made group changes a day (re-adds after a grant ended, adds of outsiders, removals of members). */
    outOfBandPerDay: range,
    /** Share of decisions that deny. */
    denyShare: z.number().min(0).max(1),
    /** Share of requests asked again by someone whose grant for that tool ended. */
    reRequestShare: z.number().min(0).max(1),
    /** Chance a day has calls that must be refused (a duplicate request, a self-approval, a decided request, a self-extension). */
    refusalShare: z.number().min(0).max(1),
    /** Share of approvals the security reviewer gives as an exception: longer than the tool's effective maximum. */
    exceptionShare: share,
    /** Open exceptions allowed per tool by risk level: the first set from the start, each next one from an even share of the run on (a governance update). */
    exceptionLimits: z.array(limits).min(1).max(10),
    /**
     * How the security reviewer treats a due review: `steady` is the share of exceptions kept at
     * every review (they run to their end); for the others each review is kept or ended with these
     * shares, and skipped otherwise (it lapses unless something else ends the grant first).
     */
    exceptionReviews: z
      .object({ steady: share, keep: share, end: share })
      .strict()
      .refine((shares) => shares.keep + shares.end <= 1, 'keep and end add up to more than 1'),
  })
  .strict();

export type LifecycleOptions = z.infer<typeof lifecycleOptionsSchema>;

/** The seeded CI run: about 110 days, several hundred grants, three clock jumps. */
export const CI_OPTIONS: LifecycleOptions = {
  seed: 15,
  days: 110,
  people: 110,
  outsiders: 8,
  requestsPerDay: [2, 6],
  sweepsPerDay: 4,
  burstShare: 0.15,
  clockJumps: [7, 3, 5],
  extensionsPerDay: [1, 4],
  revokesPerDay: [0, 2],
  renameShare: 0.3,
  outOfBandPerDay: [0, 2],
  denyShare: 0.12,
  reRequestShare: 0.35,
  refusalShare: 0.3,
  exceptionShare: 0.2,
  exceptionLimits: [
    { low: 3, medium: 2, high: 1, critical: 1 },
    { low: 2, medium: 1, high: 2, critical: 1 },
    { low: 4, medium: 3, high: 1, critical: 1 },
  ],
  exceptionReviews: { steady: 0.4, keep: 0.5, end: 0.2 },
};

/** `pnpm lifecycle` by default: a year, a larger crowd, busier days. */
export const LONG_OPTIONS: LifecycleOptions = {
  ...CI_OPTIONS,
  seed: 20_261_215,
  days: 365,
  people: 300,
  outsiders: 20,
  requestsPerDay: [4, 10],
  sweepsPerDay: 6,
  clockJumps: [7, 3, 5, 14, 7, 2],
  extensionsPerDay: [2, 6],
  revokesPerDay: [0, 3],
  outOfBandPerDay: [0, 3],
};
