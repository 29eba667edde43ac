/**
 * Evidence export after retention pruned the governance log: the resolver's answer carries the
 * manifest's covered range and pruning statement, and the export dialog shows them.
 */
import { DAY_MS, pruneAuditEvents, verifyEvidence, type EvidenceManifest } from '@clearway/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminPage } from '../../src/frontend/admin/admin-page-app';
import { formatDateTime } from '../../src/frontend/components/format';
import type { AppWorld } from '../../src/test-support/app-world';
import { freshScenario, PEOPLE } from '../../src/test-support/scenario';
import { mount, textOf } from './harness';

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
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(world.clock.now() + 60 * 60 * 1000);
    const screen = await mount(AdminPage, { surface: 'adminPage', world, accountId: PEOPLE.admin });
    await screen.openTab('Governance Logs');
    await screen.click(screen.button('Export evidence'));
    await screen.submit(screen.form('evidence-export'));
    const result = await screen.waitFor(() => screen.maybeTestId('export-result'));
    const text = textOf(result);
    const firstKept = (await world.app.deps.store.query('audit', 'bySeq', { partition: [], limit: 1 })).items[0]!;
    expect(text).toContain(`Covers ${formatDateTime(firstKept.at)} to `);
    expect(text).toContain(': later than asked, because retention pruned the events before it.');
    expect(text).toMatch(/This pack starts at .* \(seq \d+\), later than the requested .*: events through seq \d+ .* were pruned by the 30-day retention on /);
  });
});
