/**
 * Atlassian's remote MCP server, which the AI-agent gateway signs users in to and calls as them.
 *
 * `/v1/mcp` is the endpoint Atlassian's developer guide configures OAuth 2.1 clients with
 * (https://developer.atlassian.com/cloud/rovo-mcp/guides/configuring-oauth-2-1/); its authorization
 * server (`https://cf.mcp.atlassian.com`, metadata at the host root, dynamic registration at
 * `/v1/register`) is the one the guide's flow uses. `/v2/mcp` and `/v1/mcp/authv2` name a
 * tenant-scoped authorization server on auth.atlassian.com instead, whose metadata reports an
 * issuer other than its discovery URL (RFC 8414 §3.3; atlassian/atlassian-mcp-server#205).
 */
export const ATLASSIAN_REMOTE_MCP_URL = 'https://mcp.atlassian.com/v1/mcp';

/**
 * The hosts the gateway's web trigger fetches, added to manifest.yml's
 * `permissions.external.fetch.backend`: the MCP server itself, the authorization server of `/v1/mcp`
 * (token and registration endpoints; its `/authorize` is a browser redirect, not a fetch), and
 * auth.atlassian.com, the authorization server of `/v1/mcp/authv2` and `/v2/mcp`, so moving the
 * upstream URL needs no new egress and no admin re-consent.
 */
export const GATEWAY_EGRESS = ['mcp.atlassian.com', 'cf.mcp.atlassian.com', 'auth.atlassian.com'] as const;
