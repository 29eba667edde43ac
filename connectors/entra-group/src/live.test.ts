/**
 * Opt-in smoke tests against a real Microsoft Entra tenant. They run only when the variables below
 * are set (see the README); otherwise the suite is skipped and says why. They change membership of
 * one dedicated test group only, and leave the test user outside it.
 */
import { readFileSync } from 'node:fs';
import { createOperationContext, type Connector, type ExternalIdentity, type GroupRef, type MembershipCheck } from '@clearway/connector-sdk';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entraGroupProvider } from './provider.js';

const env = process.env;
const required = ['CLEARWAY_ENTRA_LIVE_TENANT_ID', 'CLEARWAY_ENTRA_LIVE_CLIENT_ID', 'CLEARWAY_ENTRA_LIVE_GROUP_ID', 'CLEARWAY_ENTRA_LIVE_USER'];
const missing = required.filter((name) => !env[name]);
const hasCredential = Boolean(env.CLEARWAY_ENTRA_LIVE_CLIENT_SECRET || env.CLEARWAY_ENTRA_LIVE_CERTIFICATE_FILE);
if (!hasCredential) missing.push('CLEARWAY_ENTRA_LIVE_CLIENT_SECRET or CLEARWAY_ENTRA_LIVE_CERTIFICATE_FILE');
const skipReason = missing.length > 0 ? `Live Microsoft Entra smoke tests skipped: set ${missing.join(', ')} to run them (see README).` : undefined;
if (skipReason) console.info(skipReason);

/** The direct check reads an eventually consistent index: give it up to a minute to catch up. */
async function eventually(read: () => Promise<MembershipCheck>, expected: 'member' | 'not_member'): Promise<MembershipCheck> {
  let last = await read();
  for (let attempt = 0; attempt < 30 && last.outcome !== expected; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    last = await read();
  }
  return last;
}

describe.skipIf(skipReason !== undefined)('live Microsoft Entra tenant (opt-in)', () => {
  let connector: Connector;
  let user: ExternalIdentity;
  const group: GroupRef = { id: env.CLEARWAY_ENTRA_LIVE_GROUP_ID ?? '' };
  const ctx = () => createOperationContext({ timeoutMs: 30_000 });

  beforeAll(() => {
    // These tests talk to Microsoft for real: take nock out of the way for this file only.
    nock.restore();
    const certificateFile = env.CLEARWAY_ENTRA_LIVE_CERTIFICATE_FILE;
    connector = entraGroupProvider.connect({
      config: {
        tenantId: env.CLEARWAY_ENTRA_LIVE_TENANT_ID,
        clientId: env.CLEARWAY_ENTRA_LIVE_CLIENT_ID,
        authMode: certificateFile ? 'client_certificate' : 'client_secret',
        ...(env.CLEARWAY_ENTRA_LIVE_GRAPH_BASE_URL && { graphBaseUrl: env.CLEARWAY_ENTRA_LIVE_GRAPH_BASE_URL }),
        ...(env.CLEARWAY_ENTRA_LIVE_AUTHORITY_HOST && { authorityHost: env.CLEARWAY_ENTRA_LIVE_AUTHORITY_HOST }),
      },
      secrets: certificateFile ? { certificatePem: readFileSync(certificateFile, 'utf8') } : { clientSecret: env.CLEARWAY_ENTRA_LIVE_CLIENT_SECRET },
    });
  });

  afterAll(async () => {
    if (user) await connector.remove(ctx(), group, user);
    nock.activate();
  });

  it('passes "Test connection" for the test group', async () => {
    const result = await connector.test(ctx(), { group });
    expect(result.checks.filter((check) => !check.passed)).toEqual([]);
  }, 60_000);

  it('resolves the test user and binds the test group by id', async () => {
    const resolution = await connector.resolveIdentity(ctx(), { accountId: 'live-smoke', email: env.CLEARWAY_ENTRA_LIVE_USER ?? '' });
    expect(resolution.outcome).toBe('resolved');
    if (resolution.outcome === 'resolved') user = resolution.identity;
    expect(await connector.bindGroup(ctx(), { groupId: group.id })).toMatchObject({ outcome: 'bound', group: { id: group.id } });
  }, 60_000);

  /** Every page of the group's members (the cast list without ConsistencyLevel, as Graph really answers it). */
  async function listAll(): Promise<ExternalIdentity[]> {
    const members: ExternalIdentity[] = [];
    let cursor: string | undefined;
    do {
      const page = await connector.listMembers!(ctx(), group, cursor);
      members.push(...page.members);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return members;
  }

  it('adds and removes idempotently, and the checks and the member list follow', async () => {
    await connector.remove(ctx(), group, user);
    expect((await connector.add(ctx(), group, user)).outcome).toBe('applied');
    expect((await connector.add(ctx(), group, user)).outcome).toBe('already_satisfied');
    expect(await eventually(() => connector.check(ctx(), group, user), 'member')).toEqual({ outcome: 'member', via: 'direct' });
    expect(await listAll()).toContainEqual(user);
    expect((await connector.remove(ctx(), group, user)).outcome).toBe('applied');
    expect((await connector.remove(ctx(), group, user)).outcome).toBe('already_satisfied');
    expect(await eventually(() => connector.check(ctx(), group, user), 'not_member')).toEqual({ outcome: 'not_member', via: 'direct' });
    expect((await listAll()).map((member) => member.id)).not.toContain(user.id);
  }, 180_000);
});
