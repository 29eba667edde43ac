/**
 * Evidence export after retention pruned the governance log: the resolver's answer carries the
 * manifest's covered range and pruning statement, and the export dialog shows them. And the
 * evidence anchor: the admin names an evidence issue, each export records its anchor there as a
 * Jira issue property, and an auditor without the key checks the pack against it.
 */
import { DAY_MS, pruneAuditEvents, verifyEvidence, type EvidenceAnchor, type EvidenceManifest } from '@clearway/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { formatDateTime } from '../../src/frontend/components/format';
import type { AppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { mount, textOf, type Screen } from './harness';

afterEach(() => {
  vi.useRealTimers();
});

/** The scenario's events, 60 days on, pruned by a 30-day retention: only the pruning's own event is kept. */
async function prunedWorld(): Promise<AppWorld> {
  const { world } = await freshScenario();
  world.clock.advance(60 * DAY_MS);
  expect((await pruneAuditEvents(world.app.deps, { retentionDays: 30 })).pruned).toBeGreaterThan(0);
  return world;
}

/** Opens Governance Logs an hour after the world's clock, as the admin, and exports evidence with the dialog's defaults. */
async function exportFromDialog(world: AppWorld): Promise<Screen> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(world.clock.now() + 60 * 60 * 1000);
  const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
  await screen.openTab('Governance Logs');
  await screen.click(screen.button('Export evidence'));
  await screen.submit(screen.form('evidence-export'));
  return screen;
}

describe('evidence export after retention pruning', () => {
  it('answers the manifest with the range asked for, the range covered and what was pruned', async () => {
    const world = await prunedWorld();
    const from = world.clock.now() - 90 * DAY_MS;
    const answer = await world.invoke('adminPage', 'evidence.export', { from, format: 'jsonl' }, { accountId: PEOPLE.admin });
    if (!answer.ok) throw new Error(answer.error.message);
    const { manifest, content } = answer.data;
    expect(manifest).toMatchObject({ range: { from }, covered: { to: manifest.range.to }, pruned: { retentionDays: 30, note: expect.stringContaining('later than the requested') } });
    expect(manifest.covered!.from).toBeGreaterThan(from);
    const lines = content.trim().split('\n');
    expect((JSON.parse(lines.at(-1)!) as { manifest: EvidenceManifest }).manifest).toEqual(manifest);
    expect(await verifyEvidence(lines)).toMatchObject({ ok: true });
  });

  it('shows in the export dialog that the pack starts later than asked, and why', async () => {
    const world = await prunedWorld();
    const screen = await exportFromDialog(world);
    const result = await screen.waitFor(() => screen.maybeTestId('export-result'));
    const text = textOf(result);
    const firstKept = (await world.app.deps.store.query('audit', 'bySeq', { partition: [], limit: 1 })).items[0]!;
    expect(text).toContain(`Covers ${formatDateTime(firstKept.at)} to `);
    expect(text).toContain(': later than asked, because retention pruned the events before it.');
    expect(text).toMatch(/This pack starts at .* \(seq \d+\), later than the requested .*: events through seq \d+ .* were pruned by the 30-day retention on /);
  });
});

/** The scenario with an evidence issue the app may see and edit. */
async function anchoredWorld(): Promise<AppWorld> {
  const { world } = await freshScenario();
  world.forge.jira.addIssue({ key: 'AUD-1', reporterAccountId: PEOPLE.admin });
  const saved = await world.invoke('adminPage', 'evidence.saveSettings', { anchorIssueKey: 'AUD-1' }, { accountId: PEOPLE.admin });
  expect(saved).toEqual({ ok: true, data: { anchorIssueKey: 'AUD-1' } });
  return world;
}

async function exportAs(world: AppWorld, format: 'jsonl' | 'csv') {
  const answer = await world.invoke('adminPage', 'evidence.export', { format }, { accountId: PEOPLE.admin });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.data;
}

async function lastAuditEvent(world: AppWorld) {
  return (await world.app.deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items[0]!;
}

describe('the evidence anchor in Jira', () => {
  it('is recorded at export on the evidence issue, by a PUT as the app, and the answer says where', async () => {
    const world = await anchoredWorld();
    const { anchor, manifest } = await exportAs(world, 'jsonl');
    if (anchor.status !== 'recorded') throw new Error(`not recorded: ${JSON.stringify(anchor)}`);
    expect(anchor).toMatchObject({ issueKey: 'AUD-1', propertyKey: expect.stringMatching(/^clearway-evidence-/) });
    // Jira's "Set issue property": PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}, the value as the body
    // (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/).
    const puts = world.forge.jira.requests.filter((request) => request.method === 'PUT');
    expect(puts).toEqual([{ method: 'PUT', provider: 'app', path: `/rest/api/3/issue/AUD-1/properties/${anchor.propertyKey}`, body: anchor.anchor }]);
    expect(anchor.anchor).toMatchObject({ chainHead: manifest.chainHead, manifestMac: manifest.manifestMac, count: manifest.count, range: manifest.range, exportedBy: PEOPLE.admin, exportedAt: manifest.exportedAt });
    expect(await lastAuditEvent(world)).toMatchObject({ type: 'evidence.anchored', actor: PEOPLE.admin, refs: { issueKey: 'AUD-1' }, data: { propertyKey: anchor.propertyKey } });
  });

  it('lets an auditor without the key prove the pack is the one exported, and catch a cut pack whose manifest was edited to match', async () => {
    const world = await anchoredWorld();
    const { anchor, content } = await exportAs(world, 'jsonl');
    if (anchor.status !== 'recorded') throw new Error('not recorded');
    // What the auditor reads from Jira: "Get issue property" answers { key, value }.
    const readBack = (await world.forge.jira.handle({ provider: 'app' }, `/rest/api/3/issue/AUD-1/properties/${anchor.propertyKey}`, undefined).json()) as { key: string; value: EvidenceAnchor };
    expect(readBack).toEqual({ key: anchor.propertyKey, value: anchor.anchor });
    const lines = content.trim().split('\n');
    expect(await verifyEvidence(lines, { anchor: readBack })).toMatchObject({ ok: true, macChecked: false, anchorChecked: true });

    const events = lines.slice(0, -1);
    const { manifest } = JSON.parse(lines.at(-1)!) as { manifest: EvidenceManifest & Record<string, unknown> };
    const kept = events.slice(0, -1);
    const last = JSON.parse(kept.at(-1)!) as { seq: number; entryHash: string };
    const matching = { ...manifest, count: kept.length, lastSeq: last.seq, lastEntryHash: last.entryHash, chainHead: { seq: last.seq, entryHash: last.entryHash } };
    const cut = [...kept, JSON.stringify({ manifest: matching })];
    expect(await verifyEvidence(cut)).toMatchObject({ ok: true, notProven: [expect.stringContaining('without the key'), expect.stringContaining('a pack cut at its start or end')] });
    expect(await verifyEvidence(cut, { anchor: readBack })).toMatchObject({ ok: false, problem: 'anchor_mismatch' });
  });

  it('is recorded for a CSV export too', async () => {
    const world = await anchoredWorld();
    const { anchor } = await exportAs(world, 'csv');
    expect(anchor).toMatchObject({ status: 'recorded', issueKey: 'AUD-1' });
  });

  it('is not recorded, and the answer says so, when no evidence issue is set', async () => {
    const { world } = await freshScenario();
    const { anchor } = await exportAs(world, 'jsonl');
    expect(anchor).toEqual({ status: 'not_configured' });
    expect(world.forge.jira.requests.filter((request) => request.method === 'PUT')).toEqual([]);
  });

  it('keeps the export whole when Jira refuses the anchor, and says so and records it', async () => {
    const world = await anchoredWorld();
    world.forge.jira.uneditable.add('AUD-1');
    const { anchor, content, manifest } = await exportAs(world, 'jsonl');
    expect(anchor).toMatchObject({ status: 'failed', issueKey: 'AUD-1', reason: expect.stringMatching(/refused to let the app edit AUD-1 \(HTTP 403\)/) });
    expect(manifest.count).toBeGreaterThan(0);
    expect(await verifyEvidence(content.trim().split('\n'))).toMatchObject({ ok: true });
    expect(await lastAuditEvent(world)).toMatchObject({ type: 'evidence.anchor_failed', refs: { issueKey: 'AUD-1' } });
  });
});

describe('the evidence issue setting', () => {
  it('is validated as an issue key and against Jira, and saved with an audit event', async () => {
    const { world } = await freshScenario();
    world.forge.jira.addIssue({ key: 'AUD-1', reporterAccountId: PEOPLE.admin });
    const before = await lastAuditEvent(world);
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Governance Logs');
    await screen.click(screen.button('Evidence issue'));
    const form = await screen.waitFor(() => screen.maybeTestId('evidence-issue'));
    expect(textOf(form)).toContain('outside Clearway\'s storage');

    await screen.type(screen.field('anchorIssueKey'), 'aud-1');
    await screen.submit(screen.form('evidence-issue'));
    await screen.waitForText('a Jira issue key such as AIR-12');
    await screen.type(screen.field('anchorIssueKey'), 'AUD-404');
    await screen.submit(screen.form('evidence-issue'));
    await screen.waitForText('Jira has no issue AUD-404 that the app can see');
    expect((await lastAuditEvent(world)).seq).toBe(before.seq);

    await screen.type(screen.field('anchorIssueKey'), 'AUD-1');
    await screen.submit(screen.form('evidence-issue'));
    await screen.waitForText('Each evidence export records its anchor on AUD-1.');
    expect(screen.invoked('evidence.saveSettings').map((call) => call.payload)).toEqual([{ anchorIssueKey: 'aud-1' }, { anchorIssueKey: 'AUD-404' }, { anchorIssueKey: 'AUD-1' }]);
    expect(await lastAuditEvent(world)).toMatchObject({ type: 'evidence.settings_updated', actor: PEOPLE.admin, data: { anchorIssueKey: 'AUD-1', previousAnchorIssueKey: null } });
    expect(await world.invoke('adminPage', 'evidence.settings', {}, { accountId: PEOPLE.admin })).toEqual({ ok: true, data: { anchorIssueKey: 'AUD-1' } });
  });

  it('shows the saved issue when opened again, and clears it when emptied', async () => {
    const world = await anchoredWorld();
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Governance Logs');
    await screen.click(screen.button('Evidence issue'));
    await screen.waitFor(() => screen.maybeTestId('evidence-issue'));
    expect(screen.field('anchorIssueKey').props.value).toBe('AUD-1');
    await screen.type(screen.field('anchorIssueKey'), '  ');
    await screen.submit(screen.form('evidence-issue'));
    await screen.waitForText('Evidence exports record no anchor');
    expect(await world.invoke('adminPage', 'evidence.settings', {}, { accountId: PEOPLE.admin })).toEqual({ ok: true, data: {} });
  });

  it('shows in the export dialog where the anchor was recorded', async () => {
    const world = await anchoredWorld();
    const screen = await exportFromDialog(world);
    const anchor = await screen.waitFor(() => screen.maybeTestId('export-anchor'));
    expect(textOf(anchor)).toMatch(/^Anchor recorded on AUD-1 as the issue property clearway-evidence-\S+: an auditor without the key can check this pack against it\.$/);
  });
});
