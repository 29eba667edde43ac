/**
 * The admin of the chaos run, in a process of its own: revokes grants and runs the expiry sweep on
 * the shared store when the driver says so. Kept apart from the driver because a store that waits
 * for a lock waits synchronously: the driver, which also serves the simulator and the proxy, must
 * never stall with it. A store error is recorded and the action tried again, as an admin would.
 */
import { ClearwayError, expireDueGrants, randomIds, revokeGrant, silentLogger } from '@clearway/core';
import { SqliteStore } from '@clearway/core/sqlite';
import { FileSecrets, SandboxJira, VirtualClock } from '@clearway/sandbox';
import { ADMIN_CONFIG_ENV, adminConfigSchema, toAdminSchema, type FromAdmin, type ToAdmin } from './protocol.js';
import { approver } from './actors.js';

const MAX_ATTEMPTS = 20;

const config = adminConfigSchema.parse(JSON.parse(process.env[ADMIN_CONFIG_ENV] ?? 'null'));
const clock = new VirtualClock();
clock.advance(config.offsetMs);
let appliedOffsetMs = config.offsetMs;
const deps = { store: new SqliteStore({ path: config.storePath }), clock, ids: randomIds, secrets: new FileSecrets(config.secretsPath), jira: new SandboxJira(), logger: silentLogger };

const send = (message: FromAdmin) => process.send?.(message);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function attempt(run: () => Promise<number | undefined>, requestId: number): Promise<FromAdmin> {
  const storeErrors: string[] = [];
  for (let tries = 1; tries <= MAX_ATTEMPTS; tries += 1) {
    try {
      const expired = await run();
      return { type: 'done', requestId, outcome: 'ok', ...(expired !== undefined && { expired }), storeErrors };
    } catch (error) {
      if (error instanceof ClearwayError && error.code !== 'version_conflict') return { type: 'done', requestId, outcome: 'refused', storeErrors };
      const code = (error as { code?: unknown }).code;
      storeErrors.push(error instanceof Error ? `${typeof code === 'string' ? code : error.name}: ${error.message}` : String(error));
      await sleep(20 + Math.floor(Math.random() * 180));
    }
  }
  return { type: 'done', requestId, outcome: 'failed', storeErrors };
}

// One action at a time: the admin is one person.
let queue: Promise<void> = Promise.resolve();
process.on('message', (raw) => {
  const message: ToAdmin = toAdminSchema.parse(raw);
  if (message.type === 'clock') {
    clock.advance(message.offsetMs - appliedOffsetMs);
    appliedOffsetMs = message.offsetMs;
    return;
  }
  queue = queue.then(async () => {
    const result =
      message.type === 'revoke'
        ? await attempt(async () => void (await revokeGrant(deps, approver, { grantId: message.grantId, rationale: message.rationale })), message.requestId)
        : await attempt(async () => (await expireDueGrants(deps)).expired, message.requestId);
    send(result);
  });
});
process.on('disconnect', () => {
  deps.store.close();
  process.exit(0);
});
send({ type: 'ready' });
