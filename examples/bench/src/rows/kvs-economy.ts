import { measureKvsEconomy } from '@clearway/forge-app/bench';
import { progress, round, type BenchRow } from '../report.js';

/** Row 5: Forge KVS requests and operations per request lifecycle, and per approval in a 50-request bulk approval. */
export async function kvsEconomy(): Promise<BenchRow> {
  progress('row 5: one request lifecycle and one 50-request bulk approval over the Forge KVS fake');
  const economy = await measureKvsEconomy();
  const steps = Object.fromEntries(Object.entries(economy.perLifecycle.steps).map(([name, count]) => [`ops: ${name}`, count.operations]));
  return {
    id: 'kvs-economy',
    name: 'Forge storage per request lifecycle (submit → approve → active → expire → deprovisioned) and per bulk approval',
    figure: economy.perLifecycle.operations,
    unit: 'KVS operations per lifecycle',
    target: 'report (lower is cheaper for every customer)',
    met: 'report',
    details: {
      lifecycleRequests: economy.perLifecycle.requests,
      lifecycleOperations: economy.perLifecycle.operations,
      ...steps,
      bulkApprovalRequestsEach: round(economy.perBulkApproval.requests, 1),
      bulkApprovalOperationsEach: round(economy.perBulkApproval.operations, 1),
    },
  };
}
