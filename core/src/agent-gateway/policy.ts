import { z } from 'zod';
import { globProblem } from './glob.js';
import type { AgentEffect } from './call.js';

const effect = z.enum(['allow', 'deny']);
/** A client name as registrations carry it (`claude`, `chatgpt`, `cursor`), or `*` for any. */
const clientName = z.string().trim().min(1).max(100).regex(/^(\*|[A-Za-z0-9][A-Za-z0-9 ._-]*)$/, 'a client name such as claude, or * for any');

const ruleSchema = z
  .object({
    client: clientName.default('*'),
    /** An Atlassian group name; null (or absent) matches any user. */
    group: z.string().trim().min(1).max(255).nullable().default(null),
    operation: z
      .string()
      .trim()
      .max(300)
      .superRefine((pattern, context) => {
        const problem = globProblem(pattern);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      }),
    effect,
    /** Allow only callers who hold an active Clearway grant for the client's catalog tool. */
    requireGrant: z.boolean().default(false),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((rule) => !(rule.requireGrant && rule.effect === 'deny'), { message: 'requireGrant applies to allow rules only', path: ['requireGrant'] });

const clientLinkSchema = z.object({ name: clientName.refine((name) => name !== '*', 'name a client, not *'), toolId: z.string().trim().min(1).max(100) }).strict();

export const MAX_AGENT_RULES = 1_000;

/**
 * The agent policy: a default decision and ordered rules, the first match wins. `clients` links
 * an AI client (by its registered name) to the catalog tool whose grant `requireGrant` asks for.
 */
export const agentPolicyRulesSchema = z
  .object({
    defaultEffect: effect,
    defaultRequiresGrant: z.boolean().default(false),
    rules: z.array(ruleSchema).max(MAX_AGENT_RULES).default([]),
    clients: z.array(clientLinkSchema).max(100).default([]),
  })
  .strict()
  .refine((policy) => !(policy.defaultRequiresGrant && policy.defaultEffect === 'deny'), { message: 'defaultRequiresGrant applies to an allow default only', path: ['defaultRequiresGrant'] })
  .refine((policy) => new Set(policy.clients.map((link) => link.name.toLowerCase())).size === policy.clients.length, { message: 'each client is linked to one tool', path: ['clients'] });

export type AgentPolicyRulesInput = z.input<typeof agentPolicyRulesSchema>;
export type AgentPolicyRules = z.output<typeof agentPolicyRulesSchema>;
export type AgentRule = AgentPolicyRules['rules'][number];
export type { AgentEffect };

export interface AgentPolicyVersion {
  readonly id: string;
  readonly version: number;
  /** 1, 2, 3 … for saved versions; 0 is the built-in default. */
  readonly policyVersion: number;
  readonly rules: AgentPolicyRules;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly note?: string;
}

/** The seed catalog's tools for the AI clients that connect to MCP servers today. */
export const DEFAULT_CLIENT_LINKS: AgentPolicyRules['clients'] = [
  { name: 'claude', toolId: 'claude-enterprise' },
  { name: 'chatgpt', toolId: 'chatgpt-enterprise' },
  { name: 'cursor', toolId: 'cursor-business' },
  { name: 'copilot', toolId: 'github-copilot-business' },
  { name: 'gemini', toolId: 'gemini-workspace' },
];

/**
 * Until an admin saves a policy, calls are allowed for holders of an active grant for the
 * client's tool — Clearway's own condition — and nothing else: a fresh install neither opens the
 * site to every AI client nor locks out the people it approved.
 */
export const DEFAULT_AGENT_POLICY: AgentPolicyVersion = {
  id: 'default',
  version: 0,
  policyVersion: 0,
  rules: { defaultEffect: 'allow', defaultRequiresGrant: true, rules: [], clients: DEFAULT_CLIENT_LINKS },
  createdAt: 0,
  createdBy: 'clearway:defaults',
};

export function agentPolicyVersionId(policyVersion: number): string {
  return `v${String(policyVersion).padStart(8, '0')}`;
}
