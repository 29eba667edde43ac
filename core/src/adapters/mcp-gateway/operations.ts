import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  GetPromptRequestSchema,
  GetPromptResultSchema,
  InitializeRequestSchema,
  ListPromptsRequestSchema,
  ListPromptsResultSchema,
  ListResourceTemplatesRequestSchema,
  ListResourceTemplatesResultSchema,
  ListResourcesRequestSchema,
  ListResourcesResultSchema,
  ListToolsRequestSchema,
  ListToolsResultSchema,
  ReadResourceRequestSchema,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { POLICY_PORT_FAILED, protocolDecision } from './decisions.js';
import type { Exchange } from './exchange.js';

/**
 * The MCP methods the gateway serves beyond what the SDK's `Server` answers itself (`initialize`,
 * `ping`). Lists are forwarded, then filtered to what the caller may use with one policy read;
 * calls are evaluated first and forwarded only when allowed. Resources and prompts go through the
 * same policy as tools, under the operations `resource:<uri>` and `prompt:<name>`.
 */
export const GATEWAY_METHODS = [
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
] as const;

export type GatewayMethod = (typeof GATEWAY_METHODS)[number];

export function isGatewayMethod(method: string): method is GatewayMethod {
  return (GATEWAY_METHODS as readonly string[]).includes(method);
}

const REQUEST_SCHEMAS = {
  initialize: InitializeRequestSchema,
  'tools/list': ListToolsRequestSchema,
  'tools/call': CallToolRequestSchema,
  'resources/list': ListResourcesRequestSchema,
  'resources/templates/list': ListResourceTemplatesRequestSchema,
  'resources/read': ReadResourceRequestSchema,
  'prompts/list': ListPromptsRequestSchema,
  'prompts/get': GetPromptRequestSchema,
} as const;

const MAX_PARAM_ISSUES = 3;

/**
 * What is wrong with a served method's params, or undefined. The SDK's protocol layer would
 * answer malformed params with -32603 (internal error) and zod's raw text; JSON-RPC names them
 * -32602 (invalid params), so they are checked here first, against the SDK's own schemas.
 */
export function paramsProblem(method: string, message: unknown): string | undefined {
  if (!(method in REQUEST_SCHEMAS)) return undefined;
  const checked = REQUEST_SCHEMAS[method as keyof typeof REQUEST_SCHEMAS].safeParse(message);
  if (checked.success) return undefined;
  const issues = checked.error.issues.slice(0, MAX_PARAM_ISSUES).map((issue) => `${issue.path.filter((key) => key !== 'params').join('.') || 'params'}: ${issue.message}`);
  return `Invalid params for ${method}: ${issues.join('; ')}.`;
}

/** MCP plumbing: recorded under the `protocol` basis, not evaluated as an operation on the site. */
export function isPlumbing(method: string): boolean {
  return method === 'initialize' || method === 'ping' || method.endsWith('/list') || method.startsWith('notifications/');
}

/** Registers, on this request's server, the one handler its method needs. */
export function registerOperation(server: Server, method: GatewayMethod, exchange: Exchange): void {
  switch (method) {
    case 'tools/list':
      return server.setRequestHandler(ListToolsRequestSchema, async (request) => {
        const result = await exchange.forward('tools', { method, params: forwardedParams(request.params) }, ListToolsResultSchema);
        return { ...result, tools: await visibleOnly(exchange, method, result.tools, (tool) => tool.name, 'tools') };
      });
    case 'resources/list':
      return server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
        const result = await exchange.forward('resources', { method, params: forwardedParams(request.params) }, ListResourcesResultSchema);
        return { ...result, resources: await visibleOnly(exchange, method, result.resources, (resource) => `resource:${resource.uri}`, 'resources') };
      });
    case 'resources/templates/list':
      return server.setRequestHandler(ListResourceTemplatesRequestSchema, async (request) => {
        const result = await exchange.forward('resources', { method, params: forwardedParams(request.params) }, ListResourceTemplatesResultSchema);
        const resourceTemplates = await visibleOnly(exchange, method, result.resourceTemplates, (template) => `resource:${template.uriTemplate}`, 'resource templates');
        return { ...result, resourceTemplates };
      });
    case 'prompts/list':
      return server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
        const result = await exchange.forward('prompts', { method, params: forwardedParams(request.params) }, ListPromptsResultSchema);
        return { ...result, prompts: await visibleOnly(exchange, method, result.prompts, (prompt) => `prompt:${prompt.name}`, 'prompts') };
      });
    case 'tools/call':
      return server.setRequestHandler(CallToolRequestSchema, async (request) => {
        await exchange.guard(request.params.name, request.params.arguments);
        const result = await exchange.forward('tools', { method, params: forwardedParams(request.params) }, CallToolResultSchema);
        // A tool that ran and reported failure is the upstream answering, not the upstream failing.
        if (result.isError === true) exchange.upstreamStatus = 'tool_error';
        return result;
      });
    case 'resources/read':
      return server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
        await exchange.guard(`resource:${request.params.uri}`, undefined);
        return exchange.forward('resources', { method, params: forwardedParams(request.params) }, ReadResourceResultSchema);
      });
    case 'prompts/get':
      return server.setRequestHandler(GetPromptRequestSchema, async (request) => {
        await exchange.guard(`prompt:${request.params.name}`, request.params.arguments);
        return exchange.forward('prompts', { method, params: forwardedParams(request.params) }, GetPromptResultSchema);
      });
  }
}

/**
 * The listed items the caller may use: one policy read for the page, denied ones left out. When
 * the policy cannot be evaluated nothing is shown, and the record says so.
 */
async function visibleOnly<T>(exchange: Exchange, method: string, items: readonly T[], operationOf: (item: T) => string, noun: string): Promise<T[]> {
  if (items.length === 0) {
    exchange.subject = { operation: method, decision: protocolDecision(0, `Listed no ${noun}: the upstream offered none.`) };
    return [];
  }
  const decisions = await exchange.decide(items.map(operationOf));
  // Fail closed: a policy that could not be read shows nothing, and the record carries its decision.
  const unavailable = decisions === undefined ? POLICY_PORT_FAILED : decisions.find((decision) => decision.basis === 'policy_unavailable');
  if (decisions === undefined || unavailable !== undefined) {
    exchange.subject = { operation: method, decision: unavailable ?? POLICY_PORT_FAILED };
    return [];
  }
  const visible = items.filter((_, index) => decisions[index]!.effect === 'allow');
  const reason = `Listed ${visible.length} of ${items.length} ${noun}; the agent policy hides ${items.length - visible.length}.`;
  exchange.subject = { operation: method, decision: protocolDecision(decisions[0]!.policyVersion, reason) };
  return visible;
}

/**
 * The client's params as they go upstream, minus `_meta.progressToken`: a stateless JSON answer
 * cannot carry progress back, and the gateway's own client would not know the token.
 */
function forwardedParams<P extends { _meta?: Record<string, unknown> }>(params: P): P;
function forwardedParams<P extends { _meta?: Record<string, unknown> }>(params: P | undefined): P | undefined;
function forwardedParams<P extends { _meta?: Record<string, unknown> }>(params: P | undefined): P | undefined {
  if (params?._meta === undefined || !('progressToken' in params._meta)) return params;
  const { progressToken: _progressToken, ...meta } = params._meta;
  return { ...params, _meta: meta };
}
