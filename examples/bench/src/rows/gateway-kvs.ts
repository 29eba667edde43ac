import { measureGatewayKvs } from '@clearway/forge-app/bench';
import { progress, round, type BenchRow } from '../report.js';

/**
 * AI-agent gateway: Forge KVS requests and operations per gateway call (one decide and one record,
 * what the wire adapter asks of core per request) — an allowed `tools/call` and a `tools/list`,
 * one at a time and 8 at once — on the app as wired for Forge, over the fake platform.
 */
export async function gatewayKvs(): Promise<BenchRow> {
  progress('gateway kvs: decide + record for tools/call and tools/list over the Forge KVS fake, one at a time and 8 at once');
  const economy = await measureGatewayKvs();
  const { call, callWithoutGrantCheck, list, callBatched, listBatched } = economy;
  return {
    id: 'gateway-kvs',
    name: 'AI-agent gateway: Forge storage per call (decide + record), tools/call and tools/list, one at a time and 8 at once',
    figure: call.total.operations,
    unit: 'KVS operations per allowed tools/call (grant checked), one at a time',
    target: 'report (part 2 hosts the gateway on Forge)',
    met: 'report',
    details: {
      callRequests: call.total.requests,
      callDecideOps: call.decide.operations,
      callRecordOps: call.record.operations,
      callDecide: call.decide.byEndpoint,
      callRecord: call.record.byEndpoint,
      callWithoutGrantCheckOps: callWithoutGrantCheck.total.operations,
      listRequests: list.total.requests,
      listOps: list.total.operations,
      listDecideOps: list.decide.operations,
      callBatchedRequestsEach: round(callBatched.requests, 2),
      callBatchedOpsEach: round(callBatched.operations, 2),
      listBatchedRequestsEach: round(listBatched.requests, 2),
      listBatchedOpsEach: round(listBatched.operations, 2),
    },
  };
}
