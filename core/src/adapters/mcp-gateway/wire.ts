import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * The JSON-RPC error codes the gateway answers with. The standard ones keep their JSON-RPC 2.0
 * meaning (https://www.jsonrpc.org/specification#error_object); the gateway's own sit in the range
 * that specification leaves to servers (-32000 to -32099).
 */
export const GATEWAY_ERROR_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** An HTTP-level refusal (405, 406, 413, 415), coded as the MCP SDK's own transport codes them. */
  transportRefused: -32000,
  /** The agent policy refused the call; the message names the rule (or the default) and its note. */
  blockedByPolicy: -32001,
  /** The upstream MCP server could not be reached, closed the connection or answered something unreadable. */
  upstreamFailed: -32010,
  /** The upstream MCP server did not answer within the gateway's upstream timeout. */
  upstreamTimeout: -32011,
} as const;

/**
 * An error the gateway answers a JSON-RPC request with. The SDK's protocol layer sends `code`,
 * `message` and `data` as they are, so the message is written for the person reading the AI
 * client's output and never carries a token or an upstream body.
 */
export class GatewayRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'GatewayRpcError';
  }
}

export interface RpcErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** One JSON-RPC error response, serialized. `id` is null when the request's id could not be read. */
export function rpcErrorText(id: RequestId | null, error: RpcErrorBody): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

/** An answer the gateway has fully built: its status, body text (null for none) and headers. */
export interface Answer {
  readonly status: number;
  readonly text: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** The JSON-RPC error code in `text`, when the answer is an error. */
  readonly rpcErrorCode?: number;
}

export function rpcErrorAnswer(status: number, id: RequestId | null, error: RpcErrorBody, headers: Readonly<Record<string, string>> = {}): Answer {
  return { status, text: rpcErrorText(id, error), headers: { 'content-type': 'application/json', ...headers }, rpcErrorCode: error.code };
}

export function toResponse(answer: Answer): Response {
  return new Response(answer.text, { status: answer.status, ...(answer.headers && { headers: answer.headers }) });
}
