/**
 * A worker process of the chaos run: opens the shared store file, composes the engine with the real
 * providers exactly as the sandbox does, and loops `runDueJobs` until told to stop. Its clock is the
 * driver's virtual clock (the offset comes at start and over IPC); its Jira is its own, in memory.
 * An error escaping `runDueJobs` ends the process, as it would end a Forge invocation: the driver
 * counts it as a crash and starts a replacement.
 */
import { randomIds, silentLogger } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { FileSecrets, SandboxJira, VirtualClock, sandboxEngine } from '@clearway/sandbox';
import { engineOptionsFor } from './engine-settings.js';
import { WORKER_CONFIG_ENV, toWorkerSchema, workerConfigSchema, type FromWorker } from './protocol.js';

function send(message: FromWorker): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function errorFacts(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: `${error.name}: ${error.message}`, ...(typeof code === 'string' && { code }) };
  }
  return { message: String(error) };
}

async function crash(error: unknown): Promise<never> {
  await send({ type: 'crashed', ...errorFacts(error) });
  process.exit(1);
}

process.on('uncaughtException', (error) => void crash(error));
process.on('unhandledRejection', (error) => void crash(error));

const config = workerConfigSchema.parse(JSON.parse(process.env[WORKER_CONFIG_ENV] ?? 'null'));
const clock = new VirtualClock();
clock.advance(config.offsetMs);
let appliedOffsetMs = config.offsetMs;
let stopping = false;
let wake: (() => void) | undefined;

process.on('message', (raw) => {
  const message = toWorkerSchema.parse(raw);
  if (message.type === 'clock') {
    clock.advance(message.offsetMs - appliedOffsetMs);
    appliedOffsetMs = message.offsetMs;
  } else {
    stopping = true;
  }
  wake?.();
});
// The driver going away (it was killed, or it finished) ends the worker too.
process.on('disconnect', () => process.exit(0));

const store = new SqliteStore({ path: config.storePath });
const deps = { store, clock, ids: randomIds, secrets: new FileSecrets(config.secretsPath), jira: new SandboxJira(), logger: silentLogger };
const engine = sandboxEngine(deps, engineOptionsFor(config.workerId, config.engine));

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake = undefined;
      resolve();
    }
    wake = done;
  });
}

await send({ type: 'ready' });
try {
  while (!stopping) {
    const deadlineAt = Date.now() + config.runMs;
    await send({ type: 'run_started', deadlineAt });
    const summary = await engine.runDueJobs({ deadline: clock.now() + config.runMs });
    await send({
      type: 'run_finished',
      overrunMs: Date.now() - deadlineAt,
      summary: { claimed: summary.claimed, succeeded: summary.succeeded, retrying: summary.retrying, failed: summary.failed, lost: summary.lost, ...(summary.redispatchAfterMs !== undefined && { redispatchAfterMs: summary.redispatchAfterMs }) },
    });
    if (stopping) break;
    const wait = summary.redispatchAfterMs === undefined ? config.idleMs : Math.min(Math.max(summary.redispatchAfterMs, 10), config.idleMs);
    await pause(wait);
  }
} catch (error) {
  await crash(error);
}
store.close();
process.exit(0);
