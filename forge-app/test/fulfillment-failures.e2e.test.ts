/**
 * What the admin and the requester see when fulfillment cannot finish, through the app's resolvers,
 * intake trigger and queue consumer over the fake site, with a directory provider that (like Okta
 * or Entra) finds people only by mapping or email:
 * - a requester whose email Jira hides ends in a "map this Jira user" failure the admin can fix;
 * - a provider's terminal refusal goes to the team as a JSM internal note, and the customer reads
 *   only what happens next.
 */
import type { ResolverKey, ResolverResponse, SurfaceFunction } from '../src/resolvers/contract';
import { describe, expect, it } from 'vitest';
import { adfToText } from '../src/adapters/jira/adf';
import { PANEL_FIELD_KEY, PANEL_FORM_MARKER } from '../src/intake/panel-form';
import { makeQueueConsumer } from '../src/queue/queue-consumer';
import { makeAppWorld, type AppWorld } from '../src/test-support/app-world';
import { EmailDirectory, emailDirectoryProvider, vendorRefusal } from '../src/test-support/email-directory-provider';
import { asDelivered } from '../src/test-support/fulfillment-world';
import { PEOPLE, scenarioRules, seedSite, tool } from '../src/test-support/scenario';
import { makeIssueCreatedTrigger } from '../src/triggers/issue-created';

/** The connector's API token: no comment, log line or answer may hold it, or any 12 characters of it. */
const TOKEN = 'dir-token-9c4e1b7a2f6d3e80';
const HIDDEN = 'acc-hana';

interface Fixture {
  readonly world: AppWorld;
  readonly directory: EmailDirectory;
  readonly as: <K extends ResolverKey>(accountId: string, surface: SurfaceFunction, key: K, payload: unknown) => Promise<ResolverResponse<K>>;
  /** A portal request for ChatGPT, taken in by the intake trigger and approved; returns the grant id. */
  readonly requestAndApprove: (issueKey: string, reporterAccountId: string) => Promise<string>;
  /** Delivers every queued fulfillment event to the consumer. */
  readonly runQueue: () => Promise<void>;
}

async function fixture(): Promise<Fixture> {
  const directory = new EmailDirectory();
  const world = makeAppWorld({ providers: [emailDirectoryProvider(directory)] });
  const site = world.forge.jira;
  seedSite(site);
  // Get user applies the person's privacy controls: with the email hidden, the answer has no
  // `emailAddress` (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get,
  // https://developer.atlassian.com/cloud/jira/platform/profile-visibility/). The fake omits it for a user added without one.
  site.addUser({ accountId: HIDDEN, displayName: 'Hana Hidden' });
  await world.app.ready();

  const as: Fixture['as'] = (accountId, surface, key, payload) => world.invoke(surface, key, payload, { accountId });
  const admin = <K extends ResolverKey>(key: K, payload: unknown) => as(PEOPLE.admin, 'adminPage', key, payload);
  expect(await admin('governance.update', { rules: scenarioRules(), note: 'setup' })).toMatchObject({ ok: true });
  expect(await admin('connectors.create', { id: 'dir', providerType: 'email-directory', name: 'Email directory', settings: {}, secrets: { apiToken: TOKEN } })).toMatchObject({ ok: true });
  expect(await admin('catalog.save', tool('chatgpt', 'ChatGPT Enterprise', { fulfillment: { connectorId: 'dir', group: { name: 'ai-chatgpt' } } }))).toMatchObject({ ok: true });

  const consumer = makeQueueConsumer(() => world.app);
  const runQueue = async () => {
    for (const event of world.forge.queues.take()) await consumer(asDelivered(event));
  };
  const trigger = makeIssueCreatedTrigger(() => world.app);
  const requestAndApprove = async (issueKey: string, reporterAccountId: string) => {
    site.createPortalRequest(
      { key: issueKey, reporterAccountId, serviceDeskId: '1', requestTypeId: '10', summary: 'ChatGPT for release notes' },
      { fields: [{ key: PANEL_FIELD_KEY, value: { form: PANEL_FORM_MARKER, toolId: 'chatgpt', durationDays: 30 } }], isValid: true },
    );
    expect(await trigger({ issue: { key: issueKey, fields: { project: { key: 'AIR' } } } })).toMatchObject({ status: 'ingested' });
    const pending = await as(PEOPLE.approver, 'globalPage', 'approvals.pending', {});
    const request = pending.ok ? pending.data.items.find((item) => item.issueKey === issueKey) : undefined;
    const decided = await as(PEOPLE.approver, 'globalPage', 'approvals.decide', { requestId: request?.id, outcome: 'approved', rationale: 'release notes' });
    if (!decided.ok || !decided.data.grant) throw new Error(`${issueKey} was not approved`);
    return decided.data.grant.id;
  };
  return { world, directory, as, requestAndApprove, runQueue };
}

/** What the customer can read on the request: its plain (public) Jira comments. */
const publicComments = (world: AppWorld, issueKey: string) => (world.forge.jira.issues.get(issueKey)?.comments ?? []).map((comment) => adfToText(comment).trim());
const internalNotes = (world: AppWorld, issueKey: string) => (world.forge.jira.requestComments.get(issueKey) ?? []).filter((comment) => !comment.public).map((comment) => comment.body);

function expectNoToken(text: string): void {
  for (let start = 0; start + 12 <= TOKEN.length; start += 1) expect(text).not.toContain(TOKEN.slice(start, start + 12));
}

describe('fulfillment failures, as the admin and the requester see them', () => {
  it('asks the admin to map a Jira user whose email is hidden, spending no provider call; a retry after the mapping succeeds', async () => {
    const { world, directory, as, requestAndApprove, runQueue } = await fixture();
    directory.addUser({ id: 'u-hana', login: 'hana.h', email: 'hana@example.com' });
    const grantId = await requestAndApprove('AIR-7', HIDDEN);
    expect((await world.app.deps.store.get('request', (await world.app.deps.store.get('grant', grantId))!.requestId))?.requesterEmail).toBeUndefined();

    await runQueue();

    expect(directory.lookups).toBe(0);
    const failed = await as(PEOPLE.admin, 'adminPage', 'approvals.failedJobs', {});
    const item = failed.ok ? failed.data.items.find((entry) => entry.issueKey === 'AIR-7') : undefined;
    expect(item).toMatchObject({ toolName: 'ChatGPT Enterprise', grantStatus: 'provision_failed', job: { type: 'provision', lastError: { kind: 'invalid_config', code: 'identity_mapping_required', retryable: false } } });
    expect(item?.job.lastError?.message).toMatch(/^Map this Jira user: Hana Hidden \(Jira account acc-hana\) has no identity mapping at Email directory, and Jira shows Clearway no email address for them \(their Atlassian profile may hide it\)\. In Clearway → Connectors → Email directory → Identity mappings, map them to their Email directory user id or login, then retry this fulfillment\.$/);
    const audit = await as(PEOPLE.admin, 'adminPage', 'audit.events', {});
    const events = audit.ok ? audit.data.items.filter((event) => event.refs.grantId === grantId) : [];
    expect(events.find((event) => event.type === 'job.failed')?.data).toMatchObject({ kind: 'invalid_config', code: 'identity_mapping_required' });
    expect(internalNotes(world, 'AIR-7')).toEqual([expect.stringContaining('(identity_mapping_required)')]);
    expect(publicComments(world, 'AIR-7').filter((text) => /mapping|identity_|Email directory/.test(text))).toEqual([]);

    expect(await as(PEOPLE.admin, 'adminPage', 'connectors.mapIdentity', { connectorId: 'dir', accountId: HIDDEN, externalId: 'hana.h' })).toMatchObject({ ok: true });
    expect(await as(PEOPLE.admin, 'adminPage', 'approvals.retryFailedJob', { jobId: item?.job.id })).toMatchObject({ ok: true });
    await runQueue();

    expect(directory.lookups).toBe(1);
    expect([...directory.members]).toEqual(['u-hana']);
    expect(await as(HIDDEN, 'globalPage', 'myAccess.list', {})).toMatchObject({ ok: true, data: { items: [{ status: 'active', toolName: 'ChatGPT Enterprise' }] } });
    const after = await as(PEOPLE.admin, 'adminPage', 'approvals.failedJobs', {});
    expect(after.ok && after.data.items.filter((entry) => entry.issueKey === 'AIR-7')).toEqual([]);
  });

  it('puts a provider refusal in one internal note and tells the customer only what happens next', async () => {
    const { world, directory, requestAndApprove, runQueue } = await fixture();
    directory.addUser({ id: 'u-una', login: 'una', email: 'una@example.com' });
    directory.failNextAdd = vendorRefusal;
    await requestAndApprove('AIR-8', PEOPLE.requester);
    const publicBefore = publicComments(world, 'AIR-8');

    await runQueue();

    const notes = internalNotes(world, 'AIR-8');
    expect(notes).toEqual([expect.stringMatching(/^Granting access failed and needs an admin: Directory refused to change group grp-77 with token .*DIR-403 insufficient scope groups\.write \(permission\)\. Fix the cause/)]);
    expect(world.forge.jira.requests.filter((request) => request.path === '/rest/servicedeskapi/request/AIR-8/comment')).toEqual([expect.objectContaining({ method: 'POST', provider: 'app', body: { body: notes[0], public: false } })]);
    const added = publicComments(world, 'AIR-8').slice(publicBefore.length);
    expect(added).toEqual(['Setting up your access to ChatGPT Enterprise hit a problem on our side. The team has been told and is sorting it out; nothing is needed from you. You can follow its status on this request.']);
    for (const text of publicComments(world, 'AIR-8')) {
      for (const internal of ['Directory refused', 'grp-77', 'DIR-403', 'groups.write', 'permission', 'req-5e1f', 'needs an admin']) expect(text).not.toContain(internal);
      expectNoToken(text);
    }
    for (const note of notes) expectNoToken(note);
    for (const line of world.logger.lines) expectNoToken(JSON.stringify(line));
  });
});
