import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initializeClearway, randomIds, transact } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '../src/adapters.js';
import { SIM_CREDENTIALS } from '../src/simulator-seed.js';
import { run } from './support.js';

/** A sandbox data folder (the layout of src/paths.ts) with an initialized store and two audit events. */
async function smallSandbox(data: string): Promise<void> {
  const store = new SqliteStore({ path: join(data, 'clearway.db') });
  const deps = { store, clock: new VirtualClock(), ids: randomIds, secrets: new FileSecrets(join(data, 'secrets.json')), jira: new SandboxJira(), logger: new CollectingLogger() };
  await initializeClearway(deps);
  await transact(deps, async () => ({ writes: [], audit: [{ actor: 'tester', type: 'test.event' }], result: undefined }));
  store.close();
}

/** The JSON error object the CLI prints on stderr under --json: exactly one line, nothing else. */
function jsonError(stderr: string): { error: { code: string; message: string; exitCode: number } } {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(stderr) as { error: { code: string; message: string; exitCode: number } };
}

describe('clearway evidence export and verify, when something is wrong', () => {
  const data = mkdtempSync(join(tmpdir(), 'clearway-cli-errors-'));
  const env = { CLEARWAY_SANDBOX_DATA: data };

  beforeAll(async () => {
    await smallSandbox(data);
  });

  it('refuses a range of more than 365 days and leaves an existing pack as it was and no new file behind', () => {
    const out = join(data, 'exports');
    const existing = join(data, 'good.jsonl');
    writeFileSync(existing, 'the pack exported last quarter\n');
    const refused = run('clearway.mjs', ['evidence', 'export', '--out', existing, '--from', '2020-01-01'], env);
    expect(refused).toMatchObject({ status: 2, stdout: '', stderr: 'An export covers at most 365 days; split longer periods into several exports.\n' });
    expect(readFileSync(existing, 'utf8')).toBe('the pack exported last quarter\n');

    const fresh = join(data, 'fresh.jsonl');
    expect(run('clearway.mjs', ['evidence', 'export', '--out', fresh, '--csv', `${out}.csv`, '--from', '2020-01-01'], env).status).toBe(2);
    expect(existsSync(fresh)).toBe(false);
    expect(existsSync(`${out}.csv`)).toBe(false);
    expect(readdirSync(data).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('replaces the pack only once the export succeeded, and the result verifies', () => {
    const pack = join(data, 'good.jsonl');
    writeFileSync(pack, 'the pack exported last quarter\n');
    const exported = run('clearway.mjs', ['evidence', 'export', '--out', pack], env);
    expect(exported).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(pack, 'utf8')).toMatch(/"manifest"/);
    expect(run('clearway.mjs', ['evidence', 'verify', pack], env).stdout).toMatch(/^Evidence verified: \d+ events/);
  }, 120_000);

  it('says in one line that an output path cannot be written, before anything is exported', () => {
    const exports = () => (JSON.parse(run('clearway.mjs', ['--json', 'audit', '--tail', '100'], env).stdout) as Array<{ type: string }>).filter((event) => event.type === 'evidence.exported').length;
    const before = exports();
    const nowhere = join(data, 'no-such-folder', 'pack.jsonl');
    const result = run('clearway.mjs', ['evidence', 'export', '--out', nowhere], env);
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: `Cannot write ${nowhere}: its folder does not exist.\n` });
    const folder = run('clearway.mjs', ['--json', 'evidence', 'export', '--out', data], env);
    expect(folder.status).toBe(2);
    expect(jsonError(folder.stderr)).toEqual({ error: { code: 'output_unwritable', message: `Cannot write ${data}: it is a folder.`, exitCode: 2 } });
    // Nothing was exported, so the chain records no new export.
    expect(exports()).toBe(before);
  }, 120_000);

  it('names a missing --key-file in one line with exit 2, not a raw ENOENT', () => {
    const pack = join(data, 'keyed.jsonl');
    expect(run('clearway.mjs', ['evidence', 'export', '--out', pack], env).status).toBe(0);
    const missing = join(data, 'no-such.key');
    const result = run('clearway.mjs', ['evidence', 'verify', pack, '--key-file', missing], env);
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: `No key file at ${missing} (--key-file): give the audit chain key the pack was exported with.\n` });
    expect(result.stderr).not.toContain('ENOENT');
  }, 120_000);
});

describe('clearway --json, help and connector messages', () => {
  const data = mkdtempSync(join(tmpdir(), 'clearway-cli-json-'));
  const env = { CLEARWAY_SANDBOX_DATA: data };

  it('prints errors as one JSON object on stderr under --json, with the usual exit codes', () => {
    const usage = run('clearway.mjs', ['--json', 'requests', '--status', 'nope'], env);
    expect(usage).toMatchObject({ status: 2, stdout: '' });
    expect(jsonError(usage.stderr).error).toMatchObject({ code: 'usage_error', message: expect.stringMatching(/^--status must be one of /), exitCode: 2 });

    const unknownOption = run('clearway.mjs', ['grants', '--bogus', '--json'], env);
    expect(unknownOption).toMatchObject({ status: 2, stdout: '' });
    expect(jsonError(unknownOption.stderr)).toEqual({ error: { code: 'unknown_option', message: "unknown option '--bogus'", exitCode: 2 } });

    const noData = run('clearway.mjs', ['--json', 'grants'], env);
    expect(noData).toMatchObject({ status: 3, stdout: '' });
    expect(jsonError(noData.stderr).error).toMatchObject({ code: 'no_sandbox_data', exitCode: 3 });

    // Without --json, the same error stays one line of text.
    expect(run('clearway.mjs', ['grants'], env)).toMatchObject({ status: 3, stderr: `No sandbox data at ${data}. Run the main job first: pnpm start\n` });
  }, 120_000);

  it('shows --tail in audit --help', () => {
    const help = run('clearway.mjs', ['audit', '--help'], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--tail <n>\s+how many of the latest events to show, 1 to 100/);
  }, 120_000);

  it('checks the manual connector\'s settings and says it reaches nothing, with or without --simulator', () => {
    const result = run('clearway.mjs', ['--json', 'connector', 'test', 'manual', '--simulator'], env);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({
      provider: 'manual',
      dryRun: false,
      notes: ['The manual connector reaches no directory: the simulator is not used.'],
      steps: [{ step: 'settings', ok: true, ms: expect.any(Number), detail: expect.stringMatching(/^settings accepted\. Nothing to reach: each add and remove becomes a task for a person/) }],
    });
    const config = join(data, 'manual.json');
    writeFileSync(config, JSON.stringify({ settings: { instructions: 'x'.repeat(2_001) } }));
    expect(run('clearway.mjs', ['connector', 'test', 'manual', '--config', config], env).status).toBe(1);
  }, 120_000);

  it('says that --simulator creates the group, in --help and in the report', () => {
    expect(run('clearway.mjs', ['connector', 'test', '--help'], env).stdout).toMatch(/--simulator\s+start the IdP simulator and test against it;\s+implies\s+--create-group/);
    const result = run('clearway.mjs', ['connector', 'test', 'okta-group', '--simulator'], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^--simulator implies --create-group: the group "Clearway connector check" is created in the simulator if it is missing\.\n/);
  }, 120_000);

  it('names the environment variable of a missing secret', () => {
    const config = join(data, 'okta.json');
    writeFileSync(config, JSON.stringify({ settings: { orgUrl: 'https://example.okta.com' }, user: { email: 'a@example.com' }, group: { name: 'x' } }));
    const result = run('clearway.mjs', ['--json', 'connector', 'test', 'okta-group', '--config', config], { ...env, CLEARWAY_SECRET_API_TOKEN: '' });
    expect(result.status).toBe(1);
    const { steps } = JSON.parse(result.stdout) as { steps: Array<{ step: string; ok: boolean; detail: string }> };
    expect(steps).toEqual([{ step: 'settings', ok: false, ms: expect.any(Number), detail: expect.stringMatching(/API token is not set\. Set CLEARWAY_SECRET_API_TOKEN in the environment \(or give --secrets-file\)\.$/) }]);
  }, 120_000);
});

describe('clearway simulator, run on its own', () => {
  const data = mkdtempSync(join(tmpdir(), 'clearway-cli-sim-'));

  it('prints the URLs, settings and credentials a connector needs, with the SCIM path and the variables to set', async () => {
    // Its own process group, so Ctrl-C (SIGINT) reaches the wrapper and the simulator, as in a terminal.
    const child = spawn(process.execPath, [fileURLToPath(new URL('../bin/clearway.mjs', import.meta.url)), 'simulator'], {
      env: { ...process.env, CLEARWAY_SANDBOX_DATA: data },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await expect.poll(() => stdout, { timeout: 60_000, interval: 200 }).toMatch(/try a connector/);
    } finally {
      process.kill(-child.pid!, 'SIGINT');
    }
    // Ctrl-C ends the wrapper by the signal and the simulator by its handler: both are gone.
    await exited;
    const url = /^IdP simulator listening on (https:\/\/\S+) \(Ctrl-C to stop\)$/m.exec(stdout)?.[1];
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const line = (name: string, value: string) => new RegExp(`^ {2}${name} +${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`, 'm');
    expect(stdout).toMatch(line('orgUrl', url!));
    expect(stdout).toMatch(line('apiToken', `${SIM_CREDENTIALS.oktaApiToken}   (secret: CLEARWAY_SECRET_API_TOKEN)`));
    expect(stdout).toMatch(line('tenantId', SIM_CREDENTIALS.entraTenantId));
    expect(stdout).toMatch(line('clientId', SIM_CREDENTIALS.entraClientId));
    expect(stdout).toMatch(line('graphBaseUrl', url!));
    expect(stdout).toMatch(line('clientSecret', `${SIM_CREDENTIALS.entraClientSecret}   (secret: CLEARWAY_SECRET_CLIENT_SECRET)`));
    expect(stdout).toMatch(line('baseUrl', `${url!}/scim/v2`));
    expect(stdout).toMatch(line('bearerToken', `${SIM_CREDENTIALS.scimBearerToken}   (secret: CLEARWAY_SECRET_BEARER_TOKEN)`));
    expect(stdout).toContain(`NODE_EXTRA_CA_CERTS=${join(data, 'tls', 'simulator.pem')}`);
  }, 90_000);
});
