/**
 * `pnpm bench` row gateway-kvs: Forge storage per AI-agent gateway call. Runs core's gateway
 * policy (`createGatewayPolicy`: the decision, with the grant condition, and the recording on the
 * audit chain) over the app as wired for Forge — KVS store and secrets — on the fake platform, and
 * counts what reaches KVS for the two things the wire adapter asks of it per request: one
 * `decide` and one `record`. Part 2 hosts the gateway in the app; this is what each call will cost
 * there before identity (the token check is part 2's).
 */
import {
  createGatewayPolicy,
  decide,
  holdsActiveGrant,
  saveAgentPolicy,
  submitRequest,
  type ActivityInput,
  type CallDecision,
  type GatewayCaller,
  type GatewayPolicyPort,
} from '@clearway/core';
import type { FakeKvs } from '../src/test-support/fake-forge/index';
import { ADMIN, APPROVER, PEOPLE } from '../src/test-support/scenario';
import { directoryWorld } from './directory-world';

/** KVS traffic: requests (one REST call each) and operations (each write and condition in a transaction on its own). */
export interface GatewayKvsCount {
  readonly requests: number;
  readonly operations: number;
  /** Requests by KVS endpoint, e.g. `entity/query 2, transaction 1`. */
  readonly byEndpoint: string;
}

export interface GatewayCallKvs {
  readonly decide: GatewayKvsCount;
  readonly record: GatewayKvsCount;
  readonly total: GatewayKvsCount;
}

export interface GatewayKvsEconomy {
  /** One allowed `tools/call` whose rule asks for the client's grant (the built-in default's condition). */
  readonly call: GatewayCallKvs;
  /** One allowed `tools/call` whose rule asks for no grant. */
  readonly callWithoutGrantCheck: GatewayCallKvs;
  /** One `tools/list` of Atlassian's ten tools: one decide for all ten, one record. */
  readonly list: GatewayCallKvs;
  /** Per call, when 8 `tools/call`s (decide, then record) arrive at once: the records share commits. */
  readonly callBatched: GatewayKvsCount;
  readonly listBatched: GatewayKvsCount;
}

/** Atlassian's remote MCP server's tools, as `tools/list` names them. */
const ATLASSIAN_TOOLS = ['getJiraIssue', 'searchJiraIssuesUsingJql', 'createJiraIssue', 'editJiraIssue', 'transitionJiraIssue', 'addCommentToJiraIssue', 'deleteJiraIssue', 'getConfluencePage', 'createConfluencePage', 'updateConfluencePage'];
const BATCH = 8;

const CALLER: GatewayCaller = { accountId: PEOPLE.requester, name: 'Una User', email: 'una@example.com', groups: ['engineering'], client: 'claude' };

/** Counts the calls from `from` on; `per` divides (for batches). */
function count(kvs: FakeKvs, from: number, to = kvs.calls.length, per = 1): GatewayKvsCount {
  const calls = kvs.calls.slice(from, to);
  const endpoints = new Map<string, number>();
  let operations = 0;
  for (const call of calls) {
    const endpoint = call.path.replace('/api/v1/', '');
    endpoints.set(endpoint, (endpoints.get(endpoint) ?? 0) + 1);
    if (call.path !== '/api/v1/transaction') operations += 1;
    else {
      const body = call.body as { set?: unknown[]; delete?: unknown[]; check?: unknown[] };
      operations += (body.set?.length ?? 0) + (body.delete?.length ?? 0) + (body.check?.length ?? 0);
    }
  }
  const byEndpoint = [...endpoints].map(([endpoint, times]) => `${endpoint} ${Math.round((times / per) * 10) / 10}`).join(', ');
  return { requests: calls.length / per, operations: operations / per, byEndpoint };
}

function callActivity(operation: string, decision: CallDecision, startedAt: number): ActivityInput {
  return { caller: CALLER, method: 'tools/call', operation, arguments: { cloudId: 'site', issueIdOrKey: 'OPS-1' }, decision, upstreamStatus: 'ok', responseBytes: 1_180, latencyMs: 180, startedAt };
}

/** What the wire adapter records for a `tools/list` it filtered (plumbing: basis `protocol`). */
function listActivity(decisions: readonly CallDecision[], startedAt: number): ActivityInput {
  const visible = decisions.filter((decision) => decision.effect === 'allow').length;
  return {
    caller: CALLER,
    method: 'tools/list',
    operation: 'tools/list',
    decision: { effect: 'allow', basis: 'protocol', policyVersion: decisions[0]?.policyVersion ?? 0, reason: `Listed ${visible} of ${decisions.length} tools; the agent policy hides ${decisions.length - visible}.` },
    upstreamStatus: 'ok',
    responseBytes: 9_400,
    latencyMs: 150,
    startedAt,
  };
}

export async function measureGatewayKvs(): Promise<GatewayKvsEconomy> {
  const { forge, world, deps } = await directoryWorld('claude-enterprise', 'Claude for Enterprise', 'ai-claude');
  // The caller's Claude grant, as the app makes one: request, approval, provisioning.
  const { request } = await submitRequest(deps, { accountId: CALLER.accountId, email: CALLER.email }, { projectKey: 'AIR', portalId: '1', requestTypeId: '10', issueKey: 'AIR-900', toolId: 'claude-enterprise', purpose: 'AI assistant for triage', durationDays: 30 });
  await decide(deps, APPROVER, { requestId: request.id, outcome: 'approved', rationale: 'pilot' });
  await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });
  if (!(await holdsActiveGrant(deps.store, CALLER.accountId, 'claude-enterprise', world.clock.now()))) throw new Error('the caller has no active Claude grant to call with');
  // No rule names a group, so the site's group directory (part 2 reads Jira's) is never asked.
  await saveAgentPolicy({ ...deps, groups: { findGroups: async () => [] } }, ADMIN, {
    rules: {
      defaultEffect: 'deny',
      rules: [
        { operation: 'delete*', effect: 'deny', note: 'AI may never delete' },
        { operation: 'get*', effect: 'allow', requireGrant: true },
        { operation: 'search*', effect: 'allow' },
      ],
      clients: [{ name: 'claude', toolId: 'claude-enterprise' }],
    },
  });
  const policy = createGatewayPolicy(deps);
  const kvs = forge.kvs;

  const oneCall = async (port: GatewayPolicyPort, operation: string): Promise<GatewayCallKvs> => {
    const start = kvs.calls.length;
    const [decision] = await port.decide(CALLER, [operation]);
    if (decision?.effect !== 'allow') throw new Error(`${operation} was not allowed: ${decision?.reason ?? 'no decision'}`);
    const decided = kvs.calls.length;
    await port.record(callActivity(operation, decision, world.clock.now()));
    return { decide: count(kvs, start, decided), record: count(kvs, decided), total: count(kvs, start) };
  };
  const oneList = async (port: GatewayPolicyPort): Promise<GatewayCallKvs> => {
    const start = kvs.calls.length;
    const decisions = await port.decide(CALLER, ATLASSIAN_TOOLS);
    const decided = kvs.calls.length;
    await port.record(listActivity(decisions, world.clock.now()));
    return { decide: count(kvs, start, decided), record: count(kvs, decided), total: count(kvs, start) };
  };
  const batch = async (run: () => Promise<unknown>): Promise<GatewayKvsCount> => {
    const start = kvs.calls.length;
    await Promise.all(Array.from({ length: BATCH }, run));
    return count(kvs, start, kvs.calls.length, BATCH);
  };

  // A warm process: the chain's key and the compiled policy are cached after the first call.
  await oneCall(policy, 'getJiraIssue');
  const call = await oneCall(policy, 'getJiraIssue');
  const callWithoutGrantCheck = await oneCall(policy, 'searchJiraIssuesUsingJql');
  const list = await oneList(policy);
  const callBatched = await batch(() => oneCall(policy, 'getJiraIssue'));
  const listBatched = await batch(() => oneList(policy));
  return { call, callWithoutGrantCheck, list, callBatched, listBatched };
}
