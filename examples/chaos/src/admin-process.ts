import type { ChildProcess } from 'node:child_process';
import { forkTypeScript } from './fork.js';
import { ADMIN_CONFIG_ENV, fromAdminSchema, type AdminConfig, type FromAdmin } from './protocol.js';

type Done = Extract<FromAdmin, { type: 'done' }>;

/** The driver's handle on the admin process: asks it to revoke or sweep, and hears how it went. */
export class AdminProcess {
  private nextRequest = 0;
  private readonly pending = new Map<number, (done: Done) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const parsed = fromAdminSchema.safeParse(raw);
      if (!parsed.success || parsed.data.type !== 'done') return;
      this.pending.get(parsed.data.requestId)?.(parsed.data);
      this.pending.delete(parsed.data.requestId);
    });
    child.once('exit', () => {
      for (const [requestId, resolve] of this.pending) resolve({ type: 'done', requestId, outcome: 'failed', storeErrors: ['the admin process exited'] });
      this.pending.clear();
    });
  }

  static async start(config: AdminConfig): Promise<AdminProcess> {
    const child = forkTypeScript(new URL('./admin.ts', import.meta.url), { [ADMIN_CONFIG_ENV]: JSON.stringify(config) });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`The admin process exited with code ${code} before it was ready.`)));
    });
    return new AdminProcess(child);
  }

  revoke(grantId: string, rationale: string): Promise<Done> {
    return this.ask((requestId) => ({ type: 'revoke', requestId, grantId, rationale }));
  }

  expireDueGrants(): Promise<Done> {
    return this.ask((requestId) => ({ type: 'expire', requestId }));
  }

  setClock(offsetMs: number): void {
    if (this.child.connected) this.child.send({ type: 'clock', offsetMs });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }

  private ask(message: (requestId: number) => object): Promise<Done> {
    const requestId = ++this.nextRequest;
    return new Promise<Done>((resolve) => {
      if (!this.child.connected) return resolve({ type: 'done', requestId, outcome: 'failed', storeErrors: ['the admin process is gone'] });
      this.pending.set(requestId, resolve);
      this.child.send(message(requestId));
    });
  }
}
