import { discoverOAuthServerInfo, exchangeAuthorization, refreshAuthorization, registerClient, startAuthorization, type OAuthServerInfo } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AuthorizationServerMetadata, OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { resourceUrlFromServerUrl } from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { z } from 'zod';
import type { Clock } from '../../ports/clock.js';
import { type Records, names, upstreamClientSchema, type UpstreamClient, type UpstreamTokens } from './records.js';
import type { UpstreamSignInConfig } from './types.js';

/**
 * Clearway as an OAuth client of the upstream MCP server's authorization server (Atlassian's, in
 * production): discovery from the MCP server's protected-resource metadata (RFC 9728), one dynamic
 * registration (RFC 7591) kept in the store, authorization code + PKCE, refresh, revocation
 * (RFC 7009). Discovery, registration, the authorization URL, the exchange and the refresh are the
 * MCP SDK's own client functions, so Clearway talks to Atlassian exactly as MCP clients do.
 */
export class UpstreamOAuth {
  private discovered: Promise<Discovered> | undefined;
  /**
   * Every upstream OAuth request ends within 10 s (`timeoutMs`): the SDK's functions set no deadline, and a Forge
   * web trigger that hangs past 55 s ends with the platform's error instead of an OAuth answer.
   */
  private readonly fetchFn: typeof fetch;

  private known: UpstreamClient | undefined;

  constructor(
    private readonly config: UpstreamSignInConfig,
    private readonly records: Records,
    private readonly clock: Clock,
  ) {
    const base = config.fetch ?? fetch;
    this.fetchFn = (input, init) => {
      const deadline = AbortSignal.timeout(config.timeoutMs ?? UPSTREAM_OAUTH_TIMEOUT_MS);
      return base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
    };
  }

  /** The upstream's authorization server and the resource its tokens are for; discovery failures are retried next time. */
  discover(): Promise<Discovered> {
    this.discovered ??= discoverOAuthServerInfo(this.config.mcpUrl, { fetchFn: this.fetchFn }).then(
      (info) => {
        if (!info.authorizationServerMetadata) throw new UpstreamSignInError('upstream_metadata', 'The upstream MCP server names no authorization server metadata Clearway could read.');
        return { info, metadata: info.authorizationServerMetadata, resource: String(info.resourceMetadata?.resource ?? resourceUrlFromServerUrl(this.config.mcpUrl)) };
      },
      (error: unknown) => {
        this.discovered = undefined;
        throw error instanceof UpstreamSignInError ? error : new UpstreamSignInError('upstream_metadata', 'The upstream MCP server’s authorization server could not be discovered.');
      },
    );
    return this.discovered;
  }

  /** Clearway's registration with the upstream for this redirect URI: registered once, again when the URI or the issuer changes. */
  async registration(redirectUri: string): Promise<UpstreamClient> {
    const { info, metadata } = await this.discover();
    const fits = (client: UpstreamClient | undefined): client is UpstreamClient => client !== undefined && client.redirectUri === redirectUri && client.issuer === metadata.issuer;
    // Kept in memory after the first read: the stored copy stays the source across processes.
    if (fits(this.known)) return this.known;
    const stored = await this.records.read(names.upstreamClient, upstreamClientSchema);
    if (fits(stored)) return (this.known = stored);
    if (!metadata.registration_endpoint) throw new UpstreamSignInError('upstream_registration', 'The upstream authorization server offers no dynamic client registration.');
    const secretMethods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const method = secretMethods.includes('client_secret_basic') ? 'client_secret_basic' : secretMethods.includes('client_secret_post') ? 'client_secret_post' : 'none';
    let information: OAuthClientInformationMixed;
    try {
      information = await registerClient(info.authorizationServerUrl, {
        metadata,
        clientMetadata: {
          client_name: this.config.clientName ?? 'Clearway AI governance',
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: method,
          ...(this.config.scope !== undefined && { scope: this.config.scope }),
        },
        fetchFn: this.fetchFn,
      });
    } catch {
      throw new UpstreamSignInError('upstream_registration', 'The upstream authorization server refused Clearway’s registration.');
    }
    const client: UpstreamClient = { issuer: metadata.issuer, redirectUri, information: { ...information, client_id: information.client_id }, registeredAt: this.clock.now() };
    await this.records.write(names.upstreamClient, client);
    return (this.known = client);
  }

  /** Where to send the user's browser, and the PKCE verifier to keep for the callback. */
  async authorizationUrl(redirectUri: string, state: string): Promise<{ url: URL; verifier: string }> {
    const { info, metadata, resource } = await this.discover();
    const client = await this.registration(redirectUri);
    const { authorizationUrl, codeVerifier } = await startAuthorization(info.authorizationServerUrl, {
      metadata,
      clientInformation: client.information,
      redirectUrl: redirectUri,
      state,
      resource,
      ...(this.config.scope !== undefined && { scope: this.config.scope }),
    });
    return { url: authorizationUrl, verifier: codeVerifier };
  }

  async exchange(code: string, verifier: string, redirectUri: string): Promise<UpstreamTokens> {
    const { info, metadata, resource } = await this.discover();
    const client = await this.registration(redirectUri);
    const tokens = await exchangeAuthorization(info.authorizationServerUrl, {
      metadata,
      clientInformation: client.information,
      authorizationCode: code,
      codeVerifier: verifier,
      redirectUri,
      resource,
      fetchFn: this.fetchFn,
    });
    return this.kept(tokens);
  }

  /** New tokens for a refresh token; the SDK throws its `InvalidGrantError` when the upstream no longer honours it. */
  async refresh(tokens: UpstreamTokens, redirectUri: string): Promise<UpstreamTokens> {
    if (tokens.refreshToken === undefined) throw new UpstreamSignInError('upstream_expired', 'The upstream token has expired and came with no refresh token.');
    const { info, metadata, resource } = await this.discover();
    const client = await this.registration(redirectUri);
    const fresh = await refreshAuthorization(info.authorizationServerUrl, {
      metadata,
      clientInformation: client.information,
      refreshToken: tokens.refreshToken,
      resource,
      fetchFn: this.fetchFn,
    });
    // RFC 6749 §6: the server may keep the old refresh token.
    return this.kept({ ...fresh, refresh_token: fresh.refresh_token ?? tokens.refreshToken });
  }

  /**
   * RFC 7009: revokes the refresh token (which ends its access tokens) or else the access token.
   * True when the upstream confirmed (200), false when it offers no revocation or refused.
   */
  async revoke(tokens: UpstreamTokens, redirectUri: string): Promise<boolean> {
    const { metadata } = await this.discover();
    const endpoint = 'revocation_endpoint' in metadata && typeof metadata.revocation_endpoint === 'string' ? metadata.revocation_endpoint : undefined;
    if (!endpoint) return false;
    const client = await this.registration(redirectUri);
    const body = new URLSearchParams({ token: tokens.refreshToken ?? tokens.accessToken, token_type_hint: tokens.refreshToken !== undefined ? 'refresh_token' : 'access_token' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const { client_id: clientId, client_secret: secret } = client.information;
    const method = 'token_endpoint_auth_method' in client.information ? client.information.token_endpoint_auth_method : undefined;
    if (secret !== undefined && method !== 'client_secret_post') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    } else {
      body.set('client_id', clientId);
      if (secret !== undefined) body.set('client_secret', secret);
    }
    try {
      const response = await this.fetchFn(endpoint, { method: 'POST', headers, body });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Who the token belongs to: the upstream MCP server's `atlassianUserInfo` tool, called as the user. */
  async whoAmI(accessToken: string): Promise<UpstreamIdentity> {
    const client = new Client({ name: 'clearway-sign-in', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(new URL(this.config.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
      ...(this.config.fetch && { fetch: this.config.fetch }),
    });
    try {
      await client.connect(transport, { timeout: 15_000 });
      const result = await client.callTool({ name: USER_INFO_TOOL, arguments: {} }, undefined, { timeout: 15_000 });
      const content: unknown = result.content;
      const text = Array.isArray(content) ? textContentSchema.safeParse(content.find((item) => textContentSchema.safeParse(item).success)).data?.text : undefined;
      const parsed = text === undefined || result.isError === true ? undefined : userInfoSchema.safeParse(safeJson(text));
      if (!parsed?.success) throw new UpstreamSignInError('upstream_identity', `The upstream's ${USER_INFO_TOOL} tool did not say who signed in.`);
      const info = parsed.data;
      const accountId = info.account_id ?? info.accountId;
      if (accountId === undefined) throw new UpstreamSignInError('upstream_identity', `The upstream's ${USER_INFO_TOOL} tool named no account.`);
      const name = info.name ?? info.displayName;
      const email = info.email ?? info.emailAddress;
      return { accountId, ...(name !== undefined && { name }), ...(email !== undefined && { email }) };
    } catch (error) {
      throw error instanceof UpstreamSignInError ? error : new UpstreamSignInError('upstream_identity', 'The upstream MCP server could not be asked who signed in.');
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  private kept(tokens: OAuthTokens): UpstreamTokens {
    return {
      accessToken: tokens.access_token,
      ...(tokens.refresh_token !== undefined && { refreshToken: tokens.refresh_token }),
      ...(tokens.expires_in !== undefined && { expiresAt: this.clock.now() + tokens.expires_in * 1000 }),
      ...(tokens.scope !== undefined && { scope: tokens.scope }),
    };
  }
}

const UPSTREAM_OAUTH_TIMEOUT_MS = 10_000;

/** Atlassian's remote MCP server's "who am I" tool (PLATFORM-NOTES "MCP"; the simulator serves it too). */
export const USER_INFO_TOOL = 'atlassianUserInfo';

interface Discovered {
  readonly info: OAuthServerInfo;
  readonly metadata: AuthorizationServerMetadata;
  readonly resource: string;
}

export interface UpstreamIdentity {
  readonly accountId: string;
  readonly name?: string;
  readonly email?: string;
}

const textContentSchema = z.object({ type: z.literal('text'), text: z.string() });

const userInfoSchema = z.looseObject({
  account_id: z.string().min(1).optional(),
  accountId: z.string().min(1).optional(),
  name: z.string().optional(),
  displayName: z.string().optional(),
  email: z.string().optional(),
  emailAddress: z.string().optional(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type UpstreamSignInErrorCode = 'upstream_metadata' | 'upstream_registration' | 'upstream_identity' | 'upstream_expired';

/** Why sign-in with the upstream could not go on; the message is safe to show (no token, no upstream body). */
export class UpstreamSignInError extends Error {
  constructor(
    readonly code: UpstreamSignInErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamSignInError';
  }
}
