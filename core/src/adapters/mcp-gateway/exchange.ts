import type { AnySchema, SchemaOutput } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { ClientRequest, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { CallDecision, GatewayCaller, GatewayPolicyPort, UpstreamStatus } from '../../agent-gateway/call.js';
import type { Logger } from '../../ports/logger.js';
import { DeadlineExceeded, type Deadline } from './deadline.js';
import { POLICY_PORT_FAILED, denialData, denialMessage } from './decisions.js';
import { classifyUpstreamError, describeUpstreamFailure, type UpstreamFailure, type UpstreamLease, type UpstreamPool } from './upstream.js';
import { GATEWAY_ERROR_CODES, GatewayRpcError } from './wire.js';

/** What one request is about, for its record: the operation evaluated, its arguments and the decision. */
export interface Subject {
  readonly operation: string;
  readonly arguments?: unknown;
  readonly decision: CallDecision;
}

export interface ExchangeDeps {
  readonly policy: GatewayPolicyPort;
  readonly pool: UpstreamPool;
  readonly logger: Logger;
}

type Capability = keyof Pick<ServerCapabilities, 'tools' | 'resources' | 'prompts'>;

/**
 * One HTTP request's state between the wire and core: the subject and upstream status that end
 * up in its record, and the policy and upstream calls made on its behalf, all within the
 * request's deadline. Operation handlers drive it; the gateway records what it holds at the end.
 */
export class Exchange {
  upstreamStatus: UpstreamStatus = 'not_forwarded';
  error: string | undefined;
  /** Whether one of the gateway's own operation handlers took the request (rather than the SDK answering it). */
  handled = false;
  private lease: UpstreamLease | undefined;
  private healthy = true;

  constructor(
    readonly caller: GatewayCaller,
    public subject: Subject,
    readonly deadline: Deadline,
    private readonly deps: ExchangeDeps,
  ) {}

  /**
   * One policy read for all `operations`, or `undefined` when the port failed, hung past the
   * deadline or answered out of contract; callers then fail closed.
   */
  async decide(operations: readonly string[]): Promise<readonly CallDecision[] | undefined> {
    try {
      const decisions = await this.deadline.race(this.deps.policy.decide(this.caller, operations));
      if (decisions.length === operations.length) return decisions;
      this.error = `policy port answered ${decisions.length} decisions for ${operations.length} operations`;
    } catch (error) {
      this.error = error instanceof DeadlineExceeded ? 'policy port did not answer in time' : 'policy port failed';
    }
    this.deps.logger.error('gateway: the agent policy could not be evaluated; denying', { accountId: this.caller.accountId, why: this.error });
    return undefined;
  }

  /** Evaluates one operation and, when denied, records why and refuses with the rule and its note. */
  async guard(operation: string, args: unknown): Promise<void> {
    this.handled = true;
    const decision = (await this.decide([operation]))?.[0] ?? POLICY_PORT_FAILED;
    this.subject = { operation, ...(args !== undefined && { arguments: args }), decision };
    if (decision.effect === 'deny') throw new GatewayRpcError(GATEWAY_ERROR_CODES.blockedByPolicy, denialMessage(decision), denialData(decision));
  }

  /** The caller's upstream client, acquired once per request. */
  async upstream(): Promise<UpstreamLease> {
    if (this.lease) return this.lease;
    try {
      this.lease = await this.deps.pool.acquire(this.caller, this.deadline);
      return this.lease;
    } catch (error) {
      throw this.upstreamFailed(classifyUpstreamError(error));
    }
  }

  /**
   * Sends `request` upstream and returns the upstream's result, parsed by the SDK's schema for it.
   * Every failure becomes a JSON-RPC error that says what went wrong upstream, in the gateway's
   * words, and marks the upstream client for replacement.
   */
  async forward<T extends AnySchema>(capability: Capability, request: ClientRequest, schema: T): Promise<SchemaOutput<T>> {
    this.handled = true;
    const lease = await this.upstream();
    if (lease.capabilities[capability] === undefined) {
      this.error = `upstream offers no ${capability}`;
      throw new GatewayRpcError(GATEWAY_ERROR_CODES.methodNotFound, `Method not found: the upstream MCP server offers no ${capability}.`);
    }
    try {
      const result = await lease.client.request(request, schema, { signal: this.deadline.signal, timeout: this.deadline.remainingMs() + 1_000 });
      this.upstreamStatus = 'ok';
      return result;
    } catch (error) {
      const failure = classifyUpstreamError(this.deadline.explain(error), lease.redactor);
      // A JSON-RPC error is the upstream answering; anything else leaves the connection in doubt.
      if (!(failure.status === 'error' && failure.kind === 'rpc_error')) this.healthy = false;
      throw this.upstreamFailed(failure);
    }
  }

  /** Gives the upstream client back to the pool; a client that failed is replaced. */
  release(): void {
    this.lease?.release(this.healthy);
  }

  private upstreamFailed(failure: UpstreamFailure): GatewayRpcError {
    this.upstreamStatus = failure.status;
    this.error = describeUpstreamFailure(failure);
    this.deps.logger.warn('gateway: the upstream MCP server gave no usable answer', { accountId: this.caller.accountId, operation: this.subject.operation, why: this.error });
    if (failure.status === 'timeout') {
      const seconds = Math.round(failure.afterMs / 100) / 10;
      return new GatewayRpcError(
        GATEWAY_ERROR_CODES.upstreamTimeout,
        `Upstream timeout: the upstream MCP server did not answer within ${seconds} s, so Clearway stopped waiting. The call may still complete upstream.`,
      );
    }
    if (failure.kind === 'rpc_error') return new GatewayRpcError(failure.rpcCode, `The upstream MCP server refused the request: ${failure.rpcMessage}`);
    return new GatewayRpcError(GATEWAY_ERROR_CODES.upstreamFailed, `Upstream error: Clearway could not get an answer from the upstream MCP server (${this.error}).`);
  }
}
