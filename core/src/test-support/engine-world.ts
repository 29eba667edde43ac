import { saveTool } from '../catalog/catalog-service.js';
import type { ProviderDefinition } from '@clearway/connector-sdk';
import { decide } from '../decisions/decide.js';
import { FulfillmentEngine, type EngineOptions, type RunSummary } from '../fulfillment/engine.js';
import { put } from '../ports/store.js';
import { submitRequest } from '../requests/submit-request.js';
import { chatgpt, makeWorld, requestInput, approver, type TestDeps } from './harness.js';
import { ScriptedDirectory, scriptedProvider } from './scripted-provider.js';

export interface EngineWorld extends TestDeps {
  readonly directory: ScriptedDirectory;
  /** Behind the manual-style `desk` connector. */
  readonly deskDirectory: ScriptedDirectory;
  readonly providers: { get(type: string): ProviderDefinition | undefined; list(): readonly ProviderDefinition[] };
  readonly engine: (options?: Partial<EngineOptions>) => FulfillmentEngine;
  /** Submits and approves a request for `email` (a user the directory knows), returning the grant id. */
  readonly approve: (email: string, toolId?: string) => Promise<string>;
  /** The same for any requester, e.g. one whose email Jira does not show (no `email`). */
  readonly approveFor: (requester: { readonly accountId: string; readonly email?: string; readonly displayName?: string }, toolId?: string) => Promise<string>;
  /** Adds `email` to the directory, approves a request for them and runs the engine: the grant is active. */
  readonly activeGrant: (email?: string) => Promise<string>;
  /** A sleep that moves the fake clock instead of waiting. */
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * Worker A runs the due jobs, and its add for `userId` applies but its answer is held: A is as
   * good as dead. The lease (60 s) is then over. `release` lets A finish (and find its job lost).
   */
  readonly stallWorkerAfterAdd: (userId: string) => Promise<{ readonly dying: Promise<RunSummary>; readonly release: () => void }>;
}

/**
 * A world with a scripted directory connector (`dir`, tool `chatgpt` bound to it), a manual-style
 * scripted connector (`desk`, tool `desk-tool`), governance, and an engine factory on a fake clock.
 */
export async function makeEngineWorld(options: { maxBatchSize?: number } = {}): Promise<EngineWorld> {
  const world = await makeWorld();
  const directory = new ScriptedDirectory(world.clock.now, (ms) => world.clock.advance(ms));
  const manualDirectory = new ScriptedDirectory(world.clock.now);
  const providers = [
    scriptedProvider(directory, { ...(options.maxBatchSize !== undefined && { maxBatchSize: options.maxBatchSize }) }),
    scriptedProvider(manualDirectory, { type: 'scripted-desk', manual: true }),
  ];
  const registry = { get: (type: string) => providers.find((provider) => provider.type === type), list: () => providers };
  const now = world.clock.now();
  await world.store.commit([
    put('connector', { id: 'dir', version: 0, providerType: 'scripted-group', name: 'Directory', settings: {}, secretsSet: [], enabled: true, limits: { requestsPerSecond: 1_000, concurrency: 50 }, createdAt: now, updatedAt: now }),
    put('connector', { id: 'desk', version: 0, providerType: 'scripted-desk', name: 'Service desk', settings: {}, secretsSet: [], enabled: true, createdAt: now, updatedAt: now }),
  ]);
  await saveTool(world, { accountId: 'admin-1', isAdmin: true }, { ...chatgpt, fulfillment: { connectorId: 'dir', group: { name: 'ai-chatgpt', createIfMissing: true } } });
  await saveTool(world, { accountId: 'admin-1', isAdmin: true }, { ...chatgpt, id: 'desk-tool', name: 'Desk Tool', fulfillment: { connectorId: 'desk', group: { name: 'Desk licences' } } });
  let issue = 100;
  const sleep = async (ms: number) => {
    const target = world.clock.now() + ms;
    await Promise.resolve();
    world.clock.at = Math.max(world.clock.at, target);
  };
  const approveFor: EngineWorld['approveFor'] = async (requester, toolId = 'chatgpt') => {
    issue += 1;
    const { request } = await submitRequest(world, requester, requestInput({ issueKey: `AIR-${issue}`, toolId }));
    const { grant } = await decide(world, approver, { requestId: request.id, outcome: 'approved', rationale: 'needed for work' });
    return grant!.id;
  };
  const engine = (engineOptions: Partial<EngineOptions> = {}) => new FulfillmentEngine(world, registry, { sleep, workerId: 'w1', ...engineOptions });
  const stallWorkerAfterAdd: EngineWorld['stallWorkerAfterAdd'] = async (userId) => {
    let release!: () => void;
    directory.gate = new Promise<void>((resolve) => (release = resolve));
    const dying = engine({ workerId: 'A', leaseMs: 60_000 }).runDueJobs({ deadline: world.clock.now() + 3_600_000 });
    while (directory.appliedAdds(userId) === 0) await new Promise((resolve) => setImmediate(resolve));
    directory.gate = undefined;
    world.clock.advance(61_000);
    return { dying, release };
  };
  return {
    ...world,
    directory,
    stallWorkerAfterAdd,
    deskDirectory: manualDirectory,
    providers: registry,
    sleep,
    engine,
    approve: (email, toolId) => approveFor({ accountId: `acc-${email.split('@')[0]}`, email }, toolId),
    activeGrant: async (email = 'una@example.com') => {
      directory.addUser(email);
      const grantId = await approveFor({ accountId: `acc-${email.split('@')[0]}`, email });
      await engine().runDueJobs({ deadline: world.clock.now() + 3_600_000 });
      return grantId;
    },
    approveFor,
  };
}
