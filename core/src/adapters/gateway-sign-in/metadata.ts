import type { OAuthMetadata, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { HostUrls } from './context.js';

/** RFC 9728 protected-resource metadata: the MCP endpoint, and Clearway as its authorization server. */
export function protectedResourceMetadata(urls: HostUrls): OAuthProtectedResourceMetadata {
  return { resource: urls.mcp, authorization_servers: [urls.base], bearer_methods_supported: ['header'], resource_name: 'Clearway AI-agent gateway' };
}

/**
 * RFC 8414 authorization-server metadata. Clients are public (PKCE S256, no secret); codes and
 * tokens are Clearway's own, opaque. `authorization_response_iss_parameter_supported`: every
 * redirect back carries `iss` (RFC 9207), so a client talking to several servers cannot mix them up.
 */
export function authorizationServerMetadata(urls: HostUrls): OAuthMetadata {
  return {
    issuer: urls.base,
    authorization_endpoint: `${urls.base}/authorize`,
    token_endpoint: `${urls.base}/token`,
    registration_endpoint: `${urls.base}/register`,
    revocation_endpoint: `${urls.base}/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    authorization_response_iss_parameter_supported: true,
  };
}

/**
 * The same metadata where OpenID Connect discovery looks for it. A Forge web trigger's URL has a
 * path (`/x1/<token>`) and the host's root is not the app's, so RFC 8414's well-known URL
 * (inserted before the path) cannot be served; the MCP SDK's client then tries OIDC discovery
 * with the well-known suffix appended to the issuer, and parses it with OIDC's required members.
 * Those are given truthfully for a server that issues no ID tokens: no `openid` scope is
 * supported, so `id_token_signing_alg_values_supported` and the empty key set are never used.
 */
export function openIdConfiguration(urls: HostUrls): Record<string, unknown> {
  return { ...authorizationServerMetadata(urls), jwks_uri: `${urls.base}/.well-known/jwks.json`, subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'], scopes_supported: [] };
}
