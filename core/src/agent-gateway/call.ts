/**
 * The gateway's vocabulary, shared by the pure core and the MCP wire adapter: who calls, what a
 * decision says, and what one recorded call holds. No transport here.
 */

/** Who is calling, as the identity port verified it from the bearer token. */
export interface GatewayCaller {
  readonly accountId: string;
  readonly name?: string;
  readonly email?: string;
  /** The user's Atlassian groups (as Jira reports them). */
  readonly groups: readonly string[];
  /** The AI client's name from its registration: what rules naming a client match. */
  readonly client: string;
  /** `clientInfo.name` the client sent in `initialize`: self-reported, recorded beside `client`, never matched. */
  readonly clientInfoName?: string;
}

export type AgentEffect = 'allow' | 'deny';

/**
 * Why a decision came out as it did:
 * - `rule`: the rule at `ruleIndex` matched;
 * - `default`: no rule matched, the default decision applied;
 * - `no_grant`: the matching rule (or default) allows only holders of an active Clearway grant for the client's tool, and the caller has none;
 * - `policy_unavailable`: the policy or the store could not be read, so the call is denied (fail closed);
 * - `protocol`: MCP plumbing (`initialize`, `tools/list`, `ping`, …), not an operation on the site;
 * - `invalid`: the request was refused before evaluation (malformed JSON-RPC, batch, unknown method, oversized, no caller).
 */
export type DecisionBasis = 'rule' | 'default' | 'no_grant' | 'policy_unavailable' | 'protocol' | 'invalid';

export interface CallDecision {
  readonly effect: AgentEffect;
  readonly basis: DecisionBasis;
  /** Index (0-based) of the rule that decided; absent when the default (or no evaluation) decided. */
  readonly ruleIndex?: number;
  /** The agent-policy version the decision was made under (0 = the built-in default policy). */
  readonly policyVersion: number;
  /** The deciding rule's note, when it has one. */
  readonly note?: string;
  /** One sentence for the caller and the log: which rule (or default) decided and what to do. */
  readonly reason: string;
}

/** What the upstream did with a forwarded call. */
export type UpstreamStatus = 'ok' | 'tool_error' | 'error' | 'timeout' | 'not_forwarded';

/** One call as the wire adapter reports it for the activity log. */
export interface ActivityInput {
  readonly caller: GatewayCaller | undefined;
  /** The JSON-RPC method (`tools/call`, `initialize`, …), or `invalid` when none could be read. */
  readonly method: string;
  /** What was evaluated: a tool name, `resource:<uri>`, `prompt:<name>`, or the method for plumbing. */
  readonly operation: string;
  /** The call's arguments as received; the recorder redacts and caps them. */
  readonly arguments?: unknown;
  readonly decision: CallDecision;
  readonly upstreamStatus: UpstreamStatus;
  /** A short, redacted description of an upstream or protocol error (never a raw body). */
  readonly error?: string;
  /** JSON-RPC error code sent to the client, when the answer was an error. */
  readonly rpcErrorCode?: number;
  /** Bytes of the answer sent back to the client. */
  readonly responseBytes: number;
  /** Wall time from receiving the request to having the answer, in ms. */
  readonly latencyMs: number;
  /** When the request arrived (epoch ms, from the core clock). */
  readonly startedAt: number;
}

/** The audit event type every gateway call is recorded under. */
export const GATEWAY_CALL_EVENT = 'gateway.call';

/**
 * What the wire adapter needs from core: decisions (one policy read for many operations, as
 * `tools/list` asks) and the recording of each call. `decide` never throws: when the policy or
 * the store cannot be read it answers `deny` with basis `policy_unavailable` (fail closed).
 * `record` throws when the call could not be recorded.
 */
export interface GatewayPolicyPort {
  decide(caller: GatewayCaller, operations: readonly string[]): Promise<readonly CallDecision[]>;
  record(activity: ActivityInput): Promise<void>;
}

/**
 * The identity port: a bearer token → the verified caller, or undefined when the token is
 * unknown, expired or revoked. The adapter answers 401 for undefined.
 */
export interface GatewayAuthenticator {
  authenticate(bearerToken: string): Promise<GatewayCaller | undefined>;
}
