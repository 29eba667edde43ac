/**
 * A small installation for queue and trigger tests: intake on AIR, one tool (ChatGPT) bound to a
 * connector of the flaky test provider, and the requester's request for it, approved through
 * the resolver — which is what pushes the first fulfillment event.
 */
import { put, randomIds, saveTool, submitRequest, updateGovernance } from '@clearway/core';
import { makeAppWorld, type AppWorld } from './app-world';
import type { PushedEvent } from './fake-forge/index';
import { FlakyDirectory, flakyProvider } from './flaky-provider';
import { ADMIN, PEOPLE, scenarioRules, seedSite, tool } from './scenario';

export interface FulfillmentWorld {
  readonly world: AppWorld;
  readonly directory: FlakyDirectory;
  readonly grantId: string;
}

export async function approvedFulfillmentWorld(options: { rateLimited: boolean }): Promise<FulfillmentWorld> {
  const directory = new FlakyDirectory();
  directory.rateLimitNextAdd = options.rateLimited;
  // No jitter: a retry waits exactly what the provider asked for.
  const world = makeAppWorld({ providers: [flakyProvider(directory)], ids: { ...randomIds, random: () => 0 } });
  const { deps } = world.app;
  seedSite(world.forge.jira);
  await world.app.ready();
  await updateGovernance(deps, ADMIN, { rules: scenarioRules() });
  const now = world.clock.now();
  await deps.store.commit([put('connector', { id: 'flaky', version: 0, providerType: 'flaky-group', name: 'Flaky directory', settings: {}, secretsSet: [], enabled: true, createdAt: now, updatedAt: now })]);
  await saveTool(deps, ADMIN, tool('chatgpt', 'ChatGPT Enterprise', { fulfillment: { connectorId: 'flaky', group: { name: 'ai-chatgpt', createIfMissing: true } } }));
  const { request } = await submitRequest(deps, { accountId: PEOPLE.requester, email: 'una@example.com' }, { issueKey: 'AIR-1', projectKey: 'AIR', portalId: '1', requestTypeId: '10', toolId: 'chatgpt', purpose: 'Drafting release notes every week', durationDays: 30 });
  const decided = await world.invoke('globalPage', 'approvals.decide', { requestId: request.id, outcome: 'approved', rationale: 'for the launch' }, { accountId: PEOPLE.approver });
  if (!decided.ok || !decided.data.grant) throw new Error('the approval did not create a grant');
  return { world, directory, grantId: decided.data.grant.id };
}

/** An async event as the platform hands it to a consumer. */
export function asDelivered(event: PushedEvent, eventId = 'event-1'): Record<string, unknown> {
  return { body: event.body, queueName: event.queueName, jobId: event.jobId, eventId, ...(event.delayInSeconds !== undefined && { delayInSeconds: event.delayInSeconds }) };
}
