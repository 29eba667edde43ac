import { z } from 'zod';
import seedFile from './seed-tools.json' with { type: 'json' };
import { RISK_LEVELS, TOOL_STATUSES } from './tool.js';

const seedSchema = z.object({
  formatVersion: z.literal(1),
  tools: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      vendor: z.string(),
      url: z.url(),
      riskLevel: z.enum(RISK_LEVELS),
      status: z.enum(TOOL_STATUSES),
      guidance: z.string(),
    }),
  ),
});

export type SeedTool = z.output<typeof seedSchema>['tools'][number];

/** The built-in list of common AI tools with risk defaults (a data file, validated on load). */
export const SEED_TOOLS: readonly SeedTool[] = seedSchema.parse(seedFile).tools;
