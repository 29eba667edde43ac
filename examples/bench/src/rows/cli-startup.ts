import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initializeClearway, randomIds } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { CollectingLogger, FileSecrets, SandboxJira, VirtualClock } from '@clearway/sandbox';
import { progress, round, type BenchRow } from '../report.js';

const TARGET_SECONDS = 0.3;
const sandboxDir = fileURLToPath(new URL('../../../sandbox/', import.meta.url));
const clearway = join(sandboxDir, 'bin', 'clearway.mjs');

interface Command {
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** One whole process, as a person's shell starts it: wall seconds from spawn to exit. */
function timeRun(command: Command, data: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, command.args, { cwd: sandboxDir, env: { ...process.env, CLEARWAY_SANDBOX_DATA: data, ...command.env }, encoding: 'utf8', timeout: 120_000 });
  const seconds = (performance.now() - started) / 1000;
  // A CLI that failed fast would look like a fast CLI.
  if (result.status !== 0) throw new Error(`node ${command.args.join(' ')} exited ${String(result.status)}: ${result.stderr.trim()}`);
  return seconds;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A sandbox data folder with an initialized store: what `clearway grants` reads. */
async function smallSandbox(data: string): Promise<void> {
  const store = new SqliteStore({ path: join(data, 'clearway.db') });
  await initializeClearway({ store, clock: new VirtualClock(), ids: randomIds, secrets: new FileSecrets(join(data, 'secrets.json')), jira: new SandboxJira(), logger: new CollectingLogger() });
  store.close();
}

/**
 * How long the `clearway` CLI takes to answer, started as a person starts it (`node
 * examples/sandbox/bin/clearway.mjs`): `grants` on a small sandbox store (open the store, read,
 * print) and `--help`, the median of `runs` runs each after a warm-up that compiles the CLI if its
 * sources changed. Side by side, in turn with them: a bare Node start (this machine's floor: both
 * commands run in one Node process; only `connector test` and `simulator` start a second, which
 * trusts the simulator's certificate), and
 * `--help` from the same TypeScript sources through tsx: what compiling on every call costs. (Before
 * the CLI was compiled, every call paid that twice, once more for the certificate check.)
 */
export async function cliStartup(runs = 7): Promise<BenchRow> {
  const data = mkdtempSync(join(tmpdir(), 'clearway-cli-bench-'));
  try {
    await smallSandbox(data);
    const commands = {
      grants: { args: [clearway, 'grants'] },
      help: { args: [clearway, '--help'] },
      bareNode: { args: ['-e', '0'] },
      sourcesHelp: {
        args: ['--conditions=@clearway/source', '--import', 'tsx', '--no-warnings=ExperimentalWarning', join(sandboxDir, 'src', 'cli', 'main.ts'), '--help'],
        env: { TSX_TSCONFIG_PATH: join(sandboxDir, 'tsconfig.run.json') },
      },
    } satisfies Record<string, Command>;
    progress('cli start-up: warm-up (compiles the CLI if its sources changed, creates the certificate)');
    for (const command of Object.values(commands)) timeRun(command, data);
    progress(`cli start-up: ${runs} runs of each command, in turn`);
    const seconds: Record<keyof typeof commands, number[]> = { grants: [], help: [], bareNode: [], sourcesHelp: [] };
    for (let run = 0; run < runs; run += 1) {
      for (const [name, command] of Object.entries(commands)) seconds[name as keyof typeof commands].push(timeRun(command, data));
    }
    const figure = median(seconds.grants);
    return {
      id: 'cli-startup',
      name: `clearway grants on a small sandbox store, as a person starts it (median of ${runs} runs)`,
      figure: round(figure, 2),
      unit: 'seconds, whole process',
      target: `≤ ${TARGET_SECONDS} s`,
      met: figure <= TARGET_SECONDS,
      details: {
        grantsSeconds: round(figure, 2),
        helpSeconds: round(median(seconds.help), 2),
        bareNodeSeconds: round(median(seconds.bareNode), 3),
        grantsOverBareNode: round(figure / median(seconds.bareNode), 1),
        tsxSourcesHelpSeconds: round(median(seconds.sourcesHelp), 2),
        speedupOverTsx: round(median(seconds.sourcesHelp) / median(seconds.help), 1),
      },
    };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}
