import { createHash, randomInt } from 'node:crypto';
import type { AtlassianAccount } from './atlassian-site.js';

/*
 * The authorization server in front of the simulated Atlassian remote MCP server: dynamic client
 * registration, authorization codes with PKCE, rotating refresh tokens and revocation, kept in
 * memory. Shaped on what is known of Atlassian's own (https://mcp.atlassian.com):
 * - Atlassian documents only that the server uses OAuth 2.1 with a consent screen
 *   (https://developer.atlassian.com/cloud/rovo-mcp/guides/configuring-oauth-2-1/) and dynamic
 *   client registration (https://support.atlassian.com/atlassian-rovo-mcp-server/docs/using-with-other-supported-mcp-clients/).
 * - Its answers, as captured by others: access tokens of `expires_in: 3300` (55 minutes, measured to
 *   the second), `token_type: "bearer"`, opaque tokens `<account id, URL-encoded>:<grant id>:<secret>`,
 *   a new refresh token on every refresh, 16-character client ids from registration
 *   (github.com/bitovi/cascade-mcp, specs/atlassian-mcp-analysis/analysis.md;
 *   github.com/atlassian/atlassian-mcp-server/issues/4).
 * - Those shapes, the metadata (revocation at the token endpoint) and `WWW-Authenticate: Bearer
 *   realm="OAuth"` are those of Cloudflare's workers-oauth-provider, which the server was first
 *   served from (its issuer was a workers.dev host), so refusals use that provider's error codes
 *   and descriptions (github.com/cloudflare/workers-oauth-provider, src/oauth-provider.ts).
 * Where the simulator is stricter than that provider it says so below; each difference catches a
 * client that would only work by luck.
 */

/** The MCP endpoints the tokens are for (RFC 8707 resources are `<origin><path>`). */
export const ATLASSIAN_MCP_PATHS = ['/v1/mcp', '/mcp'] as const;

/** The scope granted when a client asks for none: the scope of a captured Atlassian token answer (cascade-mcp, above). */
export const DEFAULT_ATLASSIAN_MCP_SCOPE = 'read:jira-work write:jira-work offline_access';

export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

const GRANT_TYPES = ['authorization_code', 'refresh_token'];
const RESPONSE_TYPES = ['code'];

export interface AtlassianOAuthOptions {
  /** Access-token lifetime; default 3300 s, what Atlassian's answers say. */
  readonly accessTokenSeconds?: number;
  /** Refresh-token lifetime; default none (the provider's default: they live until revoked). */
  readonly refreshTokenSeconds?: number;
  /** Authorization-code lifetime; default 60 s (the provider keeps codes 600 s; a client exchanges at once). */
  readonly codeSeconds?: number;
  /**
   * `never` (default, OAuth 2.1 §4.3.1 strict rotation): a refresh token works once.
   * `until-successor-used`: as workers-oauth-provider does, the token just used stays valid until
   * its successor is used, so a client that lost the answer to a refresh can retry it.
   */
  readonly refreshTokenReuse?: 'never' | 'until-successor-used';
  /**
   * The provider's default since 0.3.0 (`revokeExistingGrants`): a new authorization of the same
   * account for the same client revokes the earlier grants and their tokens. Off by default here;
   * whether Atlassian keeps that default is not documented.
   */
  readonly revokeExistingGrants?: boolean;
}

type Settings = Required<Omit<AtlassianOAuthOptions, 'refreshTokenSeconds'>> & Pick<AtlassianOAuthOptions, 'refreshTokenSeconds'>;

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_target'
  | 'access_denied'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata';

/** A request the authorization server refuses, with its RFC 6749 / 7591 error code. */
export class OAuthRefusal extends Error {
  override readonly name: string = 'OAuthRefusal';
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: 400 | 401 = 400,
  ) {
    super(description);
  }
}

/**
 * A refused authorization request. Until the client and its redirect URI are known, the refusal is
 * a page for the user (RFC 6749 §4.1.2.1: never redirect to an unverified URI); after, a redirect.
 */
export class AuthorizationRefusal extends OAuthRefusal {
  override readonly name = 'AuthorizationRefusal';
  constructor(
    error: OAuthErrorCode,
    description: string,
    readonly redirectable: boolean,
  ) {
    super(error, description);
  }
}

export interface OAuthClientRecord {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly clientName?: string;
  readonly clientUri?: string;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly responseTypes: readonly string[];
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** A client that named no method gets RFC 7591's default (client_secret_basic) and may use either secret method. */
  readonly authMethodExplicit: boolean;
  readonly scope?: string;
  /** Seconds since the epoch, as `client_id_issued_at` says. */
  readonly issuedAt: number;
}

/** What a client asks for at `/v1/register` (RFC 7591 §2), already read from JSON. */
export interface ClientRegistrationRequest {
  readonly redirectUris?: readonly string[];
  readonly clientName?: string;
  readonly clientUri?: string;
  readonly grantTypes?: readonly string[];
  readonly responseTypes?: readonly string[];
  readonly tokenEndpointAuthMethod?: string;
  readonly scope?: string;
}

/** The query of `/v1/authorize` the server judges (`state` only travels back to the client). */
export interface AuthorizationParams {
  readonly responseType?: string;
  readonly clientId?: string;
  readonly redirectUri?: string;
  readonly scope?: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
  readonly resource: readonly string[];
}

/** An authorization request whose client and redirect URI are verified and whose parameters are sound. */
export interface AuthorizationRequest {
  readonly client: OAuthClientRecord;
  readonly redirectUri: string;
  readonly scope: readonly string[];
  readonly codeChallenge: string;
  readonly resource?: string;
}

/** A token endpoint answer (RFC 6749 §5.1), `resource` per RFC 8707 §2.2. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly scope: string;
  readonly resource?: string;
}

/** Which credentials a token endpoint request presented (RFC 6749 §2.3.1). */
export interface ClientCredentials {
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly method: TokenEndpointAuthMethod;
}

interface GrantRecord {
  readonly id: string;
  readonly clientId: string;
  readonly accountId: string;
  readonly scope: readonly string[];
  readonly resource?: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly code: string;
  readonly codeExpiresAt: number;
  codeUsed: boolean;
  refreshToken?: string;
  previousRefreshToken?: string;
  refreshExpiresAt?: number;
  revoked: boolean;
}

interface AccessTokenRecord {
  readonly accountId: string;
  /** Absent for tokens the site issued directly (`issueToken`), which stand for API tokens. */
  readonly grantId?: string;
  readonly clientId?: string;
  readonly resource?: string;
  expiresAt?: number;
}

export type RevocationReason = 'revocation_request' | 'code_reused' | 'reauthorized' | 'site';

/** A token that stopped working before its time, and why. */
export interface TokenRevocation {
  readonly at: number;
  readonly accountId: string;
  readonly clientId?: string;
  readonly grantId?: string;
  readonly token: 'access_token' | 'refresh_token';
  readonly reason: RevocationReason;
}

/** Tokens handed out at the token endpoint. */
export interface TokenIssuance {
  readonly at: number;
  readonly grantType: 'authorization_code' | 'refresh_token';
  readonly accountId: string;
  readonly clientId: string;
  readonly grantId: string;
  readonly accessTokenExpiresAt: number;
}

/** What the authorization server knows of the site's people. */
export interface AccountDirectory {
  account(accountIdOrEmail: string): AtlassianAccount | undefined;
  all(): readonly AtlassianAccount[];
}

export type TokenCheck = { readonly account: AtlassianAccount } | { readonly refused: 'invalid' | 'audience' };

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomString = (length: number) => Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/** Schemes a redirect could run code through, refused as workers-oauth-provider refuses them. */
const DANGEROUS_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'mailto:', 'blob:']);

function checkRedirectUri(uri: string): void {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    throw new OAuthRefusal('invalid_redirect_uri', `Invalid redirect URI: ${uri} is not an absolute URL`);
  }
  // RFC 6749 §3.1.2: an absolute URI without a fragment.
  if (parsed.hash !== '' || uri.includes('#')) throw new OAuthRefusal('invalid_redirect_uri', `Invalid redirect URI: ${uri} has a fragment`);
  const control = [...uri].some((char) => { const code = char.charCodeAt(0); return code <= 0x1f || (code >= 0x7f && code <= 0x9f); });
  if (DANGEROUS_SCHEMES.has(parsed.protocol) || control) throw new OAuthRefusal('invalid_redirect_uri', `Invalid redirect URI: ${uri}`);
}

/**
 * The authorization server's state and rules. The HTTP side (`atlassian-oauth-http.ts`) reads
 * requests into these calls; tests read the inspection methods (`clients`, `activeTokens`,
 * `revocations`, `issuances`).
 */
export class AtlassianAuthorizationServer {
  private settings: Settings;
  private readonly registered = new Map<string, OAuthClientRecord>();
  private readonly grants = new Map<string, GrantRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly revocationLog: TokenRevocation[] = [];
  private readonly issuanceLog: TokenIssuance[] = [];
  private sessionAccountId: string | undefined;
  private consentDenials = 0;

  constructor(
    private readonly directory: AccountDirectory,
    private readonly now: () => number,
    options: AtlassianOAuthOptions = {},
  ) {
    this.settings = { accessTokenSeconds: 3300, codeSeconds: 60, refreshTokenReuse: 'never', revokeExistingGrants: false };
    this.configure(options);
  }

  configure(options: AtlassianOAuthOptions): void {
    for (const [name, value] of Object.entries(options)) {
      if (typeof value === 'number' && !(Number.isFinite(value) && value > 0)) throw new Error(`Atlassian OAuth option ${name} must be a positive number of seconds`);
    }
    // An option given as undefined keeps its current value rather than erasing it.
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as AtlassianOAuthOptions;
    this.settings = { ...this.settings, ...given };
  }

  // ── the browser at the consent screen ──────────────────────────────────────────────────────

  /** The account the next authorizations sign in as, until `signOut`. */
  signInAs(accountIdOrEmail: string): void {
    const account = this.directory.account(accountIdOrEmail);
    if (!account) throw new Error(`No Atlassian account ${accountIdOrEmail} on the simulated site`);
    this.sessionAccountId = account.accountId;
  }

  signOut(): void {
    this.sessionAccountId = undefined;
  }

  sessionAccount(): AtlassianAccount | undefined {
    return this.sessionAccountId === undefined ? undefined : this.directory.account(this.sessionAccountId);
  }

  /** The next authorization that reaches the consent screen is denied by the user. */
  denyNextConsent(): void {
    this.consentDenials += 1;
  }

  accounts(): readonly AtlassianAccount[] {
    return this.directory.all();
  }

  account(accountIdOrEmail: string): AtlassianAccount | undefined {
    return this.directory.account(accountIdOrEmail);
  }

  // ── registration (RFC 7591) ────────────────────────────────────────────────────────────────

  register(request: ClientRegistrationRequest): { client: OAuthClientRecord; clientSecret?: string } {
    const redirectUris = request.redirectUris ?? [];
    if (redirectUris.length === 0) throw new OAuthRefusal('invalid_redirect_uri', 'redirect_uris is required and must not be empty');
    redirectUris.forEach(checkRedirectUri);
    const method = request.tokenEndpointAuthMethod ?? 'client_secret_basic';
    if (!isAuthMethod(method)) throw new OAuthRefusal('invalid_client_metadata', `Unsupported token_endpoint_auth_method: ${method}`);
    const grantTypes = request.grantTypes ?? ['authorization_code'];
    const responseTypes = request.responseTypes ?? ['code'];
    const unsupportedGrant = grantTypes.find((grantType) => !GRANT_TYPES.includes(grantType));
    if (unsupportedGrant !== undefined) throw new OAuthRefusal('invalid_client_metadata', `Unsupported grant_type: ${unsupportedGrant}`);
    const unsupportedResponse = responseTypes.find((responseType) => !RESPONSE_TYPES.includes(responseType));
    if (unsupportedResponse !== undefined) throw new OAuthRefusal('invalid_client_metadata', `Unsupported response_type: ${unsupportedResponse}`);
    if (grantTypes.includes('authorization_code') !== responseTypes.includes('code')) throw new OAuthRefusal('invalid_client_metadata', 'grant_types authorization_code and response_types code must be registered together');

    const clientSecret = method === 'none' ? undefined : randomString(32);
    const client: OAuthClientRecord = {
      clientId: randomString(16),
      ...(clientSecret !== undefined && { clientSecret }),
      ...(request.clientName !== undefined && { clientName: request.clientName }),
      ...(request.clientUri !== undefined && { clientUri: request.clientUri }),
      redirectUris: [...redirectUris],
      grantTypes: [...grantTypes],
      responseTypes: [...responseTypes],
      tokenEndpointAuthMethod: method,
      authMethodExplicit: request.tokenEndpointAuthMethod !== undefined,
      ...(request.scope !== undefined && { scope: request.scope }),
      issuedAt: Math.floor(this.now() / 1000),
    };
    this.registered.set(client.clientId, client);
    return { client, ...(clientSecret !== undefined && { clientSecret }) };
  }

  /** The token and revocation endpoints' client authentication (RFC 6749 §2.3), enforcing the registered method. */
  authenticateClient(credentials: ClientCredentials): OAuthClientRecord {
    if (!credentials.clientId) throw new OAuthRefusal('invalid_client', 'Client ID is required', 401);
    const client = this.registered.get(credentials.clientId);
    if (!client) throw new OAuthRefusal('invalid_client', 'Client not found', 401);
    const secretMethod = (method: TokenEndpointAuthMethod) => method !== 'none';
    const allowed = credentials.method === client.tokenEndpointAuthMethod || (!client.authMethodExplicit && secretMethod(client.tokenEndpointAuthMethod) && secretMethod(credentials.method));
    if (!allowed) throw new OAuthRefusal('invalid_client', 'Client authentication failed', 401);
    if (credentials.method !== 'none') {
      if (!credentials.clientSecret) throw new OAuthRefusal('invalid_client', 'Client authentication failed: missing client_secret', 401);
      if (credentials.clientSecret !== client.clientSecret) throw new OAuthRefusal('invalid_client', 'Client authentication failed: invalid client_secret', 401);
    }
    return client;
  }

  // ── authorization (RFC 6749 §4.1, RFC 7636, RFC 8707) ──────────────────────────────────────

  /**
   * Verifies an authorization request in the provider's order: client, redirect URI (exact
   * match; the provider also lets a loopback URI change port, RFC 8252 §7.3 — the simulator does
   * not, so a client must send the URI it registered), then resource, response type and PKCE.
   * PKCE S256 is required of every client, as the MCP authorization specification requires
   * (https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization#authorization-code-protection);
   * the provider lets confidential clients skip it.
   */
  checkAuthorizationRequest(params: AuthorizationParams, origin: string): AuthorizationRequest {
    if (!params.clientId) throw new AuthorizationRefusal('invalid_request', 'client_id is required', false);
    const client = this.registered.get(params.clientId);
    if (!client) throw new AuthorizationRefusal('invalid_request', 'Invalid client_id', false);
    if (!params.redirectUri || !client.redirectUris.includes(params.redirectUri)) throw new AuthorizationRefusal('invalid_request', 'Invalid redirect URI', false);

    const resource = this.resourceOf(params.resource, origin, true);
    if (!params.responseType) throw new AuthorizationRefusal('invalid_request', 'response_type is required', true);
    if (!RESPONSE_TYPES.includes(params.responseType)) throw new AuthorizationRefusal('unsupported_response_type', `The authorization server does not support response_type ${params.responseType}`, true);
    if (!client.responseTypes.includes(params.responseType)) throw new AuthorizationRefusal('unauthorized_client', `The client is not registered for response_type ${params.responseType}`, true);
    if (!params.codeChallenge) {
      if (params.codeChallengeMethod) throw new AuthorizationRefusal('invalid_request', 'PKCE code_challenge is required when code_challenge_method is provided.', true);
      throw new AuthorizationRefusal('invalid_request', client.tokenEndpointAuthMethod === 'none' ? 'Public clients must use PKCE with the authorization code flow.' : 'PKCE code_challenge is required.', true);
    }
    // RFC 7636 §4.3: an absent method means plain.
    const method = params.codeChallengeMethod ?? 'plain';
    if (method === 'plain') throw new AuthorizationRefusal('invalid_request', 'The plain PKCE method is not allowed. Use S256 instead.', true);
    if (method !== 'S256') throw new AuthorizationRefusal('invalid_request', `Unsupported PKCE code_challenge_method: ${method}`, true);

    const scope = params.scope?.split(' ').filter(Boolean) ?? [];
    return { client, redirectUri: params.redirectUri, scope: [...new Set(scope.length > 0 ? scope : DEFAULT_ATLASSIAN_MCP_SCOPE.split(' '))], codeChallenge: params.codeChallenge, ...(resource !== undefined && { resource }) };
  }

  /** The user (signed in as `account`) answers the consent screen; a code for the client when they allow it. */
  approve(request: AuthorizationRequest, account: AtlassianAccount): string {
    if (!account.active) throw new AuthorizationRefusal('access_denied', 'The Atlassian account is deactivated.', true);
    if (this.consentDenials > 0) {
      this.consentDenials -= 1;
      throw new AuthorizationRefusal('access_denied', 'The user denied the request.', true);
    }
    const id = randomString(16);
    const code = `${encodeURIComponent(account.accountId)}:${id}:${randomString(32)}`;
    const grant: GrantRecord = {
      id,
      clientId: request.client.clientId,
      accountId: account.accountId,
      scope: request.scope,
      ...(request.resource !== undefined && { resource: request.resource }),
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      code,
      codeExpiresAt: this.now() + this.settings.codeSeconds * 1000,
      codeUsed: false,
      revoked: false,
    };
    if (this.settings.revokeExistingGrants) {
      for (const earlier of this.grants.values()) if (earlier.accountId === account.accountId && earlier.clientId === grant.clientId) this.revokeGrant(earlier, 'reauthorized');
    }
    this.grants.set(id, grant);
    return code;
  }

  // ── the token endpoint (RFC 6749 §4.1.3, §6; RFC 7636 §4.6) ────────────────────────────────

  exchangeCode(client: OAuthClientRecord, request: { code?: string; redirectUri?: string; codeVerifier?: string; resource: readonly string[]; scope?: string }, origin: string): TokenResponse {
    if (!request.code) throw new OAuthRefusal('invalid_request', 'Authorization code is required');
    const grantId = grantIdOf(request.code);
    if (grantId === undefined) throw new OAuthRefusal('invalid_grant', 'Invalid authorization code format');
    const grant = this.grants.get(grantId);
    if (!grant || (!grant.codeUsed && grant.codeExpiresAt <= this.now())) throw new OAuthRefusal('invalid_grant', 'Grant not found or authorization code expired');
    if (grant.code !== request.code) throw new OAuthRefusal('invalid_grant', 'Invalid authorization code');
    if (grant.clientId !== client.clientId) throw new OAuthRefusal('invalid_grant', 'Client ID mismatch');
    if (grant.codeUsed) {
      // RFC 6749 §10.5: a replayed code revokes what its first exchange issued.
      this.revokeGrant(grant, 'code_reused');
      throw new OAuthRefusal('invalid_grant', 'Authorization code already used');
    }
    // OAuth 2.1 lets a PKCE client leave redirect_uri out; when sent it must be the authorization's (RFC 6749 §4.1.3).
    if (request.redirectUri !== undefined && request.redirectUri !== grant.redirectUri) throw new OAuthRefusal('invalid_grant', 'Invalid redirect URI');
    if (!request.codeVerifier) throw new OAuthRefusal('invalid_request', 'code_verifier is required for PKCE');
    if (!PKCE_VERIFIER.test(request.codeVerifier) || s256(request.codeVerifier) !== grant.codeChallenge) throw new OAuthRefusal('invalid_grant', 'Invalid PKCE code_verifier');
    const resource = this.boundResource(grant, request.resource, origin);
    grant.codeUsed = true;
    return this.issue(grant, 'authorization_code', resource, request.scope);
  }

  refresh(client: OAuthClientRecord, request: { refreshToken?: string; resource: readonly string[]; scope?: string }, origin: string): TokenResponse {
    if (!request.refreshToken) throw new OAuthRefusal('invalid_request', 'Refresh token is required');
    const grantId = grantIdOf(request.refreshToken);
    if (grantId === undefined) throw new OAuthRefusal('invalid_grant', 'Invalid token format');
    const grant = this.grants.get(grantId);
    if (!grant || grant.revoked || grant.refreshToken === undefined) throw new OAuthRefusal('invalid_grant', 'Grant not found');
    const isCurrent = request.refreshToken === grant.refreshToken;
    const isPrevious = this.settings.refreshTokenReuse === 'until-successor-used' && request.refreshToken === grant.previousRefreshToken;
    if (!isCurrent && !isPrevious) throw new OAuthRefusal('invalid_grant', 'Invalid refresh token');
    if (grant.clientId !== client.clientId) throw new OAuthRefusal('invalid_grant', 'Client ID mismatch');
    if (grant.refreshExpiresAt !== undefined && grant.refreshExpiresAt <= this.now()) throw new OAuthRefusal('invalid_grant', 'Refresh token has expired');
    const resource = this.boundResource(grant, request.resource, origin);
    // Using the successor retires the token before it; using the predecessor again keeps the successor's place.
    grant.previousRefreshToken = request.refreshToken;
    return this.issue(grant, 'refresh_token', resource, request.scope);
  }

  /**
   * RFC 7009, at the token endpoint as the provider serves it: an access token is revoked alone, a
   * refresh token with its whole grant. A token that is unknown, or another client's, changes
   * nothing and is still answered 200 (RFC 7009 §2.2).
   */
  revoke(client: OAuthClientRecord, token: string | undefined): void {
    if (!token) throw new OAuthRefusal('invalid_request', 'Token parameter is required');
    const access = this.accessTokens.get(token);
    if (access?.clientId === client.clientId) {
      this.dropAccessToken(token, access, 'revocation_request');
      return;
    }
    const grantId = grantIdOf(token);
    const grant = grantId === undefined ? undefined : this.grants.get(grantId);
    if (grant && grant.clientId === client.clientId && !grant.revoked && (token === grant.refreshToken || token === grant.previousRefreshToken)) this.revokeGrant(grant, 'revocation_request');
  }

  // ── the resource server's side ─────────────────────────────────────────────────────────────

  /** Whether a bearer token may call the MCP endpoint at `url`: issued, unexpired, unrevoked, for an active account and (when bound to a resource and `url` is given) for it. */
  checkAccessToken(token: string, url?: URL): TokenCheck {
    const record = this.accessTokens.get(token);
    const account = record && !this.expired(record) ? this.directory.account(record.accountId) : undefined;
    if (!record || !account?.active) return { refused: 'invalid' };
    if (url !== undefined && record.resource !== undefined && !audienceMatches(url, record.resource)) return { refused: 'audience' };
    return { account };
  }

  /** A token for the site's own use (`AtlassianSite.issueToken`): no client, no expiry, no resource. */
  issueSiteToken(account: AtlassianAccount): string {
    const token = `simatl_${randomString(32)}`;
    this.accessTokens.set(token, { accountId: account.accountId });
    return token;
  }

  revokeAccessToken(token: string): void {
    const record = this.accessTokens.get(token);
    if (record) this.dropAccessToken(token, record, 'site');
  }

  /** Ends the life of every live access token (of one account): the next call with one is 401, a refresh still works. */
  expireAccessTokens(accountIdOrEmail?: string): number {
    const accountId = accountIdOrEmail === undefined ? undefined : this.requireAccount(accountIdOrEmail).accountId;
    let expired = 0;
    for (const record of this.accessTokens.values()) {
      if ((accountId !== undefined && record.accountId !== accountId) || this.expired(record)) continue;
      record.expiresAt = this.now();
      expired += 1;
    }
    return expired;
  }

  // ── inspection for tests ───────────────────────────────────────────────────────────────────

  /** Registered clients, without their secrets. */
  clients(): ReadonlyArray<Omit<OAuthClientRecord, 'clientSecret'>> {
    return [...this.registered.values()].map(({ clientSecret: _secret, ...client }) => client);
  }

  /** Live tokens the OAuth flow issued to an account (tokens from `issueToken` are not counted), optionally for one client. */
  activeTokens(accountIdOrEmail: string, clientId?: string): { readonly accessTokens: number; readonly refreshTokens: number } {
    const { accountId } = this.requireAccount(accountIdOrEmail);
    const mine = (owner: { accountId: string; clientId?: string }) => owner.accountId === accountId && owner.clientId !== undefined && (clientId === undefined || owner.clientId === clientId);
    const accessTokens = [...this.accessTokens.values()].filter((record) => mine(record) && !this.expired(record)).length;
    const refreshTokens = [...this.grants.values()].filter((grant) => mine(grant) && this.refreshLive(grant)).length;
    return { accessTokens, refreshTokens };
  }

  revocations(accountIdOrEmail?: string): readonly TokenRevocation[] {
    const accountId = accountIdOrEmail === undefined ? undefined : this.requireAccount(accountIdOrEmail).accountId;
    return this.revocationLog.filter((entry) => accountId === undefined || entry.accountId === accountId);
  }

  issuances(accountIdOrEmail?: string): readonly TokenIssuance[] {
    const accountId = accountIdOrEmail === undefined ? undefined : this.requireAccount(accountIdOrEmail).accountId;
    return this.issuanceLog.filter((entry) => accountId === undefined || entry.accountId === accountId);
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  private issue(grant: GrantRecord, grantType: TokenIssuance['grantType'], resource: string | undefined, requestedScope: string | undefined): TokenResponse {
    const now = this.now();
    const prefix = `${encodeURIComponent(grant.accountId)}:${grant.id}:`;
    const accessToken = `${prefix}${randomString(32)}`;
    const refreshToken = `${prefix}${randomString(32)}`;
    const expiresIn = this.settings.accessTokenSeconds;
    this.accessTokens.set(accessToken, { accountId: grant.accountId, grantId: grant.id, clientId: grant.clientId, ...(resource !== undefined && { resource }), expiresAt: now + expiresIn * 1000 });
    grant.refreshToken = refreshToken;
    if (grantType === 'authorization_code' && this.settings.refreshTokenSeconds !== undefined) grant.refreshExpiresAt = now + this.settings.refreshTokenSeconds * 1000;
    this.issuanceLog.push({ at: now, grantType, accountId: grant.accountId, clientId: grant.clientId, grantId: grant.id, accessTokenExpiresAt: now + expiresIn * 1000 });
    // RFC 6749 §3.3: a token request may narrow the granted scope, never widen it.
    const requested = requestedScope?.split(' ').filter(Boolean);
    const scope = requested && requested.length > 0 ? requested.filter((item) => grant.scope.includes(item)) : grant.scope;
    return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn, refresh_token: refreshToken, scope: scope.join(' '), ...(resource !== undefined && { resource }) };
  }

  /** The resource a token request binds to: the authorization's, or the one it names, which must then be the authorization's. */
  private boundResource(grant: GrantRecord, requested: readonly string[], origin: string): string | undefined {
    const resource = this.resourceOf(requested, origin, false);
    if (resource !== undefined && grant.resource !== undefined && resource !== grant.resource) throw new OAuthRefusal('invalid_target', 'Requested resource was not included in the authorization request');
    return resource ?? grant.resource;
  }

  /** RFC 8707: at most one `resource`, and it must be one of the MCP endpoints. */
  private resourceOf(values: readonly string[], origin: string, redirectable: boolean): string | undefined {
    const refuse = (description: string) => (redirectable ? new AuthorizationRefusal('invalid_target', description, true) : new OAuthRefusal('invalid_target', description));
    if (values.length > 1) throw refuse('Only one resource parameter is supported');
    const [resource] = values;
    if (resource === undefined) return undefined;
    const known = ATLASSIAN_MCP_PATHS.map((path) => `${origin}${path}`);
    if (!known.includes(resource)) throw refuse(`The resource parameter must be the Atlassian MCP server: ${known.join(' or ')}`);
    return resource;
  }

  private revokeGrant(grant: GrantRecord, reason: RevocationReason): void {
    if (grant.revoked) return;
    for (const [token, record] of this.accessTokens) if (record.grantId === grant.id) this.dropAccessToken(token, record, reason);
    if (this.refreshLive(grant)) this.revocationLog.push({ at: this.now(), accountId: grant.accountId, clientId: grant.clientId, grantId: grant.id, token: 'refresh_token', reason });
    grant.revoked = true;
    delete grant.refreshToken;
    delete grant.previousRefreshToken;
  }

  private dropAccessToken(token: string, record: AccessTokenRecord, reason: RevocationReason): void {
    this.accessTokens.delete(token);
    if (this.expired(record)) return;
    this.revocationLog.push({ at: this.now(), accountId: record.accountId, ...(record.clientId !== undefined && { clientId: record.clientId }), ...(record.grantId !== undefined && { grantId: record.grantId }), token: 'access_token', reason });
  }

  private expired(record: AccessTokenRecord): boolean {
    return record.expiresAt !== undefined && record.expiresAt <= this.now();
  }

  private refreshLive(grant: GrantRecord): boolean {
    return !grant.revoked && grant.refreshToken !== undefined && (grant.refreshExpiresAt === undefined || grant.refreshExpiresAt > this.now());
  }

  private requireAccount(accountIdOrEmail: string): AtlassianAccount {
    const account = this.directory.account(accountIdOrEmail);
    if (!account) throw new Error(`No Atlassian account ${accountIdOrEmail} on the simulated site`);
    return account;
  }
}

function isAuthMethod(method: string): method is TokenEndpointAuthMethod {
  return (TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(method);
}

/** Codes and tokens read `<account>:<grant>:<secret>`, as the provider's do. */
function grantIdOf(token: string): string | undefined {
  const parts = token.split(':');
  return parts.length === 3 ? parts[1] : undefined;
}

/** RFC 8707 audience: same origin, and the request path is the resource's path or below it. */
function audienceMatches(url: URL, resource: string): boolean {
  const audience = new URL(resource);
  return url.origin === audience.origin && (url.pathname === audience.pathname || url.pathname.startsWith(`${audience.pathname}/`));
}
