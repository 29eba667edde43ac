/**
 * The proxy against the vendors' own SDK clients (Okta's Node SDK, the Microsoft Graph client) and
 * the simulator's record of what it applied: each fault reaches the client the way the vendor
 * documents it, and happens before or after the change as its name says.
 *
 * Vendor documentation the answers follow:
 * - Okta error object and E0000047 / E0000009: https://developer.okta.com/docs/reference/error-codes/
 * - Okta rate-limit headers (X-Rate-Limit-Reset in UTC epoch seconds): https://developer.okta.com/docs/reference/rl-best-practices/
 * - Graph error object and status codes: https://learn.microsoft.com/graph/errors
 * - Graph throttling (429 + Retry-After): https://learn.microsoft.com/graph/throttling
 * - Graph replication delay after group creation: https://learn.microsoft.com/graph/api/group-post-members?view=graph-rest-1.0
 * - Entra sign-in error body (error, error_description with AADSTS, error_codes, trace_id, …): https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * - Retry-After forms: https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
import { retryAfterMsFromHeaders } from '@clearway/connector-sdk';
import { IdpSimulator, ensureCertificate, type TlsMaterial } from '@clearway/idp-simulator';
import { SIM_CREDENTIALS, bothDirectoriesSeed, paths } from '@clearway/sandbox';
import { AuthenticationHandler, Client as GraphClient, GraphError, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import { Client as OktaClient, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultFaultPlan, type FaultPlan, type RetryAfterForm } from './faults.js';
import { FaultProxy } from './proxy.js';

const EMAILS = ['ana@example.com', 'ben@example.com', 'chen@example.com'];
let tls: TlsMaterial;
let simulator: IdpSimulator;
let proxy: FaultProxy;
let okta: OktaClient;
let graph: GraphClient;
let oktaGroupId: string;

function oktaThrough(url: string, requestTimeout = 5_000): OktaClient {
  return new OktaClient({ orgUrl: url, token: SIM_CREDENTIALS.oktaApiToken, cacheMiddleware: null, requestExecutor: new DefaultRequestExecutor({ maxRetries: 0, requestTimeout }) });
}

async function graphToken(url: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: SIM_CREDENTIALS.entraClientId, client_secret: SIM_CREDENTIALS.entraClientSecret, scope: 'https://graph.microsoft.com/.default' });
  const response = await fetch(`${url}/${SIM_CREDENTIALS.entraTenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The Graph client with no retry middleware, as the provider configures it: every answer reaches the caller. */
function graphThrough(url: string, token: string): GraphClient {
  const auth = new AuthenticationHandler({ getAccessToken: async () => token });
  auth.setNext(new HTTPMessageHandler());
  return GraphClient.initWithMiddleware({ middleware: auth, baseUrl: url, customHosts: new Set(['127.0.0.1']) });
}

const oktaUser = (email: string) => simulator.okta!.findUser(email)!.id;
const graphUser = (email: string) => simulator.graph!.findUser(email)!.id;
const oktaAdds = () => simulator.effects('member_added').filter((effect) => effect.vendor === 'okta').length;
const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  tls = await ensureCertificate(paths.certificate);
  const seed = bothDirectoriesSeed(EMAILS);
  simulator = await IdpSimulator.start({ seed: { ...seed, entra: { ...seed.entra!, groups: [{ displayName: 'Long-standing group' }] } }, tls });
  proxy = await FaultProxy.start({ upstream: simulator.url, tls, seed: 1, plan: defaultFaultPlan(0), holdMs: 1_500 });
  okta = oktaThrough(proxy.url);
  graph = graphThrough(proxy.url, await graphToken(proxy.url));
  oktaGroupId = (await okta.groupApi.createGroup({ group: { profile: { name: 'AI - Proxy test' } } })).id!;
});

afterAll(async () => {
  await proxy?.stop();
  await simulator?.stop();
});

describe('the fault proxy, without faults', () => {
  it('forwards faithfully and keeps the clients on the proxy, following Okta\'s Link pages and Entra\'s discovery through it', async () => {
    for (const email of EMAILS) await okta.groupApi.assignUserToGroup({ groupId: oktaGroupId, userId: oktaUser(email) });
    const before = proxy.requestsReceived('membership_check');
    const members: string[] = [];
    for await (const user of await okta.groupApi.listGroupUsers({ groupId: oktaGroupId, limit: 1 })) if (user?.id) members.push(user.id);
    expect(members.sort()).toEqual(EMAILS.map(oktaUser).sort());
    // Three pages of one, each through the proxy: the simulator's next links were rewritten to it.
    expect(proxy.requestsReceived('membership_check') - before).toBe(3);

    const discovery = (await (await fetch(`${proxy.url}/${SIM_CREDENTIALS.entraTenantId}/v2.0/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    expect(discovery.token_endpoint).toBe(`${proxy.url}/${SIM_CREDENTIALS.entraTenantId}/oauth2/v2.0/token`);
    expect(proxy.faults.total()).toBe(0);
    for (const email of EMAILS) await okta.groupApi.unassignUserFromGroup({ groupId: oktaGroupId, userId: oktaUser(email) });
  });
});

describe('membership changes in transit', () => {
  it('are held until the listeners are done, then forwarded, with the target and the fault their answer will get', async () => {
    const applied = oktaAdds();
    const seen: string[] = [];
    let appliedWhileHeld: number | undefined;
    const stop = proxy.onMembershipInFlight(async (event) => {
      seen.push(`${event.target.endpoint} ${event.target.userIds.join(',')} ${event.fault?.kind ?? 'no fault'}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      appliedWhileHeld = oktaAdds();
    });
    try {
      await okta.groupApi.assignUserToGroup({ groupId: oktaGroupId, userId: oktaUser('ana@example.com') });
    } finally {
      stop();
    }
    expect(seen).toEqual([`membership_add ${oktaUser('ana@example.com')} no fault`]);
    expect(appliedWhileHeld).toBe(applied);
    expect(oktaAdds()).toBe(applied + 1);
    await okta.groupApi.unassignUserFromGroup({ groupId: oktaGroupId, userId: oktaUser('ana@example.com') });
  });
});

describe('faults before the change: nothing applied', () => {
  it("answers Okta's 429 E0000047 with X-Rate-Limit-Reset, which Okta's SDK surfaces and the SDK helper reads as the wait", async () => {
    const applied = oktaAdds();
    proxy.failNext('membership_add', { kind: 'rate_limited', retryAfter: 'okta_reset' }, 'okta');
    const error = await rejection(okta.groupApi.assignUserToGroup({ groupId: oktaGroupId, userId: oktaUser('ana@example.com') }));
    expect(error).toMatchObject({ name: 'OktaApiError', status: 429, errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' });
    // The reset is 1.5 s ahead, both it and the Date header in whole seconds.
    const wait = retryAfterMsFromHeaders(error.headers as Headers);
    expect(wait).toBeGreaterThanOrEqual(1_000);
    expect(wait).toBeLessThanOrEqual(3_000);
    expect(oktaAdds()).toBe(applied);
    expect(proxy.faults.get('rate_limited:okta_reset', 'okta.membership_add')).toBe(1);
  });

  it.each<[RetryAfterForm, number | undefined, number | undefined]>([
    ['seconds', 1_000, 1_000],
    ['http_date', 1_000, 2_000],
    ['past_date', 0, 0],
    ['zero', 0, 0],
    ['missing', undefined, undefined],
    ['garbage', undefined, undefined],
    ['huge', 86_400_000, 86_400_000],
  ])('answers Graph 429 TooManyRequests with Retry-After as %s, read by the SDK helper as %s–%s ms', async (form, least, most) => {
    const group = simulator.graph!.findGroupByName('Long-standing group')!;
    proxy.failNext('membership_add', { kind: 'rate_limited', retryAfter: form }, 'graph');
    const error = await rejection(graph.api(`/groups/${group.id}/members/$ref`).post(ref(graphUser('ben@example.com'))));
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ statusCode: 429, code: 'TooManyRequests' });
    const wait = retryAfterMsFromHeaders(error.headers as Headers);
    if (least === undefined) expect(wait).toBeUndefined();
    else {
      expect(wait).toBeGreaterThanOrEqual(least);
      expect(wait).toBeLessThanOrEqual(most!);
    }
    expect(group.members.has(graphUser('ben@example.com'))).toBe(false);
  });

  it("answers 5xx with each vendor's JSON error body", async () => {
    proxy.failNext('user_lookup', { kind: 'server_error_json' }, 'okta');
    const oktaError = await rejection(okta.userApi.getUser({ userId: 'ana@example.com' }));
    expect(oktaError).toMatchObject({ name: 'OktaApiError', errorCode: 'E0000009', errorSummary: 'Internal Server Error' });
    expect(oktaError.status).toBeGreaterThanOrEqual(500);

    proxy.failNext('user_lookup', { kind: 'server_error_json' }, 'graph');
    const graphError = await rejection(graph.api(`/users/${graphUser('ana@example.com')}`).get());
    expect(graphError).toBeInstanceOf(GraphError);
    expect(['generalException', 'serviceNotAvailable', 'timeout']).toContain(graphError.code);
    expect(graphError.statusCode).toBeGreaterThanOrEqual(500);
    // The client read Graph's innerError: its request id is what an admin quotes to Microsoft.
    expect(graphError.requestId).toEqual(expect.any(String));

    proxy.failNext('sign_in', { kind: 'server_error_json' }, 'entra');
    const signIn = await fetch(`${proxy.url}/${SIM_CREDENTIALS.entraTenantId}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(signIn.status).toBeGreaterThanOrEqual(500);
    const body = (await signIn.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90033] });
    expect(body.error_description).toMatch(/^AADSTS90033: /);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['timestamp', 'trace_id', 'correlation_id']));
  });

  it('answers 5xx with an HTML page, which the Okta SDK reports by its status', async () => {
    proxy.failNext('group_search', { kind: 'server_error_html' }, 'okta');
    const error = await rejection(okta.groupApi.getGroup({ groupId: oktaGroupId }));
    expect(Number(error.status)).toBeGreaterThanOrEqual(502);
  });

  it('resets the connection before forwarding: the client fails and nothing is applied', async () => {
    const applied = oktaAdds();
    proxy.failNext('membership_add', { kind: 'reset_before' }, 'okta');
    await rejection(okta.groupApi.assignUserToGroup({ groupId: oktaGroupId, userId: oktaUser('ana@example.com') }));
    expect(oktaAdds()).toBe(applied);
  });

  it('answers 200 with a body not forwarded: nothing applied', async () => {
    const applied = oktaAdds();
    proxy.failNext('membership_add', { kind: 'unexpected_body_unforwarded', body: 'empty_object' }, 'okta');
    const answer = await fetch(`${proxy.url}/api/v1/groups/${oktaGroupId}/users/${oktaUser('ana@example.com')}`, { method: 'PUT', headers: { authorization: `SSWS ${SIM_CREDENTIALS.oktaApiToken}` } });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('{}');
    expect(oktaAdds()).toBe(applied);
  });

  it("answers Graph's documented replication-delay 400 only for a group created moments ago", async () => {
    const onlyReplicationDelay: FaultPlan = { ...defaultFaultPlan(0), membership_add: { rate: 1, kinds: { replication_delay: 1 } } };
    const delaying = await FaultProxy.start({ upstream: simulator.url, tls, seed: 2, plan: onlyReplicationDelay, holdMs: 1_500 });
    try {
      const client = graphThrough(delaying.url, await graphToken(delaying.url));
      const fresh = (await client.api('/groups').post({ displayName: 'Just created', mailEnabled: false, mailNickname: 'justcreated', securityEnabled: true })) as { id: string };
      const error = await rejection(client.api(`/groups/${fresh.id}/members/$ref`).post(ref(graphUser('chen@example.com'))));
      expect(error).toBeInstanceOf(GraphError);
      expect(error).toMatchObject({ statusCode: 400, code: 'Request_BadRequest', message: 'The source resource object or one of the objects being referenced do not exist.' });
      expect(simulator.graph!.groups.get(fresh.id)!.members.size).toBe(0);

      const old = simulator.graph!.findGroupByName('Long-standing group')!;
      await client.api(`/groups/${old.id}/members/$ref`).post(ref(graphUser('chen@example.com')));
      expect(old.members.has(graphUser('chen@example.com'))).toBe(true);
      expect(delaying.faults.toJSON()).toEqual({ replication_delay: { 'graph.membership_add': 1 } });
    } finally {
      await delaying.stop();
    }
  });
});

describe('faults after the change: applied, answer lost or wrong', () => {
  it('resets the connection after the simulator applied the add', async () => {
    const applied = oktaAdds();
    proxy.failNext('membership_add', { kind: 'reset_after' }, 'okta');
    await rejection(okta.groupApi.assignUserToGroup({ groupId: oktaGroupId, userId: oktaUser('ana@example.com') }));
    expect(oktaAdds()).toBe(applied + 1);
    await okta.groupApi.unassignUserFromGroup({ groupId: oktaGroupId, userId: oktaUser('ana@example.com') });
  });

  it('holds the answer past the client\'s timeout: the client gives up, the add was applied, the proxy lets go when the client leaves', async () => {
    const applied = oktaAdds();
    const impatient = oktaThrough(proxy.url, 300);
    proxy.failNext('membership_add', { kind: 'slow_answer' }, 'okta');
    const started = Date.now();
    await rejection(impatient.groupApi.assignUserToGroup({ groupId: oktaGroupId, userId: oktaUser('ben@example.com') }));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(oktaAdds()).toBe(applied + 1);
    await okta.groupApi.unassignUserFromGroup({ groupId: oktaGroupId, userId: oktaUser('ben@example.com') });
  });

  it('cuts the JSON of an answer short: a 200 the Okta SDK cannot parse', async () => {
    proxy.failNext('user_lookup', { kind: 'truncated_json' }, 'okta');
    await rejection(okta.userApi.getUser({ userId: 'ana@example.com' }));
    proxy.failNext('user_lookup', { kind: 'truncated_json' }, 'okta');
    const answer = await fetch(`${proxy.url}/api/v1/users/ana@example.com`, { headers: { authorization: `SSWS ${SIM_CREDENTIALS.oktaApiToken}` } });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text.startsWith('{"id":"')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('replaces the answer of an applied add with 200 and a body no vendor sends', async () => {
    const applied = oktaAdds();
    proxy.failNext('membership_add', { kind: 'unexpected_body_replaced', body: 'value_of_empty' }, 'okta');
    const answer = await fetch(`${proxy.url}/api/v1/groups/${oktaGroupId}/users/${oktaUser('chen@example.com')}`, { method: 'PUT', headers: { authorization: `SSWS ${SIM_CREDENTIALS.oktaApiToken}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ value: [{}] });
    expect(oktaAdds()).toBe(applied + 1);
  });

  it('counts every fault by kind and endpoint', () => {
    const counted = proxy.faults.toJSON();
    expect(counted['reset_after']).toEqual({ 'okta.membership_add': 1 });
    expect(counted['slow_answer']).toEqual({ 'okta.membership_add': 1 });
    expect(counted['rate_limited:huge']).toEqual({ 'graph.membership_add': 1 });
  });
});
