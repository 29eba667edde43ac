import { z } from 'zod';
import {
  ATLASSIAN_MCP_PATHS,
  AuthorizationRefusal,
  OAuthRefusal,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type AtlassianAuthorizationServer,
  type ClientCredentials,
  type TokenResponse,
} from './atlassian-oauth.js';
import type { AtlassianAccount } from './atlassian-site.js';
import { header, json, type SimRequest, type SimResponse } from './http.js';

/*
 * The authorization server's HTTP side, at the paths Atlassian's uses: `/v1/authorize`,
 * `/v1/token`, `/v1/register` on the MCP server's own origin, its metadata at
 * `/.well-known/oauth-authorization-server` (captured answers: github.com/BerriAI/litellm/issues/42678,
 * https://docs.hvitoi.com/iam/oauth/oauth2.1/). Revocation is served at the token endpoint and
 * advertised as `revocation_endpoint` there, as Atlassian's metadata does (a POST with `token` and
 * no `grant_type`, RFC 7009) — there is no `/v1/revoke`.
 * Protected-resource metadata (RFC 9728) is served at the root and at the path-suffixed forms for
 * both MCP endpoints, with the 401's `resource_metadata` naming the latter, as the MCP
 * authorization specification asks (https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization#authorization-server-location).
 * Atlassian's own server has not always served it (github.com/atlassian/atlassian-mcp-server/issues/148);
 * the simulator serves what the specification requires. The authorize step stands in for the
 * id.atlassian.com sign-in and consent screen it forwards to: the browser's session
 * (`signInAs`) or a `login_hint` picks the account, else a page lists the accounts to pick.
 */

export type OAuthEndpoint = 'protected_resource_metadata' | 'authorization_server_metadata' | 'registration' | 'authorization' | 'token' | 'revocation';

/** What the call record keeps of an OAuth exchange. */
export interface OAuthCallSummary {
  readonly endpoint: OAuthEndpoint;
  /** The token request's `grant_type`. */
  readonly grantType?: string;
  /** The OAuth error code it answered with (in the JSON body or the redirect). */
  readonly error?: string;
}

export interface AtlassianOAuthExchange {
  readonly response: SimResponse;
  readonly oauth: OAuthCallSummary;
}

const PROTECTED_RESOURCE = '/.well-known/oauth-protected-resource';

const ROUTES: ReadonlyMap<string, OAuthEndpoint> = new Map<string, OAuthEndpoint>([
  [PROTECTED_RESOURCE, 'protected_resource_metadata'],
  ...ATLASSIAN_MCP_PATHS.map((path): [string, OAuthEndpoint] => [`${PROTECTED_RESOURCE}${path}`, 'protected_resource_metadata']),
  ['/.well-known/oauth-authorization-server', 'authorization_server_metadata'],
  ['/v1/register', 'registration'],
  ['/v1/authorize', 'authorization'],
  ['/v1/token', 'token'],
]);

/** Which OAuth endpoint a path is, if any. */
export function atlassianOAuthEndpoint(path: string): OAuthEndpoint | undefined {
  return ROUTES.get(path);
}

/** The RFC 9728 document for the MCP endpoint at `url` (RFC 9728 §3.1 path insertion). */
export function protectedResourceMetadataUrl(url: URL): string {
  return `${url.origin}${PROTECTED_RESOURCE}${url.pathname}`;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function oauthError(refusal: OAuthRefusal, headers: Record<string, string> = {}): SimResponse {
  return json(refusal.status, { error: refusal.error, error_description: refusal.description }, { ...NO_STORE, ...headers });
}

const methodNotAllowed = (endpoint: OAuthEndpoint, allow: string): AtlassianOAuthExchange => ({
  response: json(405, { error: 'invalid_request', error_description: 'Method not allowed' }, { ...NO_STORE, allow }),
  oauth: { endpoint, error: 'invalid_request' },
});

/** Answers one request to the endpoint `atlassianOAuthEndpoint` found for its path. */
export function handleAtlassianOAuth(server: AtlassianAuthorizationServer, endpoint: OAuthEndpoint, request: SimRequest): AtlassianOAuthExchange {
  switch (endpoint) {
    case 'protected_resource_metadata':
      if (request.method !== 'GET') return methodNotAllowed(endpoint, 'GET');
      return { response: json(200, protectedResourceMetadata(request.url)), oauth: { endpoint } };
    case 'authorization_server_metadata':
      if (request.method !== 'GET') return methodNotAllowed(endpoint, 'GET');
      return { response: json(200, authorizationServerMetadata(request.url.origin)), oauth: { endpoint } };
    case 'registration':
      return register(server, request);
    case 'authorization':
      return authorize(server, request);
    case 'token':
    case 'revocation':
      return token(server, request);
  }
}

function protectedResourceMetadata(url: URL) {
  const path = url.pathname.slice(PROTECTED_RESOURCE.length) || '/v1/mcp';
  return { resource: `${url.origin}${path}`, authorization_servers: [url.origin], bearer_methods_supported: ['header'] };
}

/**
 * RFC 8414 metadata with Atlassian's endpoints. Differences from the captured answers: the
 * simulator is one origin, so the issuer and every endpoint share it (Atlassian's issuer was for a
 * while `https://cf.mcp.atlassian.com` while discovery ran on mcp.atlassian.com, which broke
 * clients checking RFC 8414 §3.3: github.com/github/copilot-cli/issues/4490; the latest capture has
 * issuer and endpoints on one origin, as here); and it lists S256 only, where the older capture
 * also lists `plain` — the MCP specification requires S256, and so does the provider since 0.9.0.
 */
function authorizationServerMetadata(origin: string) {
  return {
    issuer: origin,
    authorization_endpoint: `${origin}/v1/authorize`,
    token_endpoint: `${origin}/v1/token`,
    registration_endpoint: `${origin}/v1/register`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint: `${origin}/v1/token`,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
  };
}

// ── registration (RFC 7591) ──────────────────────────────────────────────────────────────────

const registrationBody = z.object({
  redirect_uris: z.array(z.string()).optional(),
  client_name: z.string().optional(),
  client_uri: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  scope: z.string().optional(),
});

function register(server: AtlassianAuthorizationServer, request: SimRequest): AtlassianOAuthExchange {
  const endpoint = 'registration';
  if (request.method !== 'POST') return methodNotAllowed(endpoint, 'POST');
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(request.rawBody);
    } catch {
      throw new OAuthRefusal('invalid_request', 'Invalid JSON payload');
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new OAuthRefusal('invalid_client_metadata', 'Client metadata must be a JSON object');
    const parsed = registrationBody.safeParse(raw);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new OAuthRefusal(issue?.path[0] === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata', `Invalid ${issue?.path.join('.') ?? 'client metadata'}: ${issue?.message ?? 'unreadable'}`);
    }
    const body = parsed.data;
    const { client, clientSecret } = server.register({
      redirectUris: body.redirect_uris,
      clientName: body.client_name,
      clientUri: body.client_uri,
      grantTypes: body.grant_types,
      responseTypes: body.response_types,
      tokenEndpointAuthMethod: body.token_endpoint_auth_method,
      scope: body.scope,
    });
    // RFC 7591 §3.2.1: the registered metadata back, the secret with its expiry (0: never).
    const answer = {
      client_id: client.clientId,
      client_id_issued_at: client.issuedAt,
      redirect_uris: client.redirectUris,
      client_name: client.clientName,
      client_uri: client.clientUri,
      grant_types: client.grantTypes,
      response_types: client.responseTypes,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      scope: client.scope,
      ...(clientSecret !== undefined && { client_secret: clientSecret, client_secret_expires_at: 0 }),
    };
    return { response: json(201, answer, NO_STORE), oauth: { endpoint } };
  } catch (error) {
    if (!(error instanceof OAuthRefusal)) throw error;
    return { response: oauthError(error), oauth: { endpoint, error: error.error } };
  }
}

// ── authorization (RFC 6749 §4.1.1–4.1.2) ────────────────────────────────────────────────────

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(status: number, title: string, body: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`,
  };
}

function redirectTo(uri: string, params: Record<string, string | undefined>): SimResponse {
  const target = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) target.searchParams.set(name, value);
  return { status: 302, headers: { location: target.href, 'cache-control': 'no-store' } };
}

/** The sign-in page: each account is a link back to this authorization with its `login_hint`. */
function accountChooser(server: AtlassianAuthorizationServer, url: URL, clientName: string, unknownHint: string | undefined): SimResponse {
  const link = (account: AtlassianAccount) => {
    const next = new URL(url);
    next.searchParams.set('login_hint', account.emailAddress);
    const label = `${account.displayName} (${account.emailAddress})${account.active ? '' : ' — deactivated'}`;
    return `<li><a href="${escapeHtml(`${next.pathname}${next.search}`)}">${escapeHtml(label)}</a></li>`;
  };
  const notice = unknownHint === undefined ? '' : `<p>No account on this site matches ${escapeHtml(unknownHint)}.</p>\n`;
  return page(200, 'Log in to continue', `${notice}<p>${escapeHtml(clientName)} wants to access your Atlassian account. Choose the account to continue as:</p>\n<ul>\n${server.accounts().map(link).join('\n')}\n</ul>`);
}

function authorize(server: AtlassianAuthorizationServer, request: SimRequest): AtlassianOAuthExchange {
  const endpoint = 'authorization';
  if (request.method !== 'GET') return methodNotAllowed(endpoint, 'GET');
  const query = request.url.searchParams;
  const value = (name: string) => query.get(name) ?? undefined;
  const redirectUri = value('redirect_uri');
  const state = value('state') || undefined;
  const origin = request.url.origin;
  try {
    const checked = server.checkAuthorizationRequest(
      { responseType: value('response_type'), clientId: value('client_id'), redirectUri, scope: value('scope'), codeChallenge: value('code_challenge'), codeChallengeMethod: value('code_challenge_method'), resource: query.getAll('resource') },
      origin,
    );
    const hint = value('login_hint');
    const account = server.sessionAccount() ?? (hint === undefined ? undefined : server.account(hint));
    if (!account) return { response: accountChooser(server, request.url, checked.client.clientName ?? checked.client.clientId, hint), oauth: { endpoint } };
    const code = server.approve(checked, account);
    // RFC 9207: `iss` tells the client which authorization server answered.
    return { response: redirectTo(checked.redirectUri, { code, state, iss: origin }), oauth: { endpoint } };
  } catch (error) {
    if (!(error instanceof AuthorizationRefusal)) throw error;
    const oauth = { endpoint, error: error.error } as const;
    if (!error.redirectable || redirectUri === undefined) return { response: page(400, 'Something went wrong', `<p>${escapeHtml(error.error)}: ${escapeHtml(error.description)}</p>`), oauth };
    return { response: redirectTo(redirectUri, { error: error.error, error_description: error.description, state, iss: origin }), oauth };
  }
}

// ── the token endpoint, and revocation there (RFC 6749 §3.2, §4.1.3, §6; RFC 7009) ───────────

const tokenForm = z.object({
  grant_type: z.string().optional(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
  token: z.string().optional(),
});
type TokenForm = z.infer<typeof tokenForm>;

function readForm(request: SimRequest): { fields: TokenForm; resource: string[] } {
  const mediaType = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') throw new OAuthRefusal('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  const params = new URLSearchParams(request.rawBody);
  for (const name of new Set(params.keys())) {
    // RFC 6749 §3.2: parameters must not repeat; RFC 8707 lets `resource` repeat.
    if (name !== 'resource' && params.getAll(name).length > 1) throw new OAuthRefusal('invalid_request', `Request parameter "${name}" must not be repeated`);
  }
  return { fields: tokenForm.parse(Object.fromEntries(params)), resource: params.getAll('resource') };
}

/** Basic credentials are form-encoded before base64 (RFC 6749 §2.3.1). */
function formDecoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function credentialsOf(request: SimRequest, fields: TokenForm): ClientCredentials {
  const authorization = header(request, 'authorization');
  if (authorization === undefined || !/^basic\s/i.test(authorization)) {
    return { clientId: fields.client_id, clientSecret: fields.client_secret, method: fields.client_secret === undefined ? 'none' : 'client_secret_post' };
  }
  if (fields.client_id !== undefined || fields.client_secret !== undefined) throw new OAuthRefusal('invalid_request', 'Client must not use multiple authentication methods');
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthRefusal('invalid_client', 'Client authentication failed: invalid Basic credentials', 401);
  return { clientId: formDecoded(decoded.slice(0, colon)), clientSecret: formDecoded(decoded.slice(colon + 1)), method: 'client_secret_basic' };
}

function token(server: AtlassianAuthorizationServer, request: SimRequest): AtlassianOAuthExchange {
  let oauth: OAuthCallSummary = { endpoint: 'token' };
  if (request.method !== 'POST') return methodNotAllowed('token', 'POST');
  const basic = /^basic\s/i.test(header(request, 'authorization') ?? '');
  const origin = request.url.origin;
  try {
    const { fields, resource } = readForm(request);
    // RFC 7009 at the token endpoint, as the provider tells them apart: a `token` and no `grant_type`.
    const revocation = fields.grant_type === undefined && fields.token !== undefined;
    oauth = revocation ? { endpoint: 'revocation' } : { endpoint: 'token', ...(fields.grant_type !== undefined && { grantType: fields.grant_type }) };
    const client = server.authenticateClient(credentialsOf(request, fields));
    if (revocation) {
      server.revoke(client, fields.token);
      return { response: { status: 200, headers: NO_STORE }, oauth };
    }
    let tokens: TokenResponse;
    if (fields.grant_type === 'authorization_code') tokens = server.exchangeCode(client, { code: fields.code, redirectUri: fields.redirect_uri, codeVerifier: fields.code_verifier, resource, scope: fields.scope }, origin);
    else if (fields.grant_type === 'refresh_token') tokens = server.refresh(client, { refreshToken: fields.refresh_token, resource, scope: fields.scope }, origin);
    else throw new OAuthRefusal('unsupported_grant_type', 'Grant type not supported');
    return { response: json(200, tokens, NO_STORE), oauth };
  } catch (error) {
    if (!(error instanceof OAuthRefusal)) throw error;
    // RFC 6749 §5.2: a 401 for a client that tried Basic carries the Basic challenge.
    const challenge: Record<string, string> = basic && error.status === 401 ? { 'www-authenticate': 'Basic realm="OAuth"' } : {};
    return { response: oauthError(error, challenge), oauth: { ...oauth, error: error.error } };
  }
}
