/**
 * Opt-in smoke tests against a real Okta org. They run only when credentials are given in
 * environment variables (see the README, "Live smoke tests"); otherwise they are reported as
 * skipped, with the reason printed. They change the membership of one scratch group only.
 */
import { createOperationContext, type Connector, type ExternalIdentity, type GroupRef } from '@clearway/connector-sdk';
import { allowRealHost } from '@clearway/connector-sdk/testing/network-guard';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOktaConnection } from './okta-client.js';
import { oktaGroupProvider } from './provider.js';
import { credentialsFor, oktaSettingsSchema } from './settings.js';

const env = process.env;
const ORG_URL = env.CLEARWAY_OKTA_LIVE_ORG_URL;
const USER = env.CLEARWAY_OKTA_LIVE_USER;
const GROUP = env.CLEARWAY_OKTA_LIVE_GROUP ?? 'clearway-smoke-test';

function liveConnection(): { config: Record<string, unknown>; secrets: Record<string, string> } | string {
  if (!ORG_URL || !USER) return 'set CLEARWAY_OKTA_LIVE_ORG_URL and CLEARWAY_OKTA_LIVE_USER, plus a credential';
  if (env.CLEARWAY_OKTA_LIVE_API_TOKEN) return { config: { orgUrl: ORG_URL }, secrets: { apiToken: env.CLEARWAY_OKTA_LIVE_API_TOKEN } };
  if (env.CLEARWAY_OKTA_LIVE_CLIENT_ID && env.CLEARWAY_OKTA_LIVE_PRIVATE_KEY_FILE) {
    return {
      config: { orgUrl: ORG_URL, authMode: 'private_key', clientId: env.CLEARWAY_OKTA_LIVE_CLIENT_ID, keyId: env.CLEARWAY_OKTA_LIVE_KEY_ID },
      secrets: { privateKey: readFileSync(env.CLEARWAY_OKTA_LIVE_PRIVATE_KEY_FILE, 'utf8') },
    };
  }
  return 'set CLEARWAY_OKTA_LIVE_API_TOKEN, or CLEARWAY_OKTA_LIVE_CLIENT_ID and CLEARWAY_OKTA_LIVE_PRIVATE_KEY_FILE';
}

const live = liveConnection();
const skipReason = typeof live === 'string' ? live : undefined;
if (skipReason) console.info(`Okta live smoke tests skipped: ${skipReason} (see connectors/okta-group/README.md).`);

describe.skipIf(skipReason !== undefined)(`Okta live smoke tests${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const ctx = () => createOperationContext({ timeoutMs: 30_000 });
  let connector: Connector;
  let identity: ExternalIdentity;
  let group: GroupRef;

  beforeAll(() => {
    if (typeof live === 'string') return;
    allowRealHost(new URL(String(live.config.orgUrl)).hostname);
    connector = oktaGroupProvider.connect(live);
  });

  it('passes the connection test without a group', async () => {
    const result = await connector.test(ctx(), {});
    expect(result.checks.filter((check) => !check.passed)).toEqual([]);
  }, 30_000);

  it('resolves the test user and binds (or creates) the scratch group', async () => {
    const resolution = await connector.resolveIdentity(ctx(), { accountId: 'live-smoke', email: USER ?? '' });
    expect(resolution.outcome).toBe('resolved');
    if (resolution.outcome === 'resolved') identity = resolution.identity;
    const binding = await connector.bindGroup(ctx(), { name: GROUP, description: 'Clearway live smoke tests', createIfMissing: true });
    group = binding.group;
    const again = await connector.bindGroup(ctx(), { name: GROUP, createIfMissing: true });
    expect(again).toEqual({ group, outcome: 'bound' });
    expect((await connector.test(ctx(), { group })).ok).toBe(true);
  }, 60_000);

  it('adds and removes idempotently, and check follows', async () => {
    await connector.remove(ctx(), group, identity);
    expect(await connector.add(ctx(), group, identity)).toEqual({ outcome: 'applied' });
    expect(await connector.add(ctx(), group, identity)).toEqual({ outcome: 'already_satisfied' });
    expect(await connector.check(ctx(), group, identity)).toMatchObject({ outcome: 'member' });
    expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'applied' });
    expect(await connector.remove(ctx(), group, identity)).toEqual({ outcome: 'already_satisfied' });
    expect(await connector.check(ctx(), group, identity)).toMatchObject({ outcome: 'not_member' });
  }, 60_000);

  it("lists the scratch group's members page by page, the test user under the id resolving gave them", async () => {
    const list = connector.listMembers;
    if (!list) throw new Error('the okta-group connector lists group members');
    await connector.add(ctx(), group, identity);
    const listed: ExternalIdentity[] = [];
    let cursor: string | undefined;
    // Every next link Okta sends must stay on the org URL (a custom domain included), or this fails.
    do {
      const page = await list(ctx(), group, cursor);
      listed.push(...page.members);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(listed).toContainEqual(identity);
    await connector.remove(ctx(), group, identity);
  }, 60_000);

  it('records what Okta answers to re-adding a member and removing a non-member', async () => {
    if (typeof live === 'string') return;
    const settings = oktaSettingsSchema.parse(live.config);
    const okta = createOktaConnection(settings, credentialsFor(settings, { apiToken: live.secrets.apiToken, privateKey: live.secrets.privateKey }));
    // The calls insist on Okta's documented 204, so any other success shows up here as an error.
    const outcome = async (work: () => Promise<unknown>) =>
      work().then(
        () => 'success (204)',
        (error: unknown) => String((error as { status?: unknown }).status ?? error),
      );
    const args = { groupId: group.id, userId: identity.id };
    await okta.call(ctx(), 'Adding', (sdk) => sdk.groupApi.assignUserToGroup(args), 'no_content');
    const reAdd = await outcome(() => okta.call(ctx(), 'Re-adding', (sdk) => sdk.groupApi.assignUserToGroup(args), 'no_content'));
    await okta.call(ctx(), 'Removing', (sdk) => sdk.groupApi.unassignUserFromGroup(args), 'no_content');
    const removeAgain = await outcome(() => okta.call(ctx(), 'Removing again', (sdk) => sdk.groupApi.unassignUserFromGroup(args), 'no_content'));
    console.info(`Okta answered: re-adding a member → ${reAdd}; removing a non-member → ${removeAgain}.`);
    expect(reAdd).toBe('success (204)');
  }, 60_000);
});
