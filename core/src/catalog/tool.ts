import { z } from 'zod';

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** `approved` tools are requestable; `blocked` and `denied` are governed but not requestable. */
export const TOOL_STATUSES = ['approved', 'blocked', 'denied'] as const;
export type ToolStatus = (typeof TOOL_STATUSES)[number];

/** The configured group a tool's connector manages: an existing group by id or name, or one to create. */
export interface ConfiguredGroupSpec {
  readonly groupId?: string;
  readonly name?: string;
  readonly description?: string;
  readonly createIfMissing?: boolean;
}

/** A tool's fulfillment mode: the connector it is bound to, plus its configured group. */
export interface ToolFulfillment {
  readonly connectorId: string;
  readonly group: ConfiguredGroupSpec;
  /** Set once the connector bound (or created) the group; later jobs use this id. */
  readonly bound?: { readonly groupId: string; readonly groupName?: string; readonly boundAt: number };
}

export interface Tool {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly vendor: string;
  readonly status: ToolStatus;
  readonly riskLevel: RiskLevel;
  readonly defaultDurationDays: number;
  readonly maxDurationDays: number;
  readonly guidance: string;
  readonly url?: string;
  readonly fulfillment: ToolFulfillment;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const MAX_DURATION_DAYS = 365;

const days = z.number().int().min(1).max(MAX_DURATION_DAYS);

const configuredGroupSchema = z
  .object({
    groupId: z.string().trim().min(1).max(256).optional(),
    name: z.string().trim().min(1).max(256).optional(),
    description: z.string().max(1_024).optional(),
    createIfMissing: z.boolean().optional(),
  })
  .strict();

/** What an admin submits to add or edit a tool. */
export const toolInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use 2–63 lowercase letters, digits and dashes')
      .optional(),
    name: z.string().trim().min(1).max(120),
    vendor: z.string().trim().min(1).max(120),
    status: z.enum(TOOL_STATUSES),
    riskLevel: z.enum(RISK_LEVELS),
    defaultDurationDays: days,
    maxDurationDays: days,
    guidance: z.string().max(4_000).default(''),
    url: z.url({ protocol: /^https?$/ }).optional(),
    fulfillment: z
      .object({ connectorId: z.string().min(1).max(64), group: configuredGroupSchema.default({}) })
      .strict()
      .default({ connectorId: 'manual', group: {} }),
  })
  .strict()
  .refine((tool) => tool.defaultDurationDays <= tool.maxDurationDays, {
    message: 'the default duration cannot exceed the maximum duration',
    path: ['defaultDurationDays'],
  });

export type ToolInput = z.input<typeof toolInputSchema>;

/** A tool is requestable when the catalog approved it. */
export function isRequestable(tool: Pick<Tool, 'status'>): boolean {
  return tool.status === 'approved';
}
