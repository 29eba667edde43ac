import { createConnector, saveTool, updateGovernance } from '@clearway/core';
import { FlakyDirectory, flakyProvider } from '../src/test-support/flaky-provider';
import { installFakeForge, resetFakeForge } from '../src/test-support/fake-forge/index';
import { makeAppWorld } from '../src/test-support/app-world';
import { ADMIN, scenarioRules, seedSite, tool } from '../src/test-support/scenario';

/**
 * The app as wired for Forge over the fake platform, with governance, one directory connector that
 * never rate-limits, and one tool bound to it: where the storage rows count what reaches KVS.
 */
export async function directoryWorld(toolId: string, toolName: string, groupName: string) {
  installFakeForge();
  const forge = resetFakeForge();
  const directory = new FlakyDirectory();
  directory.rateLimitNextAdd = false;
  const world = makeAppWorld({ providers: [flakyProvider(directory)] });
  seedSite(forge.jira);
  const { deps, connectorDeps } = world.app;
  await world.app.ready();
  await updateGovernance(deps, ADMIN, { rules: scenarioRules() });
  await createConnector(connectorDeps, ADMIN, { id: 'directory', providerType: 'flaky-group', name: 'Directory', settings: {} });
  await saveTool(deps, ADMIN, tool(toolId, toolName, { fulfillment: { connectorId: 'directory', group: { name: groupName } } }));
  return { forge, world, deps };
}
