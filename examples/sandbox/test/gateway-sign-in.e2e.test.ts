/**
 * Sign-in to the AI-agent gateway, end to end, through the handler the sandbox serves on loopback
 * (the one the Forge web trigger serves): the MCP SDK's own OAuth client against Clearway's
 * endpoints, people signing in at the IdP simulator's Atlassian authorization server, and every
 * refusal a client, a browser or a thief can meet.
 *
 * What each step must do comes from the documents the SDK and the simulator follow:
 * - MCP authorization: https://modelcontextprotocol.io/specification/2025-06-18/basic/authorization
 * - RFC 9728 §5.1 (the 401 names the resource metadata): https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 * - RFC 6749 §4.1.2 (a code is single use; a replay revokes what it gave), §4.1.2.1 (never redirect
 *   to an unverified redirect URI; `access_denied`), §5.2 (`invalid_grant`): https://www.rfc-editor.org/rfc/rfc6749
 * - RFC 7636 §4.6 (the verifier must match the challenge): https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * - RFC 6750 §3.1 (`invalid_token`): https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * - RFC 7009 §2.1–2.2 (revocation; 200 even for a token already gone): https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 * - RFC 8707 §2 (`invalid_target` for a resource the server does not serve): https://www.rfc-editor.org/rfc/rfc8707#section-2
 * - OAuth 2.1 (refresh tokens of public clients are rotated): https://oauth.net/2.1/
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { exportEvidence, initializeClearway, listActivity, randomIds, saveAgentPolicy, type ActivityRecord, type LogFields } from '@clearway/core';
import type { MemorySignInStore, ServedGatewayHost, SignInStore } from '@clearway/core/gateway-sign-in';
import { SqliteStore } from '@clearway/core/sqlite';
import { IdpSimulator, ensureCertificate, type AtlassianSite } from '@clearway/idp-simulator';
import { discoverOAuthServerInfo, exchangeAuthorization, refreshAuthorization, registerClient, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InvalidGrantError, InvalidTargetError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { OAuthMetadataSchema, OAuthProtectedResourceMetadataSchema, type AuthorizationServerMetadata, type OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '../src/adapters.js';
import { SimulatedAiClient, SignInRefused, connectSignedIn } from '@clearway/idp-simulator';
import { sandboxGroups } from '../src/gateway/directory.js';
import { startSandboxGateway } from '../src/gateway/host.js';
import { fileSignInStore } from '../src/gateway/sign-in-store.js';
import { paths } from '../src/paths.js';
import { PEOPLE, SITE_ACCOUNTS, STAFF, sandboxSeed } from '../src/simulator-seed.js';
import type { SandboxDeps } from '../src/world.js';
import { resultText } from './mcp-peers.js';

/** The simulated Atlassian access tokens' life: `expires_in: 3300`, what Atlassian's answers say (idp-simulator README). */
const ATLASSIAN_ACCESS_TOKEN_SECONDS = 3300;
/** Clearway's authorization codes live 60 s (DEFAULT_SIGN_IN_LIFETIMES). */
const CODE_SECONDS = 60;

/**
 * Every secret the flows below handled — Clearway's codes and tokens, the Atlassian codes and
 * tokens, Clearway's client secret at Atlassian — so the last test can prove none reached a log
 * line, an activity record or an audit event.
 */
const secrets = new Set<string>();
const keep = (...values: ReadonlyArray<string | undefined>) => values.forEach((value) => value !== undefined && value !== '' && secrets.add(value));

/** Sandbox's collecting logger, keeping every line with its fields too (the fields are where a careless token would go). */
class LineLogger extends CollectingLogger {
  readonly lines: string[] = [];

  constructor() {
    super();
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      const collect = this[level];
      this[level] = (message: string, fields?: LogFields) => {
        this.lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
        collect(message, fields);
      };
    }
  }
}

/** The AI client whose codes and tokens are remembered as secrets. */
class RecordingAiClient extends SimulatedAiClient {
  override saveTokens(tokens: OAuthTokens): void {
    keep(tokens.access_token, tokens.refresh_token);
    super.saveTokens(tokens);
  }

  override takeCode(): string {
    const code = super.takeCode();
    keep(code);
    return code;
  }
}

/**
 * The sandbox's sign-in store with a tap on what Clearway writes into it: the person's Atlassian
 * tokens (what the store exists to keep) and Clearway's own client secret at Atlassian.
 */
class TappedStore implements SignInStore {
  /** Every Atlassian token pair written, oldest first. */
  readonly upstreamWrites: Array<{ accessToken: string; refreshToken?: string }> = [];

  constructor(readonly inner: MemorySignInStore) {}

  get(name: string): Promise<string | undefined> {
    return this.inner.get(name);
  }

  set(name: string, value: string): Promise<void> {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as { accessToken?: unknown; refreshToken?: unknown; information?: { client_secret?: unknown } };
      if (typeof record.accessToken === 'string') {
        const refreshToken = typeof record.refreshToken === 'string' ? record.refreshToken : undefined;
        this.upstreamWrites.push({ accessToken: record.accessToken, ...(refreshToken !== undefined && { refreshToken }) });
        keep(record.accessToken, refreshToken);
      }
      if (typeof record.information?.client_secret === 'string') keep(record.information.client_secret);
    }
    return this.inner.set(name, value);
  }

  delete(name: string): Promise<void> {
    return this.inner.delete(name);
  }

  claim(name: string, ttlSeconds: number): Promise<boolean> {
    return this.inner.claim(name, ttlSeconds);
  }

  latestUpstream(): { accessToken: string; refreshToken?: string } {
    const latest = this.upstreamWrites.at(-1);
    if (!latest) throw new Error('No Atlassian tokens were stored yet.');
    return latest;
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** What the promise rejected with; fails the test when it resolved. */
async function rejection(attempt: Promise<unknown>): Promise<unknown> {
  const outcome = await attempt.then(
    (result: unknown) => ({ result }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.result).slice(0, 200)}`);
  return outcome.error;
}

describe('signing in to the AI-agent gateway with the MCP SDK client, through the simulated Atlassian', () => {
  const { ana, ben, chen, dev, eve } = PEOPLE;
  const clients: Client[] = [];
  /** `METHOD /path` of every request the gateway host received, and the full URLs of its callbacks. */
  const requests: string[] = [];
  const callbacks: URL[] = [];
  let clock: VirtualClock;
  let logger: LineLogger;
  let deps: SandboxDeps;
  let simulator: IdpSimulator;
  let site: AtlassianSite;
  let store: TappedStore;
  let signInFile: string;
  let gateway: ServedGatewayHost;
  let metadata: AuthorizationServerMetadata;
  /** The SDK client that signs in first and lives through refresh and revocation. */
  let claude: RecordingAiClient;
  let claudeClient: Client;

  /** A request to `/mcp` with a bearer token, as any client without the SDK would send it. */
  const mcpWith = (token: string, url: URL = gateway.mcpUrl) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

  /** Clearway's own client id at the simulated Atlassian (it registered itself there, RFC 7591). */
  const clearwayAtAtlassian = () => {
    const registered = site.oauth.clients().find((client) => client.clientName === 'Clearway (sandbox)');
    if (!registered) throw new Error('Clearway has not registered with the simulated Atlassian.');
    return registered.clientId;
  };

  /** The first half of a sign-in done by hand with the SDK's functions: a registered client and the authorization URL its browser opens. */
  async function startSignIn(name: string, options: { redirectUrl?: string; resource?: URL } = {}) {
    const browser = new RecordingAiClient(name);
    const registered = await registerClient(gateway.baseUrl, { metadata, clientMetadata: browser.clientMetadata });
    const { authorizationUrl, codeVerifier } = await startAuthorization(gateway.baseUrl, {
      metadata,
      clientInformation: registered,
      redirectUrl: options.redirectUrl ?? browser.redirectUrl,
      resource: options.resource ?? new URL(gateway.mcpUrl.href),
      state: `state-of-${name}`,
    });
    const exchange = (code: string, verifier = codeVerifier, resource = new URL(gateway.mcpUrl.href)) =>
      exchangeAuthorization(gateway.baseUrl, { metadata, clientInformation: registered, authorizationCode: code, codeVerifier: verifier, redirectUri: browser.redirectUrl, resource }).then((tokens) => {
        keep(tokens.access_token, tokens.refresh_token);
        return tokens;
      });
    return { browser, registered, authorizationUrl, codeVerifier, exchange };
  }

  /** The browser opens the authorization URL and comes back to the client with a code. */
  async function codeFrom(browser: RecordingAiClient, authorizationUrl: URL): Promise<string> {
    await browser.redirectToAuthorization(authorizationUrl);
    return browser.takeCode();
  }

  const atlassianAuthorizations = () => simulator.calls.filter((call) => call.path.startsWith('/v1/authorize')).length;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clearway-gateway-sign-in-'));
    // One clock for Clearway that the tests move: upstream expiry and code lifetimes are computed on it.
    clock = new VirtualClock();
    logger = new LineLogger();
    deps = { store: new SqliteStore(), clock, ids: randomIds, secrets: new FileSecrets(join(dir, 'secrets.json')), jira: new SandboxJira(undefined, SITE_ACCOUNTS), logger };
    await initializeClearway(deps);
    const saved = await saveAgentPolicy({ ...deps, groups: sandboxGroups }, STAFF.admin, { rules: { defaultEffect: 'allow', rules: [{ operation: 'delete*', effect: 'deny', note: 'AI may never delete' }] } });
    expect(saved.policyVersion).toBe(1);
    // The simulator serves TLS with the certificate vitest.config.ts made every worker trust.
    simulator = await IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate) });
    site = simulator.atlassian!;
    signInFile = join(dir, 'gateway-sign-in.json');
    store = new TappedStore(fileSignInStore(signInFile));
    gateway = await startSandboxGateway(deps, simulator, store);
    gateway.server.on('request', (request: IncomingMessage) => {
      const url = new URL(request.url ?? '/', gateway.baseUrl);
      requests.push(`${request.method ?? ''} ${url.pathname}`);
      if (url.pathname === '/callback') {
        callbacks.push(url);
        keep(url.searchParams.get('code') ?? undefined);
      }
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.close();
    await simulator?.stop();
    deps?.store.close();
  });

  it('a caller without a token gets 401 naming the resource metadata, which names Clearway as the authorization server (RFC 9728)', async () => {
    const anonymous = await fetch(gateway.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${gateway.baseUrl}/.well-known/oauth-protected-resource"`);
    const resource = OAuthProtectedResourceMetadataSchema.parse(await (await fetch(`${gateway.baseUrl}/.well-known/oauth-protected-resource`)).json());
    expect(resource).toMatchObject({ resource: gateway.mcpUrl.href, authorization_servers: [gateway.baseUrl] });
    const info = await discoverOAuthServerInfo(gateway.mcpUrl);
    metadata = info.authorizationServerMetadata!;
    expect(metadata).toMatchObject({
      issuer: gateway.baseUrl,
      authorization_endpoint: `${gateway.baseUrl}/authorize`,
      token_endpoint: `${gateway.baseUrl}/token`,
      registration_endpoint: `${gateway.baseUrl}/register`,
      revocation_endpoint: `${gateway.baseUrl}/revoke`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it("the SDK client discovers Clearway from the 401, registers, signs in at Atlassian with PKCE through Clearway's callback, and calls a tool as Chen", async () => {
    site.signInAs(chen.accountId);
    const before = requests.length;
    claude = new RecordingAiClient('claude');
    claudeClient = await connectSignedIn(gateway.mcpUrl, claude, { name: 'claude-code', version: '1.0.0' });
    clients.push(claudeClient);

    // What reached Clearway, in order: the 401, the resource metadata the 401 named (not the
    // `/mcp`-suffixed default the SDK guesses without one), Clearway's metadata, registration, the
    // browser's two visits; then `finishAuth` on a fresh transport, which has no 401 to read and so
    // discovers by the default path, exchanges the code, and the client connects with its token.
    expect(requests.slice(before, before + 10)).toEqual([
      'POST /mcp',
      'GET /.well-known/oauth-protected-resource',
      'GET /.well-known/oauth-authorization-server',
      'POST /register',
      'GET /authorize',
      'GET /callback',
      'GET /.well-known/oauth-protected-resource/mcp',
      'GET /.well-known/oauth-authorization-server',
      'POST /token',
      'POST /mcp',
    ]);
    expect(claude.visited).toEqual([`${gateway.baseUrl}/authorize`, `${simulator.url}/v1/authorize`, `${gateway.baseUrl}/callback`, claude.redirectUrl]);

    // Clearway sent the browser on to Atlassian with its own PKCE and state, and its callback as redirect URI.
    const atlassian = new URL(simulator.calls.findLast((call) => call.path.startsWith('/v1/authorize'))!.path, simulator.url).searchParams;
    expect(Object.fromEntries(['client_id', 'redirect_uri', 'code_challenge_method', 'resource'].map((name) => [name, atlassian.get(name)]))).toEqual({
      client_id: clearwayAtAtlassian(),
      redirect_uri: `${gateway.baseUrl}/callback`,
      code_challenge_method: 'S256',
      resource: `${simulator.url}/v1/mcp`,
    });
    expect(atlassian.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(atlassian.get('state')).toMatch(/^[\w-]{43}$/);

    const tokens = claude.tokens()!;
    expect(tokens).toMatchObject({ access_token: expect.stringMatching(/^cwa_[\w-]{43}$/), refresh_token: expect.stringMatching(/^cwr_[\w-]{43}$/), token_type: 'Bearer', expires_in: 3600 });
    expect(claude.clientInformation()?.client_id).toMatch(/^cwc_/);

    const search = await claudeClient.callTool({ name: 'searchJiraIssuesUsingJql', arguments: { cloudId: site.cloudId, jql: 'project = OPS ORDER BY created DESC' } });
    expect(search.isError).not.toBe(true);
    expect(resultText(search)).toContain('"OPS-1"');
    const record = (await listActivity(deps, { operation: 'searchJiraIssuesUsingJql', limit: 1 })).items[0]!.data;
    expect(record).toMatchObject({ accountId: chen.accountId, name: chen.displayName, email: chen.email, groups: ['engineering'], client: 'claude', decision: 'allowed', upstreamStatus: 'ok' });

    const connections = await gateway.host.connections.listForAccount(chen.accountId);
    expect(connections).toEqual([expect.objectContaining({ accountId: chen.accountId, name: chen.displayName, client: 'claude' })]);
    expect((await gateway.host.connections.status()).callbackVerifiedAt).toBeDefined();

    // The data folder keeps Clearway's tokens only as SHA-256 digests, and Chen's Atlassian tokens as they are (Forge: secret storage).
    const kept = readFileSync(signInFile, 'utf8');
    expect(kept).not.toContain(tokens.access_token);
    expect(kept).not.toContain(tokens.refresh_token);
    expect(kept).toContain(sha256(tokens.access_token));
    const upstream = store.latestUpstream();
    expect(kept).toContain(upstream.accessToken);
    expect(site.accountForToken(upstream.accessToken)?.accountId).toBe(chen.accountId);
  }, 60_000);

  it("Clearway's refresh: the SDK's refreshAuthorization rotates the tokens, the new ones work, and the old refresh token is refused", async () => {
    const first = claude.tokens()!;
    const renewed = await refreshAuthorization(gateway.baseUrl, { metadata, clientInformation: claude.clientInformation()!, refreshToken: first.refresh_token!, resource: new URL(gateway.mcpUrl.href) });
    keep(renewed.access_token, renewed.refresh_token);
    expect(renewed.access_token).toMatch(/^cwa_/);
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.refresh_token).toMatch(/^cwr_/);
    expect(renewed.refresh_token).not.toBe(first.refresh_token);
    expect((await mcpWith(renewed.access_token)).status).toBe(200);
    // The SDK client reads its provider's tokens on every request: from here on it sends the new one.
    claude.saveTokens(renewed);
    expect((await claudeClient.listTools()).tools.map((tool) => tool.name)).toContain('getJiraIssue');

    const replayed = await rejection(refreshAuthorization(gateway.baseUrl, { metadata, clientInformation: claude.clientInformation()!, refreshToken: first.refresh_token!, resource: new URL(gateway.mcpUrl.href) }));
    expect(replayed).toBeInstanceOf(InvalidGrantError);
    expect((replayed as InvalidGrantError).message).toBe('The refresh token is not valid, has expired or was revoked.');
    // The rotation ended the old refresh token only: the new one is still the connection's.
    expect((await mcpWith(renewed.access_token)).status).toBe(200);
  }, 30_000);

  it("the upstream's refresh: past the Atlassian token's 3300 s, a call still works because Clearway refreshed Chen's Atlassian tokens first", async () => {
    const old = store.latestUpstream();
    const refreshGrants = () => site.oauth.issuances(chen.accountId).filter((issued) => issued.grantType === 'refresh_token');
    expect(refreshGrants()).toEqual([]);
    // Both clocks move: the site's (its token expires) and Clearway's (it computes the upstream expiry on deps.clock).
    site.advanceTime(ATLASSIAN_ACCESS_TOKEN_SECONDS);
    clock.advance(ATLASSIAN_ACCESS_TOKEN_SECONDS * 1000);
    expect(site.accountForToken(old.accessToken)).toBeUndefined();

    const answer = await claudeClient.callTool({ name: 'getJiraIssue', arguments: { cloudId: site.cloudId, issueIdOrKey: 'OPS-1' } });
    expect(answer.isError).not.toBe(true);
    expect(resultText(answer)).toContain('Rotate the VPN gateway certificate');

    expect(refreshGrants()).toEqual([expect.objectContaining({ grantType: 'refresh_token', accountId: chen.accountId, clientId: clearwayAtAtlassian() })]);
    const fresh = store.latestUpstream();
    expect(fresh.accessToken).not.toBe(old.accessToken);
    expect(site.accountForToken(fresh.accessToken)?.accountId).toBe(chen.accountId);
  }, 30_000);

  it("revocation (RFC 7009) at Clearway's /revoke with the refresh token ends the connection: the access token gets 401 and Clearway revoked Chen's Atlassian tokens", async () => {
    const tokens = claude.tokens()!;
    const revocationsBefore = site.oauth.revocations(chen.accountId).length;
    const revoke = (token: string) =>
      fetch(OAuthMetadataSchema.parse(metadata).revocation_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'refresh_token', client_id: claude.clientInformation()!.client_id }),
      });
    expect((await revoke(tokens.refresh_token!)).status).toBe(200);

    const after = await mcpWith(tokens.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await gateway.host.connections.listForAccount(chen.accountId)).toEqual([]);
    // Clearway revoked the refresh token, which ends the whole grant at the site: its access token with it.
    const revoked = site.oauth.revocations(chen.accountId).slice(revocationsBefore);
    expect(revoked.map(({ token, reason, clientId }) => [token, reason, clientId])).toEqual([
      ['access_token', 'revocation_request', clearwayAtAtlassian()],
      ['refresh_token', 'revocation_request', clearwayAtAtlassian()],
    ]);
    expect(site.accountForToken(store.latestUpstream().accessToken)).toBeUndefined();
    expect(await rejection(refreshAuthorization(gateway.baseUrl, { metadata, clientInformation: claude.clientInformation()!, refreshToken: tokens.refresh_token!, resource: new URL(gateway.mcpUrl.href) }))).toBeInstanceOf(InvalidGrantError);
    // A token that is already gone is still answered 200 (RFC 7009 §2.2).
    expect((await revoke(tokens.refresh_token!)).status).toBe(200);

    const events: Array<{ type?: string; data?: Record<string, unknown> }> = [];
    await exportEvidence(deps, STAFF.admin, {}, { jsonl: (line) => void events.push(JSON.parse(line) as (typeof events)[number]) });
    expect(events.filter((event) => event.type === 'gateway.connected' || event.type === 'gateway.disconnected').map((event) => [event.type, event.data?.accountId, event.data?.client, event.data?.by, event.data?.upstreamRevoked])).toEqual([
      ['gateway.connected', chen.accountId, 'claude', undefined, undefined],
      ['gateway.disconnected', chen.accountId, 'claude', 'user', true],
    ]);
  }, 30_000);

  describe('every refusal', () => {
    it('the person declines consent at Atlassian: the client is sent back with access_denied, and nothing is connected', async () => {
      site.signInAs(ana.accountId);
      site.denyNextConsent();
      const upstreamWritesBefore = store.upstreamWrites.length;
      const declined = new RecordingAiClient('claude');
      const refused = await rejection(connectSignedIn(gateway.mcpUrl, declined));
      expect(refused).toBeInstanceOf(SignInRefused);
      expect(refused).toMatchObject({ error: 'access_denied', description: 'The Atlassian sign-in was declined.' });
      expect(declined.visited).toEqual([`${gateway.baseUrl}/authorize`, `${simulator.url}/v1/authorize`, `${gateway.baseUrl}/callback`, declined.redirectUrl]);
      expect(declined.tokens()).toBeUndefined();
      expect(await gateway.host.connections.listForAccount(ana.accountId)).toEqual([]);
      expect(site.oauth.issuances(ana.accountId)).toEqual([]);
      expect(store.upstreamWrites.length).toBe(upstreamWritesBefore);
    }, 30_000);

    it('a redirect URI the client did not register: a page for the person, no redirect, and Atlassian is never asked', async () => {
      site.signInAs(dev.accountId);
      const before = atlassianAuthorizations();
      const { authorizationUrl } = await startSignIn('claude', { redirectUrl: 'http://127.0.0.1:33418/somewhere-else' });
      const answer = await fetch(authorizationUrl, { redirect: 'manual' });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('location')).toBeNull();
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await answer.text()).toContain('The redirect address does not match one the AI client registered');
      expect(atlassianAuthorizations()).toBe(before);
    });

    it('an authorization request without PKCE: an error redirect to the registered URI, with the state and the issuer (RFC 9207)', async () => {
      const before = atlassianAuthorizations();
      const { browser, authorizationUrl } = await startSignIn('claude');
      const withoutPkce = new URL(authorizationUrl);
      withoutPkce.searchParams.delete('code_challenge');
      withoutPkce.searchParams.delete('code_challenge_method');
      const answer = await fetch(withoutPkce, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      const back = new URL(answer.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(browser.redirectUrl);
      expect(Object.fromEntries(back.searchParams)).toEqual({
        error: 'invalid_request',
        error_description: 'PKCE is required: send code_challenge with code_challenge_method=S256.',
        state: 'state-of-claude',
        iss: gateway.baseUrl,
      });
      expect(atlassianAuthorizations()).toBe(before);
    });

    it('a code used twice: the second exchange is invalid_grant, and the tokens the first one gave stop working', async () => {
      site.signInAs(dev.accountId);
      const { browser, registered, authorizationUrl, exchange } = await startSignIn('replayer');
      const code = await codeFrom(browser, authorizationUrl);
      const first = await exchange(code);
      expect((await mcpWith(first.access_token)).status).toBe(200);

      const replayed = await rejection(exchange(code));
      expect(replayed).toBeInstanceOf(InvalidGrantError);
      expect((replayed as InvalidGrantError).message).toBe('The authorization code is not valid, has expired or was already used.');
      const after = await mcpWith(first.access_token);
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await rejection(refreshAuthorization(gateway.baseUrl, { metadata, clientInformation: registered, refreshToken: first.refresh_token!, resource: new URL(gateway.mcpUrl.href) }))).toBeInstanceOf(InvalidGrantError);
    }, 30_000);

    it('a wrong code_verifier is invalid_grant, and the code cannot be tried again with the right one', async () => {
      site.signInAs(dev.accountId);
      const { browser, authorizationUrl, codeVerifier, exchange } = await startSignIn('guesser');
      const code = await codeFrom(browser, authorizationUrl);
      const guessed = await rejection(exchange(code, 'a'.repeat(43)));
      expect(guessed).toBeInstanceOf(InvalidGrantError);
      expect((guessed as InvalidGrantError).message).toBe('The code_verifier does not match the code challenge.');
      expect(await rejection(exchange(code, codeVerifier))).toBeInstanceOf(InvalidGrantError);
    }, 30_000);

    it('a code older than its 60 s is invalid_grant', async () => {
      site.signInAs(dev.accountId);
      const { browser, authorizationUrl, exchange } = await startSignIn('slowpoke');
      const code = await codeFrom(browser, authorizationUrl);
      clock.advance((CODE_SECONDS + 1) * 1000);
      const expired = await rejection(exchange(code));
      expect(expired).toBeInstanceOf(InvalidGrantError);
      expect((expired as InvalidGrantError).message).toBe('The authorization code is not valid, has expired or was already used.');
    }, 30_000);

    it("Atlassian's return to /callback replayed: a page saying the sign-in was used, no redirect and no second code", async () => {
      site.signInAs(dev.accountId);
      const { browser, authorizationUrl } = await startSignIn('claude');
      await codeFrom(browser, authorizationUrl);
      const used = callbacks.at(-1)!;
      expect(used.searchParams.get('code')).not.toBeNull();
      const replay = await fetch(used, { redirect: 'manual' });
      expect(replay.status).toBe(400);
      expect(replay.headers.get('location')).toBeNull();
      expect(await replay.text()).toContain('This sign-in link was already used or has expired.');
    }, 30_000);

    it('a token used after the person disconnected the client from My Access gets 401, and their Atlassian tokens were revoked', async () => {
      site.signInAs(eve.accountId);
      const chatgpt = new RecordingAiClient('chatgpt');
      const client = await connectSignedIn(gateway.mcpUrl, chatgpt);
      await client.close();
      const token = chatgpt.tokens()!.access_token;
      expect((await mcpWith(token)).status).toBe(200);
      const [connection] = await gateway.host.connections.listForAccount(eve.accountId);
      await gateway.host.connections.disconnect(connection!.id, { accountId: eve.accountId, role: 'user' });
      const after = await mcpWith(token);
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(site.oauth.revocations(eve.accountId).map(({ token, reason, clientId }) => [token, reason, clientId])).toEqual([
        ['access_token', 'revocation_request', clearwayAtAtlassian()],
        ['refresh_token', 'revocation_request', clearwayAtAtlassian()],
      ]);
    }, 30_000);

    it('a token for another resource (RFC 8707): /authorize answers invalid_target, and a token is refused at another gateway URL even with the same store', async () => {
      const before = atlassianAuthorizations();
      const { browser, authorizationUrl } = await startSignIn('claude', { resource: new URL('https://mcp.example.com/mcp') });
      const answer = await fetch(authorizationUrl, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      const back = new URL(answer.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).toBe(browser.redirectUrl);
      expect(back.searchParams.get('error')).toBe('invalid_target');
      expect(back.searchParams.get('error_description')).toBe(`This server issues tokens only for ${gateway.mcpUrl.href}.`);
      expect(atlassianAuthorizations()).toBe(before);

      // At the token endpoint too: a code is exchanged only for the resource it was issued for.
      site.signInAs(dev.accountId);
      const started = await startSignIn('claude');
      const code = await codeFrom(started.browser, started.authorizationUrl);
      const wrongTarget = await rejection(started.exchange(code, started.codeVerifier, new URL('https://mcp.example.com/mcp')));
      expect(wrongTarget).toBeInstanceOf(InvalidTargetError);
      expect((wrongTarget as InvalidTargetError).message).toBe(`Tokens are issued only for ${gateway.mcpUrl.href}.`);

      // And a token works only at the URL it was issued for.
      const bound = new RecordingAiClient('claude');
      await (await connectSignedIn(gateway.mcpUrl, bound)).close();
      const token = bound.tokens()!.access_token;
      const elsewhere = await startSandboxGateway(deps, simulator, store);
      try {
        expect((await mcpWith(token)).status).toBe(200);
        const refused = await mcpWith(token, elsewhere.mcpUrl);
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
      } finally {
        await elsewhere.close();
      }
    }, 30_000);

    it("Atlassian's token endpoint failing during the callback: the client gets server_error, and nothing of the sign-in is stored", async () => {
      site.signInAs(ben.accountId);
      const namesBefore = store.inner.names();
      const upstreamWritesBefore = store.upstreamWrites.length;
      const errorsBefore = logger.warnings.length;
      simulator.failNext({ vendor: 'atlassian', method: 'POST', path: /^\/v1\/token/, status: 500 });
      const unlucky = new RecordingAiClient('claude-for-ben');
      const refused = await rejection(connectSignedIn(gateway.mcpUrl, unlucky));
      expect(refused).toBeInstanceOf(SignInRefused);
      expect(refused).toMatchObject({ error: 'server_error', description: 'The Atlassian sign-in could not be completed.' });
      expect(simulator.calls.findLast((call) => call.path.startsWith('/v1/token'))).toMatchObject({ status: 500, outcome: 'fault' });

      expect(await gateway.host.connections.listForAccount(ben.accountId)).toEqual([]);
      expect(site.oauth.issuances(ben.accountId)).toEqual([]);
      expect(store.upstreamWrites.length).toBe(upstreamWritesBefore);
      // The only thing kept is the client's registration, from before the person was sent to sign in.
      const added = store.inner.names().filter((name) => !namesBefore.includes(name));
      expect(added).toHaveLength(1);
      expect(JSON.parse((await store.get(added[0]!))!)).toMatchObject({ client_name: 'claude-for-ben', client_id: unlucky.clientInformation()?.client_id });
      expect(logger.warnings.slice(errorsBefore)).toEqual(['gateway sign-in: the Atlassian sign-in could not be completed']);
    }, 30_000);
  });

  it('no Clearway token or code, no Atlassian code or token, ever appears in a log line, an activity record or an audit event', async () => {
    const clearway = [...secrets].filter((secret) => /^cw[akr]_/.test(secret));
    const atlassian = [...secrets].filter((secret) => !/^cw[akr]_/.test(secret));
    // The scan is only as good as what it looks for: the flows above handled plenty of both.
    const count = (list: readonly string[], prefix: string) => list.filter((secret) => secret.startsWith(prefix)).length;
    expect(count(clearway, 'cwa_')).toBeGreaterThanOrEqual(5);
    expect(count(clearway, 'cwr_')).toBeGreaterThanOrEqual(5);
    expect(count(clearway, 'cwk_')).toBeGreaterThanOrEqual(7);
    // Chen's Atlassian code, her first tokens and the refreshed ones (the simulator's tokens start with the account id).
    expect(count(atlassian, `${encodeURIComponent(chen.accountId)}:`)).toBeGreaterThanOrEqual(5);
    expect(atlassian.length).toBeGreaterThanOrEqual(20);

    const activity: ActivityRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await listActivity(deps, { limit: 100, ...(cursor !== undefined && { cursor }) });
      activity.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const evidence: string[] = [];
    await exportEvidence(deps, STAFF.admin, {}, { jsonl: (line) => void evidence.push(line) });
    const places = { 'log lines': logger.lines.join('\n'), 'activity records': JSON.stringify(activity), 'audit events': evidence.join('\n') };
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(activity.length).toBeGreaterThan(20);
    expect(evidence.some((line) => line.includes('"gateway.connected"'))).toBe(true);
    for (const [place, text] of Object.entries(places)) {
      expect({ place, leaked: [...secrets].filter((secret) => text.includes(secret)) }).toEqual({ place, leaked: [] });
    }
    // Nor does the data folder keep any Clearway token or code: only their digests.
    const kept = readFileSync(signInFile, 'utf8');
    expect(clearway.filter((secret) => kept.includes(secret))).toEqual([]);
  }, 30_000);
});
