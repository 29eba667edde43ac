import type { ChildProcess } from 'node:child_process';
import { forkTypeScript } from './fork.js';
import type { EngineSettings, FromWorker, WorkerConfig } from './protocol.js';
import { WORKER_CONFIG_ENV, fromWorkerSchema } from './protocol.js';

export interface WorkerCrash {
  readonly workerId: string;
  readonly message: string;
  readonly code?: string;
}

export interface PoolStats {
  started: number;
  kills: number;
  restarts: number;
  crashes: WorkerCrash[];
  runs: number;
  /** The largest time past its deadline a `runDueJobs` returned (or, if it never did, was still running). */
  maxOverrunMs: number;
  /** Runs that went past their deadline by more than the tolerance. */
  overruns: number;
}

interface Handle {
  readonly id: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** The driver killed it, or it reported its own crash: its exit is not a (second) crash. */
  exitExplained: boolean;
  /** Real time by which the run in progress should have returned. */
  runDeadlineAt?: number;
  overrunCounted: boolean;
  stderr: string;
}

export interface WorkerPoolOptions {
  readonly storePath: string;
  readonly secretsPath: string;
  readonly engine: EngineSettings;
  readonly runMs: number;
  readonly idleMs: number;
  /** A run this far past its deadline counts as an overrun. */
  readonly overrunToleranceMs: number;
  /** The shared virtual clock's current offset, handed to every worker that starts. */
  readonly clockOffset: () => number;
}

/**
 * The worker processes of a chaos run: started with the shared clock's offset, killed with
 * SIGKILL and replaced, told the clock's new offset, stopped at the end. Records what they
 * report: runs, overruns past the deadline, and crashes (deaths the driver did not cause).
 */
export class WorkerPool {
  readonly stats: PoolStats = { started: 0, kills: 0, restarts: 0, crashes: [], runs: 0, maxOverrunMs: 0, overruns: 0 };
  private readonly handles = new Map<string, Handle>();
  private generation = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Ids of the workers alive now. */
  alive(): string[] {
    return [...this.handles.keys()];
  }

  /** Starts a worker and waits until it is composed and ready to run jobs. */
  async start(slot: string): Promise<string> {
    this.generation += 1;
    const id = `${slot}.${this.generation}`;
    const config: WorkerConfig = {
      workerId: id,
      storePath: this.options.storePath,
      secretsPath: this.options.secretsPath,
      offsetMs: this.options.clockOffset(),
      runMs: this.options.runMs,
      idleMs: this.options.idleMs,
      engine: this.options.engine,
    };
    const child = forkTypeScript(new URL('./worker.ts', import.meta.url), { [WORKER_CONFIG_ENV]: JSON.stringify(config) });
    let ready: () => void = () => undefined;
    const readyOrExit = new Promise<void>((resolve) => (ready = resolve));
    const handle: Handle = {
      id,
      child,
      exitExplained: false,
      overrunCounted: false,
      stderr: '',
      exited: new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          this.handles.delete(id);
          this.noteExit(handle, code, signal);
          ready();
          resolve();
        });
      }),
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      handle.stderr = (handle.stderr + chunk.toString('utf8')).slice(-2_000);
    });
    child.on('message', (raw) => {
      const parsed = fromWorkerSchema.safeParse(raw);
      if (parsed.success) this.receive(handle, parsed.data, ready);
    });
    this.handles.set(id, handle);
    this.stats.started += 1;
    await readyOrExit;
    return id;
  }

  /** Starts a worker in place of one that was killed or crashed. */
  async restart(slot: string): Promise<string> {
    this.stats.restarts += 1;
    return this.start(slot);
  }

  /** SIGKILL, as a crashed host or an out-of-memory kill would: no chance to tidy up. */
  async kill(id: string): Promise<void> {
    const handle = this.handles.get(id);
    if (!handle) return;
    handle.exitExplained = true;
    this.stats.kills += 1;
    this.noteOverrun(handle, Date.now());
    handle.child.kill('SIGKILL');
    await handle.exited;
  }

  /** Tells every worker the clock's new offset. */
  broadcastClock(offsetMs: number): void {
    for (const handle of this.handles.values()) if (handle.child.connected) handle.child.send({ type: 'clock', offsetMs });
  }

  /** Asks every worker to finish its run and exit; kills those still running after `graceMs`. Answers the ids that had to be killed. */
  async stopAll(graceMs: number): Promise<string[]> {
    const handles = [...this.handles.values()];
    for (const handle of handles) {
      handle.exitExplained = true;
      if (handle.child.connected) handle.child.send({ type: 'stop' });
    }
    const timedOut = await Promise.race([Promise.all(handles.map((handle) => handle.exited)).then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs))]);
    if (!timedOut) return [];
    const stuck = [...this.handles.values()];
    for (const handle of stuck) {
      handle.exitExplained = true;
      this.noteOverrun(handle, Date.now());
      handle.child.kill('SIGKILL');
    }
    await Promise.all(stuck.map((handle) => handle.exited));
    return stuck.map((handle) => handle.id);
  }

  private receive(handle: Handle, message: FromWorker, ready: () => void): void {
    switch (message.type) {
      case 'ready':
        ready();
        return;
      case 'run_started':
        handle.runDeadlineAt = message.deadlineAt;
        handle.overrunCounted = false;
        return;
      case 'run_finished':
        this.stats.runs += 1;
        this.recordOverrun(handle, message.overrunMs);
        handle.runDeadlineAt = undefined;
        return;
      case 'crashed':
        this.stats.crashes.push({ workerId: handle.id, message: message.message, ...(message.code !== undefined && { code: message.code }) });
        handle.exitExplained = true;
        return;
    }
  }

  /** A run still going when its worker is killed or stopped counts with the time it had overrun so far. */
  private noteOverrun(handle: Handle, now: number): void {
    if (handle.runDeadlineAt !== undefined) this.recordOverrun(handle, now - handle.runDeadlineAt);
  }

  private recordOverrun(handle: Handle, overrunMs: number): void {
    this.stats.maxOverrunMs = Math.max(this.stats.maxOverrunMs, overrunMs);
    if (overrunMs > this.options.overrunToleranceMs && !handle.overrunCounted) {
      this.stats.overruns += 1;
      handle.overrunCounted = true;
    }
  }

  private noteExit(handle: Handle, code: number | null, signal: NodeJS.Signals | null): void {
    if (handle.exitExplained) return;
    const lastLine = handle.stderr.trim().split('\n').at(-1) ?? '';
    this.stats.crashes.push({ workerId: handle.id, message: `exited ${signal ?? `with code ${code}`}${lastLine ? `: ${lastLine}` : ''}` });
  }
}
