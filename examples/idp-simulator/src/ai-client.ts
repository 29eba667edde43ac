import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/**
 * An AI client and its user's browser, for the sandbox and tests: the MCP SDK's own `Client` with
 * the SDK's OAuth flow (`OAuthClientProvider`), and a "browser" that follows the sign-in's
 * redirects — e.g. Clearway's `/authorize`, this simulator's Atlassian sign-in (its browser
 * session says who is signed in), the return through Clearway's `/callback` — until it lands on
 * the client's redirect URI with a code. Nothing here knows Clearway: any MCP server with OAuth.
 */
export class SimulatedAiClient implements OAuthClientProvider {
  private information: OAuthClientInformationMixed | undefined;
  private issued: OAuthTokens | undefined;
  private verifier: string | undefined;
  private code: string | undefined;
  /** Every URL the browser visited during the last sign-in, for the story. */
  readonly visited: string[] = [];

  constructor(
    /** The name the client registers under: what agent-policy rules naming a client match. */
    readonly name: string,
    readonly redirectUrl = 'http://127.0.0.1:33418/oauth/callback',
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return { client_name: this.name, redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.issued;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.issued = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error('No sign-in was started.');
    return this.verifier;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.visited.length = 0;
    this.code = await this.follow(url);
  }

  /** The code the last sign-in brought back. */
  takeCode(): string {
    const code = this.code;
    this.code = undefined;
    if (code === undefined) throw new Error('The sign-in brought back no code.');
    return code;
  }

  private async follow(start: URL): Promise<string> {
    let url = start;
    for (let hop = 0; hop < 10; hop += 1) {
      this.visited.push(`${url.origin}${url.pathname}`);
      if (`${url.origin}${url.pathname}` === this.redirectUrl) {
        const error = url.searchParams.get('error');
        if (error !== null) throw new SignInRefused(error, url.searchParams.get('error_description') ?? '');
        const code = url.searchParams.get('code');
        if (code === null) throw new Error('The sign-in came back without a code.');
        return code;
      }
      const answer = await fetch(url, { redirect: 'manual' });
      const location = answer.headers.get('location');
      const text = await answer.text();
      if (answer.status < 300 || answer.status >= 400 || location === null) throw new SignInRefused('page', `${answer.status}: ${text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200)}`);
      url = new URL(location, url);
    }
    throw new Error('The sign-in redirected more than ten times.');
  }
}

/** The browser was sent back with an OAuth error, or stopped on a page. */
export class SignInRefused extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'SignInRefused';
  }
}

/**
 * Connects the AI client to the gateway as MCP clients do: the first attempt gets 401, the SDK
 * discovers Clearway, registers, and sends the browser to sign in; the code it brings back is
 * exchanged (`finishAuth`) and the client connects with its token.
 */
export async function connectSignedIn(mcpUrl: URL, provider: SimulatedAiClient, clientInfo = { name: provider.name, version: '1.0.0' }): Promise<Client> {
  const attempt = async () => {
    const client = new Client(clientInfo);
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    return client;
  };
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }).finishAuth(provider.takeCode());
    return attempt();
  }
}

/** Signs the client in through the whole OAuth flow and hands back its Clearway access token (for peers that take a header, such as the Inspector's CLI). */
export async function signedInToken(mcpUrl: URL, provider: SimulatedAiClient): Promise<string> {
  const client = await connectSignedIn(mcpUrl, provider);
  await client.close();
  const token = provider.tokens()?.access_token;
  if (token === undefined) throw new Error('The sign-in issued no access token.');
  return token;
}
