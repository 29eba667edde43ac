import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCertificate } from '@clearway/idp-simulator';
import { describe, expect, it } from 'vitest';
import { run } from './support.js';

const sandboxDir = fileURLToPath(new URL('..', import.meta.url));

/** The CLI's build record (bin/cli-bundle.mjs): the bundle's entry file and what it was built from. */
function cliBuild(): { entry: string; inputs: Record<string, number> } {
  return JSON.parse(readFileSync(join(sandboxDir, 'dist', 'clearway.build.json'), 'utf8')) as { entry: string; inputs: Record<string, number> };
}

/** The CLI as it ran before it was compiled: its TypeScript sources through tsx. */
function runSources(args: readonly string[], data: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--conditions=@clearway/source', '--import', 'tsx', '--no-warnings=ExperimentalWarning', 'src/cli/main.ts', ...args], {
    cwd: sandboxDir,
    env: { ...process.env, CLEARWAY_SANDBOX_DATA: data, TSX_TSCONFIG_PATH: join(sandboxDir, 'tsconfig.run.json'), NODE_EXTRA_CA_CERTS: join(data, 'tls', 'simulator.pem') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the clearway CLI runs compiled', () => {
  const data = mkdtempSync(join(tmpdir(), 'clearway-compiled-'));
  const env = { CLEARWAY_SANDBOX_DATA: data };

  it('runs its bundle, built from src/cli/main.ts, in the launcher; a command that talks to the simulator in one plain Node child', () => {
    expect(run('clearway.mjs', ['--help'], env).status).toBe(0);
    // The first command that needs the simulator's certificate creates it.
    expect(run('clearway.mjs', ['connector', 'test', 'nope', '--simulator'], env).status).toBe(2);
    expect(Object.keys(cliBuild().inputs)).toEqual(expect.arrayContaining(['../src/cli/main.ts', '../../../core/src/index.ts']));

    // Every Node process started says which script it runs and with which flags (tsx would be `--import`).
    const probe = join(data, 'probe.cjs');
    const seen = join(data, 'processes.jsonl');
    writeFileSync(probe, `require('node:fs').appendFileSync(${JSON.stringify(seen)}, JSON.stringify({ script: process.argv[1], flags: process.execArgv }) + '\\n');\n`);
    const help = run('clearway.mjs', ['--help'], { ...env, NODE_OPTIONS: `--require ${probe}` });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: clearway \[options\] \[command\]/);
    const processes = () => readFileSync(seen, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { script: string; flags: string[] });
    expect(processes()).toEqual([{ script: join(sandboxDir, 'bin', 'clearway.mjs'), flags: [] }]);
    writeFileSync(seen, '');
    // An unknown provider is refused (exit 2) after the child started: the child is what is counted.
    expect(run('clearway.mjs', ['connector', 'test', 'nope', '--simulator'], { ...env, NODE_OPTIONS: `--require ${probe}` }).status).toBe(2);
    expect(processes()).toEqual([
      { script: join(sandboxDir, 'bin', 'clearway.mjs'), flags: [] },
      { script: join(sandboxDir, 'dist', cliBuild().entry), flags: [] },
    ]);
  }, 120_000);

  it("bundles zod's English messages only: its other locales would be parsed on every start", () => {
    expect(run('clearway.mjs', ['--help'], env).status).toBe(0);
    const { outputs } = JSON.parse(readFileSync(join(sandboxDir, 'dist', 'clearway.build.json'), 'utf8')) as { outputs: string[] };
    const code = outputs.map((file) => readFileSync(join(sandboxDir, 'dist', file), 'utf8')).join('\n');
    expect(code).toContain('Invalid input: expected ');
    expect(code).not.toContain('Ungültige Eingabe');
  }, 120_000);

  it('answers exactly as its TypeScript sources do: output, errors and exit codes', () => {
    for (const args of [['--help'], ['--json', 'requests', '--status', 'nope'], ['grants']]) {
      const compiled = run('clearway.mjs', args, env);
      expect(compiled, args.join(' ')).toEqual(runSources(args, data));
    }
  }, 120_000);

  it('replaces a certificate that expires within a day before trusting it, as the simulator would', async () => {
    const expiring = join(data, 'expiring');
    mkdirSync(join(expiring, 'tls'), { recursive: true });
    const soon = await createCertificate(0.5);
    writeFileSync(join(expiring, 'tls', 'simulator.pem'), soon.cert);
    writeFileSync(join(expiring, 'tls', 'simulator.key'), soon.key);

    expect(run('clearway.mjs', ['connector', 'test', 'nope', '--simulator'], { CLEARWAY_SANDBOX_DATA: expiring }).status).toBe(2);
    const renewed = readFileSync(join(expiring, 'tls', 'simulator.pem'), 'utf8');
    expect(renewed).not.toBe(soon.cert);
    expect(new Date(new X509Certificate(renewed).validTo).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
  }, 120_000);
});
