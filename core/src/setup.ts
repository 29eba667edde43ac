import { auditMacKey } from './audit/audit-log.js';
import { MANUAL_CONNECTOR_ID, type ConnectorRecord } from './connectors/connector.js';
import { put } from './ports/store.js';
import type { CoreDeps } from './shared/deps.js';
import { transact } from './shared/transact.js';

/**
 * Prepares a new installation, idempotently: the audit chain's key, and the built-in manual
 * connector every tool can fall back to. Safe to call at every start.
 */
export async function initializeClearway(deps: CoreDeps): Promise<{ created: string[] }> {
  const created: string[] = [];
  await auditMacKey(deps.secrets, deps.ids);
  await transact(deps, async () => {
    if (await deps.store.get('connector', MANUAL_CONNECTOR_ID)) return { writes: [], audit: [], result: undefined };
    const now = deps.clock.now();
    const manual: ConnectorRecord = {
      id: MANUAL_CONNECTOR_ID,
      version: 0,
      providerType: 'manual',
      name: 'Manual fulfillment',
      settings: {},
      secretsSet: [],
      enabled: true,
      createdAt: now,
      updatedAt: now,
    };
    created.push(MANUAL_CONNECTOR_ID);
    return {
      writes: [put('connector', manual)],
      audit: [{ actor: 'clearway:system', type: 'connector.created', refs: { connectorId: MANUAL_CONNECTOR_ID }, data: { providerType: 'manual', builtIn: true } }],
      result: undefined,
    };
  });
  return { created };
}
