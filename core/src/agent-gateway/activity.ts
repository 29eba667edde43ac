import { REDACTED, patternRedactor } from '@clearway/connector-sdk';
import type { AuditEntry } from '../audit/event.js';
import { GATEWAY_CALL_EVENT, type ActivityInput } from './call.js';

/** Arguments are kept up to this many bytes of JSON; larger ones keep a preview and their size. */
export const MAX_ARGUMENT_BYTES = 4_096;
const MAX_DEPTH = 12;
const MAX_GROUPS = 50;
const MAX_TEXT = 500;

/** Keys whose values are credentials whatever they look like. */
const SECRET_KEY = /(pass(word|phrase)?|secret|token|api[_-]?key|authori[sz]ation|credential|cookie|private[_-]?key|session)/i;

/** Methods that act on the site: evaluated by the policy and counted on the dashboard. */
const CALL_METHODS = new Set(['tools/call', 'resources/read', 'prompts/get']);

export type ActivityKind = 'call' | 'protocol' | 'invalid';

/** One recorded call: the data of a `gateway.call` audit event. */
export interface ActivityData {
  readonly accountId: string;
  readonly name?: string;
  readonly email?: string;
  readonly groups: readonly string[];
  readonly client: string;
  readonly clientInfoName?: string;
  readonly kind: ActivityKind;
  readonly method: string;
  readonly operation: string;
  readonly arguments?: unknown;
  readonly argumentsBytes?: number;
  readonly argumentsTruncated?: boolean;
  readonly decision: 'allowed' | 'blocked';
  readonly basis: string;
  readonly ruleIndex?: number;
  readonly agentPolicyVersion: number;
  readonly note?: string;
  readonly reason: string;
  readonly upstreamStatus: string;
  readonly error?: string;
  readonly rpcErrorCode?: number;
  readonly responseBytes: number;
  readonly latencyMs: number;
  readonly startedAt: number;
}

export function activityKind(input: Pick<ActivityInput, 'method' | 'decision'>): ActivityKind {
  if (input.decision.basis === 'invalid') return 'invalid';
  return CALL_METHODS.has(input.method) ? 'call' : 'protocol';
}

/** A lone surrogate (valid JSON, ill-formed Unicode) becomes U+FFFD: the chain's canonical JSON refuses it. */
const wellFormed = (value: string): string => value.replace(/\p{Cs}/gu, '\uFFFD');

// Cut, then mended: a cut may split a surrogate pair.
const text = (value: string, max = MAX_TEXT): string => wellFormed(patternRedactor.redact(wellFormed(value)).slice(0, max));

/**
 * A JSON copy with every credential-named key's value replaced and every string passed through the
 * same credential patterns as connector errors and logs; ill-formed Unicode is made well-formed
 * (the chain's canonical JSON refuses it) and nesting past 12 levels is cut.
 */
export function redactArguments(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return patternRedactor.redact(wellFormed(value));
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => redactArguments(item, depth + 1) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const safeKey = wellFormed(key);
    const redacted = SECRET_KEY.test(safeKey) ? REDACTED : redactArguments(item, depth + 1);
    if (redacted !== undefined) out[safeKey] = redacted;
  }
  return out;
}

/** Redacted arguments within the size cap: whole when small, else a preview of their JSON. */
export function cappedArguments(raw: unknown): Pick<ActivityData, 'arguments' | 'argumentsBytes' | 'argumentsTruncated'> {
  if (raw === undefined) return {};
  const redacted = redactArguments(raw);
  const json = JSON.stringify(redacted) ?? 'null';
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_ARGUMENT_BYTES) return { arguments: redacted, argumentsBytes: bytes };
  // Cut on a character boundary; the preview is text, never parsed back.
  return { arguments: Buffer.from(json).subarray(0, MAX_ARGUMENT_BYTES).toString('utf8').replace(/\uFFFD$/, ''), argumentsBytes: bytes, argumentsTruncated: true };
}

/** The audit entry for one call. */
export function activityEntry(input: ActivityInput): AuditEntry {
  const caller = input.caller;
  const { decision } = input;
  const data: ActivityData = {
    accountId: caller?.accountId ?? '',
    ...(caller?.name !== undefined && { name: text(caller.name, 200) }),
    ...(caller?.email !== undefined && { email: text(caller.email, 254) }),
    groups: (caller?.groups ?? []).slice(0, MAX_GROUPS).map((group) => text(group, 255)),
    client: caller ? text(caller.client, 100) : '',
    ...(caller?.clientInfoName !== undefined && { clientInfoName: text(caller.clientInfoName, 100) }),
    kind: activityKind(input),
    method: text(input.method, 100),
    operation: text(input.operation, 300),
    ...cappedArguments(input.arguments),
    decision: decision.effect === 'allow' ? 'allowed' : 'blocked',
    basis: decision.basis,
    ...(decision.ruleIndex !== undefined && { ruleIndex: decision.ruleIndex }),
    agentPolicyVersion: decision.policyVersion,
    ...(decision.note !== undefined && { note: text(decision.note) }),
    reason: text(decision.reason, 1_000),
    upstreamStatus: input.upstreamStatus,
    ...(input.error !== undefined && { error: text(input.error) }),
    ...(input.rpcErrorCode !== undefined && { rpcErrorCode: input.rpcErrorCode }),
    responseBytes: Math.max(0, Math.round(input.responseBytes)),
    latencyMs: Math.max(0, Math.round(input.latencyMs * 1000) / 1000),
    startedAt: input.startedAt,
  };
  return { actor: caller?.accountId || 'clearway:gateway', type: GATEWAY_CALL_EVENT, data: data as unknown as Record<string, unknown> };
}
