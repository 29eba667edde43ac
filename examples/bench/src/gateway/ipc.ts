/**
 * How the bench talks to its peer processes (the upstream MCP server and the gateway), over
 * Node's IPC channel: each says `ready` once listening, answers `stats` with what it has spent so
 * far, and exits on `stop`.
 */

export interface PeerReady {
  readonly type: 'ready';
  readonly url: string;
  /** The bearer token this peer accepts. */
  readonly token: string;
  /** The simulated site's cloud id (upstream only). */
  readonly cloudId?: string;
}

export interface PeerStats {
  readonly type: 'stats';
  /** CPU time (user + system) this process has used, in µs. */
  readonly cpuMicros: number;
  /** MCP requests it answered. */
  readonly requests: number;
  /** Gateway only: wall time inside `gateway.handle`, summed, in ms. */
  readonly handleMs?: number;
  /** Gateway only: wall time in the policy port's `decide` and `record`, summed, in ms. */
  readonly decideMs?: number;
  readonly recordMs?: number;
  /** Gateway only: wall time of its upstream round trips (request sent → answer read), summed, in ms. */
  readonly upstreamMs?: number;
  readonly upstreamRequests?: number;
  /** Gateway only: the audit chain's head: every answered request is one event on it. */
  readonly chainSeq?: number;
  /** Gateway only: warnings and errors it logged, and the first of them. */
  readonly warnings?: number;
  readonly firstWarning?: string;
}

export type PeerMessage = PeerReady | PeerStats;
export type PeerCommand = { readonly type: 'stats' } | { readonly type: 'stop' };

/** Serves the commands in a peer process; `stop` runs `close` and exits. */
export function answerCommands(stats: () => Promise<PeerStats>, close: () => Promise<void>): void {
  process.on('message', (command: PeerCommand) => {
    if (command.type === 'stats') void stats().then((answer) => process.send?.(answer));
    else void close().finally(() => process.exit(0));
  });
  // The bench ended without saying stop (it crashed or was interrupted): do not outlive it.
  process.on('disconnect', () => process.exit(0));
}

export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
