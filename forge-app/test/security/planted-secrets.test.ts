/**
 * Planted secrets: a hostile Okta org (any `*.okta.com` host passes the app's egress) echoes the
 * connector's own secret back — whole, as a 10-character prefix, 12 characters inside Okta's
 * `errorId`, in base64, base64url, hex and URL encoding, in the `X-Okta-Request-Id` header, in a
 * `WWW-Authenticate` header, and for private-key sign-in the first 40 characters of the PEM body and
 * whole body lines. The real Okta provider (Okta's own SDK over HTTP, intercepted by nock) meets it
 * through the app's real resolvers, engine and Jira adapters. Then every surface is read: resolver
 * answers (admin, approver, requester), failed jobs, audit events, both evidence exports, the Jira
 * comments and every other Jira write, log lines, and everything stored outside secret storage —
 * none may hold 8 characters of the secret in any of its forms.
 *
 * The shape of the hostile answers is Okta's error object (https://developer.okta.com/docs/reference/error-codes/:
 * `errorCode`, `errorSummary`, `errorLink`, `errorId`, `errorCauses`) and its token endpoint's OAuth
 * error (`error`, `error_description`), with the request id header of
 * https://developer.okta.com/docs/reference/core-okta-api/#request-debugging.
 */
import nock from 'nock';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResolverKey } from '../../src/resolvers/contract';
import type { AppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE, tool, type Scenario } from '../../src/test-support/scenario';

const HOSTILE_ORG = 'https://hostile-org.okta.com';
const TOKEN = '00hOstiLe-Tok3n-x9K2mQ7vR4tW8yZ1aB5cD6eF';
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PEM_BODY = PEM.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));

const textForms = (secret: string): string[] => {
  const bytes = Buffer.from(secret);
  return [secret, encodeURIComponent(secret), bytes.toString('base64'), bytes.toString('base64url')];
};
const hexForms = (secret: string): string[] => [Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('hex').toUpperCase()];

/**
 * Every run of every form of the secret that counts as a leak: 8 characters of its text forms; of
 * its hex forms, 16. The redactor removes 8 hex characters too, but the pages read here are full
 * of SHA-256 hex (every audit entry carries three), and 8 hex characters of a random key recur in
 * them by chance in a run or two out of a hundred; 16 do not.
 */
function fragmentsOf(secret: string, lines: readonly string[] = []): Map<number, Set<string>> {
  const fragments = new Map<number, Set<string>>([[8, new Set()], [16, new Set()]]);
  const add = (form: string, length: number) => {
    for (let start = 0; start + length <= form.length; start += 1) fragments.get(length)?.add(form.slice(start, start + length));
  };
  for (const value of [secret, ...lines]) {
    for (const form of textForms(value)) add(form, 8);
    for (const form of hexForms(value)) add(form, 16);
  }
  return fragments;
}

/** The runs of the text that are fragments of the secret (empty when it is clean). */
function leaksIn(text: string, fragments: ReadonlyMap<number, ReadonlySet<string>>): string[] {
  const found: string[] = [];
  for (const [length, set] of fragments) {
    for (let start = 0; start + length <= text.length; start += 1) {
      const window = text.slice(start, start + length);
      if (set.has(window)) found.push(window);
    }
  }
  return found;
}

/** What a hostile org answers to every API call: a permission refusal stuffed with the token in every form. */
function hostileApiAnswer(): { status: number; body: unknown; headers: Record<string, string> } {
  const bytes = Buffer.from(TOKEN);
  return {
    status: 403,
    body: {
      errorCode: 'E0000006',
      errorSummary: `You do not have permission to perform the requested action (token ${TOKEN.slice(0, 10)}, b64 ${bytes.toString('base64').slice(4, 24)}, hex ${bytes.toString('hex').slice(6, 40)}, url ${encodeURIComponent(TOKEN)}, whole ${TOKEN})`,
      errorLink: 'E0000006',
      errorId: `oae${TOKEN.slice(3, 15)}Q`,
      errorCauses: [{ errorSummary: `apiToken=${bytes.toString('base64url')}` }],
    },
    headers: { 'x-okta-request-id': TOKEN.slice(0, 20), 'www-authenticate': `SSWS ${TOKEN}`, 'x-rate-limit-remaining': '599' },
  };
}

/** What a hostile token endpoint answers to private-key sign-in: the start of the key and two whole lines of it. */
function hostileTokenAnswer(): { status: number; body: unknown; headers: Record<string, string> } {
  return {
    status: 400,
    body: { error: 'invalid_client', error_description: `The client_assertion was signed with an unexpected key: ${PEM_BODY[0]?.slice(0, 40)} ... ${PEM_BODY[3]}\n${PEM_BODY[4]}` },
    headers: { 'x-okta-request-id': `${PEM_BODY[2]?.slice(0, 30)}` },
  };
}

function hostileOrg(answer: () => { status: number; body: unknown; headers: Record<string, string> }): { readonly calls: () => number } {
  let calls = 0;
  for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
    nock(HOSTILE_ORG)
      .persist()
      .intercept(() => true, method)
      .reply(() => {
        calls += 1;
        const { status, body, headers } = answer();
        return [status, JSON.stringify(body), { 'content-type': 'application/json', ...headers }];
      });
  }
  return { calls: () => calls };
}

interface Surfaces {
  readonly world: AppWorld;
  readonly scenario: Scenario;
  /** Every text a person, a log, Jira or storage (outside secret storage) can see, by where it was seen. */
  readonly texts: () => Promise<Array<[string, string]>>;
}

/**
 * Binds Gemini (AIR-5, pending) to a connector on the hostile org, tests the connection, approves
 * the request and runs the engine, so the provision meets the hostile org and fails.
 */
async function plant(connector: { settings: Record<string, unknown>; secrets: Record<string, string> }): Promise<Surfaces> {
  const { world, scenario } = await freshScenario();
  const admin = { accountId: PEOPLE.admin };
  const call = (key: ResolverKey, payload: unknown, accountId: string = PEOPLE.admin, surface: 'adminPage' | 'globalPage' = 'adminPage') => world.invoke(surface, key, payload, { accountId });
  expect(await world.invoke('adminPage', 'connectors.create', { id: 'hostile', providerType: 'okta-group', name: 'Okta (hostile)', settings: connector.settings, secrets: connector.secrets }, admin)).toMatchObject({ ok: true });
  expect(await call('catalog.save', tool('gemini', 'Gemini', { fulfillment: { connectorId: 'hostile', group: { name: 'ai-gemini' } } }))).toMatchObject({ ok: true });
  const tested = await call('connectors.test', { connectorId: 'hostile' });
  expect(await call('approvals.decide', { requestId: scenario.pendingRequestId, outcome: 'approved', rationale: 'needed for the job' }, PEOPLE.approver, 'globalPage')).toMatchObject({ ok: true });
  await world.app.engine.runDueJobs({ deadline: world.clock.now() + 60_000 });

  const texts = async (): Promise<Array<[string, string]>> => {
    const answers: Array<[string, unknown]> = [
      ['connectors.test', tested],
      ['connectors.list', await call('connectors.list', {})],
      ['approvals.failedJobs (admin)', await call('approvals.failedJobs', {})],
      ['approvals.failedJobs (approver)', await call('approvals.failedJobs', {}, PEOPLE.approver, 'globalPage')],
      ['grants.all', await call('grants.all', {})],
      ['requests.all', await call('requests.all', {})],
      ['myAccess.list', await call('myAccess.list', {}, PEOPLE.requester, 'globalPage')],
      ['audit.events', await call('audit.events', { limit: 200 })],
      ['evidence.export jsonl', await call('evidence.export', { format: 'jsonl' })],
      ['evidence.export csv', await call('evidence.export', { format: 'csv' })],
    ];
    const snapshot = JSON.parse(world.forge.kvs.snapshot()) as { kvs: unknown; entities: unknown };
    return [
      ...answers.map(([where, answer]): [string, string] => [where, JSON.stringify(answer)]),
      ['Jira writes', JSON.stringify(world.forge.jira.requests.filter((request) => request.method !== 'GET'))],
      ['Jira comments', JSON.stringify([...world.forge.jira.issues.values()].map((issue) => issue.comments))],
      ['JSM comments', JSON.stringify([...world.forge.jira.requestComments.values()])],
      ['log lines', JSON.stringify(world.logger.lines)],
      ['storage outside secret storage', JSON.stringify([snapshot.kvs, snapshot.entities])],
    ];
  };
  return { world, scenario, texts };
}

async function failedProvision(world: AppWorld) {
  const failed = await world.invoke('adminPage', 'approvals.failedJobs', {}, { accountId: PEOPLE.admin });
  return failed.ok ? failed.data.items.find((item) => item.issueKey === 'AIR-5') : undefined;
}

describe('secrets planted by a hostile identity provider reach no surface', () => {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
  });

  it('API token sign-in: the token whole, in part and encoded, in bodies and headers', async () => {
    const org = hostileOrg(hostileApiAnswer);
    const { world, texts } = await plant({ settings: { orgUrl: HOSTILE_ORG, authMode: 'api_token' }, secrets: { apiToken: TOKEN } });

    // The hostile org was reached by the test and by the provision, and its refusal was recorded.
    expect(org.calls()).toBeGreaterThanOrEqual(2);
    const failed = await failedProvision(world);
    expect(failed?.job.lastError).toMatchObject({ kind: 'permission' });
    expect(failed?.job.lastError?.message).toContain('[REDACTED]');
    expect(failed?.job.lastError?.requestId).toBeUndefined();
    expect(world.forge.jira.requestComments.get('AIR-5')?.length ?? 0).toBeGreaterThan(0);

    const fragments = fragmentsOf(TOKEN);
    const seen = await texts();
    expect(seen.length).toBeGreaterThanOrEqual(15);
    for (const [where, text] of seen) expect(leaksIn(text, fragments), where).toEqual([]);
    // The secret itself is still where it belongs.
    expect(world.forge.kvs.secretValues()).toContain(TOKEN);
  });

  it('private-key sign-in: the first 40 characters of the PEM body and whole lines of it, from the token endpoint', async () => {
    const org = hostileOrg(hostileTokenAnswer);
    const { world, texts } = await plant({ settings: { orgUrl: HOSTILE_ORG, authMode: 'private_key', clientId: '0oahostileclient1' }, secrets: { privateKey: PEM } });

    expect(org.calls()).toBeGreaterThanOrEqual(2);
    const failed = await failedProvision(world);
    expect(failed?.job.lastError?.message).toContain('[REDACTED]');

    const fragments = fragmentsOf(PEM_BODY.join(''), PEM_BODY);
    for (const [where, text] of await texts()) expect(leaksIn(text, fragments), where).toEqual([]);
    expect(world.forge.kvs.secretValues()).toContain(PEM);
  });
});
