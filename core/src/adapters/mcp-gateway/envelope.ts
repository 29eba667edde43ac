import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { GATEWAY_ERROR_CODES } from './wire.js';

/**
 * The edge check of one POST body: a single JSON-RPC 2.0 request or notification, as MCP's
 * Streamable HTTP transport allows (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports).
 * Everything else is refused here, before any MCP machinery runs, with the JSON-RPC error the
 * specification names for it.
 */
export type Envelope =
  | { readonly kind: 'request'; readonly id: RequestId; readonly method: string; readonly params: Readonly<Record<string, unknown>> | undefined; readonly message: unknown }
  | { readonly kind: 'notification'; readonly method: string; readonly message: unknown }
  | {
      readonly kind: 'refused';
      readonly code: number;
      readonly message: string;
      /** The request's id when it could be read (JSON-RPC: null when it could not). */
      readonly id: RequestId | null;
      /** The method when the body named one, for the record; `invalid` otherwise. */
      readonly method: string;
    };

// MCP ids are strings or integers, never null (https://modelcontextprotocol.io/specification/2025-06-18/basic#requests).
const idSchema = z.union([z.string(), z.number().int()]);
const messageSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1),
  id: idSchema.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

const INVALID = 'invalid';

export function readEnvelope(text: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refused(GATEWAY_ERROR_CODES.parseError, 'Parse error: the request body is not valid JSON.', null, INVALID);
  }
  if (Array.isArray(parsed)) {
    // MCP 2025-06-18 removed JSON-RPC batching (https://modelcontextprotocol.io/specification/2025-06-18/changelog),
    // and a batch would carry several calls past one evaluation and one record.
    return refused(GATEWAY_ERROR_CODES.invalidRequest, 'Invalid Request: JSON-RPC batches are not supported; send one message per HTTP request.', null, INVALID);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return refused(GATEWAY_ERROR_CODES.invalidRequest, 'Invalid Request: the body must be one JSON-RPC 2.0 object.', null, INVALID);
  }
  const fields = parsed as Record<string, unknown>;
  const readableId = idSchema.safeParse(fields.id);
  const id = readableId.success ? readableId.data : null;
  const method = typeof fields.method === 'string' && fields.method.length > 0 ? fields.method : INVALID;
  if (!('method' in fields) && ('result' in fields || 'error' in fields)) {
    return refused(GATEWAY_ERROR_CODES.invalidRequest, 'Invalid Request: this gateway sends no requests to clients, so it accepts no JSON-RPC responses.', id, INVALID);
  }
  const message = messageSchema.safeParse(parsed);
  if (!message.success) {
    return refused(
      GATEWAY_ERROR_CODES.invalidRequest,
      'Invalid Request: a JSON-RPC 2.0 message needs "jsonrpc": "2.0", a method, an object for params if any, and for a request a string or integer id.',
      id,
      method,
    );
  }
  const { id: requestId, method: name, params } = message.data;
  if (requestId === undefined) return { kind: 'notification', method: name, message: parsed };
  return { kind: 'request', id: requestId, method: name, params, message: parsed };
}

function refused(code: number, message: string, id: RequestId | null, method: string): Envelope {
  return { kind: 'refused', code, message, id, method };
}
