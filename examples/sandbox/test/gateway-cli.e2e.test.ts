import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomIds, saveAgentPolicy, type ActivityRecord, type Explanation, type GatewayDashboard } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '../src/adapters.js';
import { SimulatedAiClient, connectSignedIn } from '@clearway/idp-simulator';
import { sandboxGroups } from '../src/gateway/directory.js';
import { PEOPLE, SITE_ACCOUNTS, STAFF } from '../src/simulator-seed.js';
import { connectClient, refusal, resultText, startEverythingServer, type EverythingServer } from './mcp-peers.js';
import { copySandboxData, mainJobRun, run } from './support.js';

const sandboxDir = fileURLToPath(new URL('..', import.meta.url));

/** What `clearway --json gateway serve` prints once it listens and has signed `--as` in. */
interface Served {
  /** The MCP endpoint, `<baseUrl>/mcp`. */
  readonly url: string;
  readonly baseUrl: string;
  /** Clearway's redirect URI at the upstream (what an admin allows in Rovo). */
  readonly callbackUrl: string;
  /** A Clearway access token the command obtained through the OAuth flow. */
  readonly token: string;
  readonly accountId: string;
  readonly client: string;
  readonly upstream: string;
  /** The simulated Atlassian MCP server people sign in to. */
  readonly signIn: string;
}

interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly served: Served;
  /** Resolves with the launcher's exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/**
 * `clearway --json gateway serve …` as a person starts it in a terminal: in its own process group,
 * so a test can send what Ctrl-C sends (SIGINT to the whole group) and clean up whatever is left.
 */
async function startServe(args: readonly string[], env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(sandboxDir, 'bin', 'clearway.mjs'), '--json', 'gateway', 'serve', ...args], {
    cwd: sandboxDir,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  serving.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const served = await new Promise<Served>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway serve printed nothing within 60 s: ${stderr}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      try {
        resolve(JSON.parse(stdout) as Served);
        clearTimeout(timer);
      } catch {
        // Not all of the object yet.
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gateway serve ended (${code ?? signal}) before printing its URL: ${stderr}`));
    });
  });
  return { child, served, exited, stderr: () => stderr };
}

/** Every serve process group this file started, ended in afterAll whatever a test left running. */
const serving: ChildProcessWithoutNullStreams[] = [];

/** Whether anything still answers on the gateway's port, asked until `withinMs` passes. */
async function stopsAnswering(url: string, withinMs = 8_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const answered = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (!answered) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

const records = (stdout: string) => JSON.parse(stdout) as ActivityRecord[];

describe('clearway gateway, over the data the main job left', () => {
  let data: string;
  let env: Record<string, string>;
  let everything: EverythingServer | undefined;

  beforeAll(async () => {
    const job = await mainJobRun();
    expect(job.result.stdout).toContain('Sandbox run complete: every step did what it said.');
    // This file changes what it reads (a policy save, the calls through `gateway serve`): on its own copy.
    data = copySandboxData(job.data);
    env = { CLEARWAY_SANDBOX_DATA: data };
    // `gateway serve` runs the simulator with the data folder's certificate, and this process's
    // "browser" (SimulatedAiClient) signs in there over TLS: it must be the certificate this worker
    // trusts (vitest.config.ts made it NODE_EXTRA_CA_CERTS), not the one the main job made.
    const trusted = process.env.NODE_EXTRA_CA_CERTS!;
    mkdirSync(join(data, 'tls'), { recursive: true });
    copyFileSync(trusted, join(data, 'tls', 'simulator.pem'));
    copyFileSync(join(dirname(trusted), 'simulator.key'), join(data, 'tls', 'simulator.key'));
  }, 180_000);

  afterAll(async () => {
    for (const child of serving) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
    await everything?.stop();
  });

  it('gateway log --tail 3 --json: the three newest records, newest first, as chained events with the call in them', () => {
    const result = run('clearway.mjs', ['gateway', 'log', '--tail', '3', '--json'], env);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    const newest = records(result.stdout);
    expect(newest).toHaveLength(3);
    expect(newest[0]!.seq).toBeGreaterThan(newest[1]!.seq);
    expect(newest[1]!.seq).toBeGreaterThan(newest[2]!.seq);
    for (const record of newest) {
      expect(record.entryHash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.keys(record.data)).toEqual(
        expect.arrayContaining(['accountId', 'groups', 'client', 'kind', 'method', 'operation', 'decision', 'basis', 'agentPolicyVersion', 'reason', 'upstreamStatus', 'responseBytes', 'latencyMs', 'startedAt']),
      );
    }
    // The main job's last gateway requests (src/gateway/steps.ts): Ben's refused call, a request without a token, then Ana's token after she disconnected.
    expect(newest.map(({ data: call }) => [call.accountId, call.operation, call.decision, call.basis, call.reason])).toEqual([
      ['', 'invalid', 'blocked', 'invalid', 'Refused: the bearer token is unknown, expired or revoked.'],
      ['', 'invalid', 'blocked', 'invalid', 'Refused: no bearer token was sent.'],
      ['jira-ben', 'getJiraIssue', 'blocked', 'no_grant', expect.stringContaining('Request ChatGPT Enterprise from the Clearway portal')],
    ]);

    const table = run('clearway.mjs', ['gateway', 'log', '--tail', '3'], env);
    expect(table.status).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^seq\s+time\s+user\s+client\s+operation\s+decision\s+by\s+upstream\s+response\s+latency$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(new RegExp(`^${newest[2]!.seq}\\s+\\S+ \\S+\\s+Ben Baker\\s+chatgpt\\s+getJiraIssue\\s+blocked\\s+no_grant\\s+not_forwarded\\s+\\d+ B\\s+\\d+ ms$`));
  }, 60_000);

  it('gateway log --decision blocked shows the delete rule 1 blocked; user, operation and text filters find their calls', () => {
    const blocked = run('clearway.mjs', ['gateway', 'log', '--decision', 'blocked', '--json'], env);
    expect(blocked.status).toBe(0);
    const all = records(blocked.stdout);
    expect(all.every((record) => record.data.decision === 'blocked')).toBe(true);
    expect(all.find((record) => record.data.operation === 'deleteJiraIssue')?.data).toMatchObject({
      accountId: PEOPLE.ana.accountId,
      client: 'chatgpt',
      arguments: { issueIdOrKey: 'OPS-2' },
      basis: 'rule',
      ruleIndex: 0,
      note: 'AI may never delete',
      reason: 'Blocked by rule 1 (delete* → deny for any client, any user) of agent policy v1: AI may never delete.',
      upstreamStatus: 'not_forwarded',
      rpcErrorCode: -32001,
    });
    expect(run('clearway.mjs', ['gateway', 'log', '--decision', 'blocked'], env).stdout).toMatch(/\sAna Alvarez\s+chatgpt\s+deleteJiraIssue\s+blocked\s+rule 1\s+not_forwarded\s/);

    const ben = records(run('clearway.mjs', ['gateway', 'log', '--user', PEOPLE.ben.accountId, '--operation', 'getjiraissue', '--json'], env).stdout);
    expect(ben.map((record) => [record.data.operation, record.data.basis])).toEqual([['getJiraIssue', 'no_grant']]);
    const search = records(run('clearway.mjs', ['gateway', 'log', '--search', 'project = OPS', '--json'], env).stdout);
    expect(search.map((record) => [record.data.operation, record.data.decision, record.data.ruleIndex, record.data.upstreamStatus])).toEqual([['searchJiraIssuesUsingJql', 'allowed', 1, 'ok']]);
    expect(run('clearway.mjs', ['gateway', 'log', '--client', 'claude'], env).stdout).toBe('(none)\n');
  }, 60_000);

  it('gateway policy explain names the rule that decides and its note; with --account it checks the grant as a call would', () => {
    const explained = run('clearway.mjs', ['gateway', 'policy', 'explain', '--client', 'claude', '--group', 'engineering', '--operation', 'deleteJiraIssue'], env);
    expect(explained).toEqual({ status: 0, stderr: '', stdout: 'DENY  by rule 1 (delete* → deny for any client, any user) of agent policy v1\n  note: AI may never delete\n' });
    const json = JSON.parse(run('clearway.mjs', ['--json', 'gateway', 'policy', 'explain', '--client', 'claude', '--group', 'engineering', '--operation', 'DeleteJiraIssue'], env).stdout) as Explanation;
    expect(json).toMatchObject({ policyVersion: 1, effect: 'deny', requiresGrant: false, rule: { client: '*', group: null, operation: 'delete*', effect: 'deny', note: 'AI may never delete' } });

    // Chen's Claude grant ended before the main job did: rule 2 would allow her search, the grant condition refuses it.
    const chen = run('clearway.mjs', ['gateway', 'policy', 'explain', '--client', 'claude', '--group', 'engineering', '--operation', 'searchJiraIssuesUsingJql', '--account', PEOPLE.chen.accountId], env);
    expect(chen.status).toBe(0);
    expect(chen.stdout).toMatch(/^ALLOW {2}by rule 2 \(\* → allow for any client, group engineering\) of agent policy v1\n {2}note: engineering works through AI with its grant\n {2}only with an active Clearway grant for claude-enterprise\n {2}for jira-chen: Blocked: .*and Chen Cho has none\. Request Claude for Enterprise from the Clearway portal/);
  }, 60_000);

  it('gateway dashboard --range 30d --json: every figure, counted from the daily rollups as the log has the calls', () => {
    const result = run('clearway.mjs', ['gateway', 'dashboard', '--range', '30d', '--json'], env);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    const figures = JSON.parse(result.stdout) as GatewayDashboard;
    expect(Object.keys(figures).sort()).toEqual(['allowed', 'averageLatencyMs', 'blockRate', 'blocked', 'calls', 'clients', 'days', 'invalid', 'perDay', 'range', 'topOperations', 'topUsers'].sort());
    // 30 UTC days ending on the sandbox clock's today, the day the main job's gateway steps ran.
    const today = new Date(new VirtualClock(join(data, 'clock.json')).now()).toISOString().slice(0, 10);
    expect(figures).toMatchObject({ range: '30d' });
    expect(figures.days).toHaveLength(30);
    expect(figures.days.at(-1)).toBe(today);
    expect(figures.perDay.map((row) => row.day)).toEqual(figures.days);

    const log = records(run('clearway.mjs', ['gateway', 'log', '--tail', '100', '--json'], env).stdout);
    const inRange = log.filter(({ data: call }) => figures.days.includes(new Date(call.startedAt).toISOString().slice(0, 10)));
    const calls = inRange.filter(({ data: call }) => call.kind === 'call');
    expect(figures.calls).toBe(calls.length);
    expect(figures.blocked).toBe(calls.filter(({ data: call }) => call.decision === 'blocked').length);
    expect(figures.allowed).toBe(figures.calls - figures.blocked);
    expect(figures.invalid).toBe(inRange.filter(({ data: call }) => call.kind === 'invalid').length);
    // The main job's own gateway calls: Ana's search allowed, her delete and Ben's call blocked.
    expect(figures.calls).toBeGreaterThanOrEqual(3);
    expect(figures.topOperations.map((row) => row.operation)).toEqual(expect.arrayContaining(['searchJiraIssuesUsingJql', 'deleteJiraIssue', 'getJiraIssue']));
    expect(run('clearway.mjs', ['gateway', 'dashboard', '--range', '30d'], env).stdout).toMatch(new RegExp(`^30d: ${figures.calls} calls, ${figures.allowed} allowed, ${figures.blocked} blocked \\(block rate [\\d.]+ %\\), ${figures.invalid} refused before evaluation`));
  }, 60_000);

  it('refuses bad options with exit 2 and a message that says what the option takes', () => {
    const refused = (args: readonly string[]) => run('clearway.mjs', args, env);
    expect(refused(['gateway', 'log', '--tail', '0'])).toEqual({ status: 2, stdout: '', stderr: '--tail takes a number from 1 to 100.\n' });
    expect(refused(['gateway', 'log', '--decision', 'maybe'])).toEqual({ status: 2, stdout: '', stderr: '--decision takes allowed or blocked.\n' });
    expect(refused(['gateway', 'dashboard', '--range', 'year'])).toEqual({ status: 2, stdout: '', stderr: '--range takes today, 7d, 30d.\n' });
    expect(refused(['--json', 'gateway', 'log', '--tail', '101'])).toEqual({ status: 2, stdout: '', stderr: '{"error":{"code":"usage_error","message":"--tail takes a number from 1 to 100.","exitCode":2}}\n' });
    // `gateway serve` runs in the launcher's child: its exit code and message come through.
    expect(refused(['gateway', 'serve', '--as', 'nobody'])).toMatchObject({ status: 2, stdout: '', stderr: expect.stringContaining('--as takes a sandbox person (ana, ben, chen') });
    expect(refused(['gateway', 'serve', '--upstream', 'not a url'])).toMatchObject({ status: 2, stderr: '--upstream takes a URL, such as http://127.0.0.1:3001/mcp.\n' });
    expect(run('clearway.mjs', ['gateway', 'log'], { CLEARWAY_SANDBOX_DATA: join(data, 'missing') })).toMatchObject({ status: 3, stderr: expect.stringContaining('Run the main job first') });
  }, 60_000);

  it("gateway serve without --upstream proxies to the simulator's Atlassian site; Chen's Claude grant has ended, so she is offered nothing and told how to get access", async () => {
    const serve = await startServe(['--as', 'chen', '--client', 'claude'], env);
    expect(serve.served).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/), token: expect.stringMatching(/^cwa_/), accountId: 'jira-chen', client: 'claude' });
    expect(serve.served.signIn).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\/mcp$/);
    expect(serve.served.upstream).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\/mcp \(the simulated Atlassian site, cloudId \S+\)$/);
    expect(serve.served.upstream.startsWith(`${serve.served.signIn} `)).toBe(true);
    const client = await connectClient(new URL(serve.served.url), serve.served.token, 'gateway-cli-e2e');
    expect((await client.listTools()).tools).toEqual([]);
    const refused = await refusal(client.callTool({ name: 'getJiraIssue', arguments: { cloudId: 'any', issueIdOrKey: 'OPS-1' } }));
    expect(refused.message).toContain('Request Claude for Enterprise from the Clearway portal');
    await client.close();

    // Ctrl-C in the terminal: SIGINT to the process group.
    process.kill(-serve.child.pid!, 'SIGINT');
    await serve.exited;
    expect(await stopsAnswering(serve.served.url)).toBe(true);
    const listed = records(run('clearway.mjs', ['gateway', 'log', '--user', PEOPLE.chen.accountId, '--operation', 'tools/list', '--tail', '1', '--json'], env).stdout)[0]!.data;
    // The site was asked for its 11 tools; the grant condition hid them all.
    expect(listed).toMatchObject({ reason: 'Listed 0 of 11 tools; the agent policy hides 11.', upstreamStatus: 'ok' });
  }, 90_000);

  it('gateway serve --upstream <server-everything>: the SDK Client calls echo with the printed token, and Cursor signs in by itself through the OAuth flow, under a policy saved a moment before; Ctrl-C stops it; the log, the dashboard and the chain have the calls', async () => {
    // Saved from outside the CLI, while nothing serves: `gateway serve` reads the policy in force.
    const store = new SqliteStore({ path: join(data, 'clearway.db') });
    const deps = { store, clock: new VirtualClock(join(data, 'clock.json')), ids: randomIds, secrets: new FileSecrets(join(data, 'secrets.json')), jira: new SandboxJira(undefined, SITE_ACCOUNTS), logger: new CollectingLogger(), groups: sandboxGroups };
    const saved = await saveAgentPolicy(deps, STAFF.admin, {
      rules: {
        defaultEffect: 'deny',
        rules: [
          { client: 'claude', operation: 'echo', effect: 'allow', note: 'Claude may use the reference echo' },
          { client: 'cursor', operation: 'echo', effect: 'allow', note: 'so may Cursor' },
        ],
      },
    });
    store.close();
    expect(saved.policyVersion).toBe(2);

    const before = JSON.parse(run('clearway.mjs', ['gateway', 'dashboard', '--range', 'today', '--json'], env).stdout) as GatewayDashboard;
    everything = await startEverythingServer();
    const serve = await startServe(['--as', 'chen', '--client', 'claude', '--upstream', everything.url.href], env);
    const { served } = serve;
    expect(served).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/),
      baseUrl: served.url.replace(/\/mcp$/, ''),
      callbackUrl: served.url.replace(/\/mcp$/, '/callback'),
      token: expect.stringMatching(/^cwa_[\w-]{43}$/),
      accountId: 'jira-chen',
      client: 'claude',
      upstream: everything.url.href,
      signIn: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/v1\/mcp$/),
    });
    // The token is shown once: the data folder keeps only its SHA-256 (base64url), as Forge secret storage would.
    const kept = () => readFileSync(join(data, 'gateway-sign-in.json'), 'utf8');
    const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');
    expect(kept()).not.toContain(served.token);
    expect(kept()).toContain(sha256(served.token));

    const client = await connectClient(new URL(served.url), served.token, 'gateway-cli-e2e');
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    const echoed = await client.callTool({ name: 'echo', arguments: { message: 'served by clearway gateway serve' } });
    expect(resultText(echoed)).toBe('Echo: served by clearway gateway serve');
    const environment = await refusal(client.callTool({ name: 'get-env', arguments: {} }));
    expect(environment.message).toBe('MCP error -32001: Blocked by the default decision (deny) of agent policy v2.');
    await client.close();

    // A real client with no token: the SDK finds Clearway from the 401, registers as "cursor", and
    // its browser signs in at the simulated Atlassian, whose session `serve` set to Chen.
    const cursor = new SimulatedAiClient('cursor');
    const signedIn = await connectSignedIn(new URL(served.url), cursor, { name: 'cursor-vscode', version: '1.0.0' });
    const signInOrigin = new URL(served.signIn).origin;
    expect(cursor.visited).toEqual([`${served.baseUrl}/authorize`, `${signInOrigin}/v1/authorize`, served.callbackUrl, cursor.redirectUrl]);
    const cursorToken = cursor.tokens()?.access_token ?? '';
    expect(cursorToken).toMatch(/^cwa_/);
    expect(cursorToken).not.toBe(served.token);
    expect((await signedIn.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    expect(resultText(await signedIn.callTool({ name: 'echo', arguments: { message: 'Cursor signed in by itself' } }))).toBe('Echo: Cursor signed in by itself');
    await signedIn.close();
    expect(kept()).not.toContain(cursorToken);
    expect(kept()).toContain(sha256(cursorToken));

    const stranger = await fetch(served.url, { method: 'POST', headers: { authorization: 'Bearer cwa_not-a-token', 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('www-authenticate')).toContain('error="invalid_token"');

    process.kill(-serve.child.pid!, 'SIGINT');
    await serve.exited;
    expect(await stopsAnswering(served.url)).toBe(true);

    // The newest calls and refusals (the protocol records of each connection between them left out).
    const newest = records(run('clearway.mjs', ['gateway', 'log', '--tail', '20', '--json'], env).stdout)
      .filter(({ data: call }) => call.kind !== 'protocol')
      .slice(0, 5)
      .map(({ data: call }) => [call.accountId, call.client, call.operation, call.decision, call.basis, call.ruleIndex, call.agentPolicyVersion, call.upstreamStatus]);
    expect(newest).toEqual([
      ['', '', 'invalid', 'blocked', 'invalid', undefined, 0, 'not_forwarded'],
      ['jira-chen', 'cursor', 'echo', 'allowed', 'rule', 1, 2, 'ok'],
      // Cursor's first attempt, before it had signed in: the 401 that sent it to discover Clearway.
      ['', '', 'invalid', 'blocked', 'invalid', undefined, 0, 'not_forwarded'],
      ['jira-chen', 'claude', 'get-env', 'blocked', 'default', undefined, 2, 'not_forwarded'],
      ['jira-chen', 'claude', 'echo', 'allowed', 'rule', 0, 2, 'ok'],
    ]);
    const cursorInitialize = records(run('clearway.mjs', ['gateway', 'log', '--client', 'cursor', '--operation', 'initialize', '--json'], env).stdout)[0]?.data;
    expect(cursorInitialize).toMatchObject({ accountId: 'jira-chen', clientInfoName: 'cursor-vscode', upstreamStatus: 'ok' });
    // Today on the sandbox clock (the main job's gateway steps ran today too): this serve added 3 calls, 1 blocked, and 3 refused
    // before evaluation (the first, token-less attempts of serve's own sign-in and of Cursor's, and the unknown token).
    const today = JSON.parse(run('clearway.mjs', ['gateway', 'dashboard', '--range', 'today', '--json'], env).stdout) as GatewayDashboard;
    expect([today.calls - before.calls, today.allowed - before.allowed, today.blocked - before.blocked, today.invalid - before.invalid]).toEqual([3, 2, 1, 3]);
    expect(before.calls).toBeGreaterThanOrEqual(3);
    expect(today.topUsers.find((row) => row.accountId === 'jira-chen')).toMatchObject({ name: 'Chen Cho', calls: 4, blocked: 2 });
    expect(today.topOperations.map((row) => row.operation)).toEqual(expect.arrayContaining(['echo', 'get-env', 'getJiraIssue', 'searchJiraIssuesUsingJql', 'deleteJiraIssue']));
    expect(run('clearway.mjs', ['audit', 'verify'], env)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Chain verified: \d+ events/) });
  }, 90_000);

  it('SIGTERM to the clearway process stops the gateway it serves and exits 0', async () => {
    const serve = await startServe(['--as', 'dev', '--client', 'claude', '--upstream', everything!.url.href], env);
    serve.child.kill('SIGTERM');
    const exit = await serve.exited;
    expect(await stopsAnswering(serve.served.url)).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});
