import { z } from 'zod';

/** A Jira issue key such as `AIR-12`: the one rule the intake trigger, its queued retry and the portal accept. */
export const issueKeySchema = z.string().regex(/^[A-Z][A-Z0-9_]+-\d+$/, 'a Jira issue key such as AIR-12');
