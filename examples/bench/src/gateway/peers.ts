/**
 * Starts the gateway rows' peers, each in its own process so that none shares an event loop with
 * another or with the AI client (this process): the upstream MCP server, and the gateway in front
 * of it. Both run as the product runs: compiled JavaScript on plain Node, bundled with esbuild.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../bundle.js';
import { progress } from '../report.js';
import type { PeerMessage, PeerReady, PeerStats } from './ipc.js';

const STARTUP_TIMEOUT_MS = 60_000;

/** Built beside this package so the bundles find better-sqlite3 (a native module, left external). */
async function buildPeers(): Promise<{ upstream: string; gateway: string }> {
  const outdir = fileURLToPath(new URL('../../.build/gateway/', import.meta.url));
  await bundleForNode(
    {
      'upstream-child': fileURLToPath(new URL('./upstream-child.ts', import.meta.url)),
      'gateway-child': fileURLToPath(new URL('./gateway-child.ts', import.meta.url)),
    },
    outdir,
  );
  return { upstream: join(outdir, 'upstream-child.mjs'), gateway: join(outdir, 'gateway-child.mjs') };
}

/** One peer process: its address and token, and what it has spent so far. */
export class Peer {
  private readonly waiting: Array<(stats: PeerStats) => void> = [];
  private stderr = '';
  private info: PeerReady | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => void (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4_000)));
    child.on('message', (message: PeerMessage) => {
      if (message.type === 'stats') this.waiting.shift()?.(message);
    });
  }

  static async start(file: string, args: readonly string[]): Promise<Peer> {
    // No inherited execArgv: the bench itself runs under tsx, the peers are plain JavaScript.
    const peer = new Peer(fork(file, args, { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }));
    peer.info = await new Promise<PeerReady>((resolve, reject) => {
      const timer = setTimeout(() => {
        peer.child.kill();
        reject(new Error(`${file} did not start within ${STARTUP_TIMEOUT_MS / 1000} s: ${peer.stderr.trim()}`));
      }, STARTUP_TIMEOUT_MS);
      peer.child.on('message', (message: PeerMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message);
      });
      peer.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${file} exited ${String(code)} before it was ready: ${peer.stderr.trim()}`));
      });
    });
    return peer;
  }

  get ready(): PeerReady {
    if (!this.info) throw new Error('the peer is not ready yet');
    return this.info;
  }

  get url(): URL {
    return new URL(this.ready.url);
  }

  stats(): Promise<PeerStats> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null) {
        reject(new Error(`a peer process exited (${String(this.child.exitCode)}): ${this.stderr.trim()}`));
        return;
      }
      this.waiting.push(resolve);
      this.child.send({ type: 'stats' });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' });
    // Its own child: ended by its handle if it does not stop by itself.
    const timer = setTimeout(() => this.child.kill(), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface GatewayPeers {
  readonly upstream: Peer;
  readonly gateway: Peer;
  /** The simulated site's cloud id, for the tools' `cloudId` argument. */
  readonly cloudId: string;
  stop(): Promise<void>;
}

/** Builds and starts the upstream, then the gateway in front of it (on a fresh store in a temp folder). */
export async function startGatewayPeers(row: string): Promise<GatewayPeers> {
  progress(`${row}: building and starting the upstream MCP server and the gateway, each in its own process`);
  const files = await buildPeers();
  const dir = mkdtempSync(join(tmpdir(), 'clearway-gateway-bench-'));
  const peers: Peer[] = [];
  const stop = async () => {
    await Promise.all(peers.map((peer) => peer.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const upstream = await Peer.start(files.upstream, []);
    peers.push(upstream);
    const gateway = await Peer.start(files.gateway, [upstream.ready.url, upstream.ready.token, dir]);
    peers.push(gateway);
    return { upstream, gateway, cloudId: upstream.ready.cloudId ?? '', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
