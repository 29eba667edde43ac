/**
 * The Overview's "Intake problems" through the fake bridge, against the real resolvers: portal
 * requests Clearway could not take in, and whether each customer was told.
 */
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { PANEL_FIELD_KEY, PANEL_FORM_MARKER } from '../../src/intake/panel-form';
import { makeQueueConsumer } from '../../src/queue/queue-consumer';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { makeIssueCreatedTrigger } from '../../src/triggers/issue-created';
import { mount, textOf } from './harness';

const form = { fields: [{ key: PANEL_FIELD_KEY, value: { form: PANEL_FORM_MARKER, toolId: 'chatgpt' } }], isValid: true };
const created = (key: string) => ({ issue: { key, fields: { project: { key: 'AIR' } } } });

describe('admin page: Overview lists intake problems', () => {
  it('shows nothing of the kind while every request got in', async () => {
    const { world } = await freshScenario();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.waitForText('Clearway is ready');
    await screen.settle();
    expect(screen.invoked('intake.problems')).toHaveLength(1);
    expect(screen.text()).not.toContain('Intake problems');
  });

  it('lists each request that never got in, what happened, and which customers still need telling', async () => {
    const { world } = await freshScenario();
    const site = world.forge.jira;
    site.createPortalRequest({ key: 'AIR-30', reporterAccountId: PEOPLE.customer, serviceDeskId: '1', requestTypeId: '10', summary: 'Need \uD800 access' }, form);
    expect(await makeIssueCreatedTrigger(() => world.app)(created('AIR-30'))).toMatchObject({ status: 'refused', commented: true });
    // AIR-31 meets a Jira outage through every attempt, the comment included.
    site.createPortalRequest({ key: 'AIR-31', reporterAccountId: PEOPLE.customer, serviceDeskId: '1', requestTypeId: '10' }, form);
    site.outage = true;
    const consumer = makeQueueConsumer(() => world.app);
    expect(await consumer({ body: { kind: 'ingest-issue', issueKey: 'AIR-31', projectKey: 'AIR', attempt: 5, requestedAt: 1 } })).toEqual({ status: 'abandoned', commented: false });
    site.outage = false;

    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    const list = await screen.waitFor(() => screen.maybeTestId('intake-problems'));
    expect(textOf(list)).toContain('2 portal requests could not be taken in and never reached the approvers. Clearway could not comment on 1 of them: tell that customer yourself.');
    const table = screen.get((node) => node.type === 'DynamicTable', 'table', list);
    expect(textOf(screen.row(table, 'AIR-31'))).toMatch(/AIR-31 Jira or storage kept failing 5 attempts failed; the last: Reading AIR-31: Jira answered HTTP 503\. no/);
    expect(textOf(screen.row(table, 'AIR-30'))).toMatch(/AIR-30 request not valid .*not valid Unicode.* yes/);
    expect(screen.everyString().join(' ')).not.toMatch(/\uD800/);
  });
});
