// The MCP wire adapter of the AI-agent gateway (`@clearway/core/mcp-gateway`).
export { DEFAULT_GATEWAY_LIMITS, DEFAULT_SERVER_INFO, createMcpGateway, type GatewayLimits, type McpGateway, type McpGatewayOptions } from './gateway.js';
export { GATEWAY_PATH, serveGateway, toNodeListener, type NodeListenerOptions, type ServeGatewayOptions, type ServedGateway } from './node.js';
export { GATEWAY_METHODS } from './operations.js';
export { type UpstreamConnection, type UpstreamFactory } from './upstream.js';
export { GATEWAY_ERROR_CODES } from './wire.js';
