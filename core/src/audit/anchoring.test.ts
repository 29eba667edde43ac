import { describe, expect, it } from 'vitest';
import { AUDIT_MAC_KEY_SECRET } from '../ports/secrets.js';
import { admin, approver, makeDeps, type TestDeps } from '../test-support/harness.js';
import { ISSUE_PROPERTY_LIMITS, readEvidenceAnchor, type EvidenceAnchor } from './anchor.js';
import { anchorEvidenceExport, readEvidenceSettings, setEvidenceAnchorIssue, type AnchorTarget, type EvidenceAnchorWriter } from './anchoring.js';
import { computeEntryMac } from './chain.js';
import { exportEvidence } from './evidence.js';
import { verifyEvidence } from './evidence-verify.js';

async function lastEvent(deps: TestDeps) {
  return (await deps.store.query('audit', 'bySeq', { partition: [], direction: 'desc', limit: 1 })).items[0]!;
}

async function exportPack(deps: TestDeps) {
  const jsonl: string[] = [];
  const manifest = await exportEvidence(deps, admin, {}, { jsonl: (line) => void jsonl.push(line) });
  return { jsonl, manifest };
}

/** A writer that keeps what it was given, as Jira keeps an issue property. */
function recordingWriter(answer: Awaited<ReturnType<EvidenceAnchorWriter>> = { ok: true }) {
  const written: Array<{ target: AnchorTarget; anchor: EvidenceAnchor }> = [];
  const write: EvidenceAnchorWriter = async (target, anchor) => {
    written.push({ target, anchor });
    return answer;
  };
  return { written, write };
}

describe('the evidence issue setting', () => {
  it('is saved by an admin and recorded in the governance log with the issue it replaces', async () => {
    const deps = await makeDeps();
    expect(await readEvidenceSettings(deps.store)).toEqual({});
    expect(await setEvidenceAnchorIssue(deps, admin, 'AUD-7')).toEqual({ anchorIssueKey: 'AUD-7' });
    expect(await lastEvent(deps)).toMatchObject({ type: 'evidence.settings_updated', actor: admin.accountId, refs: { issueKey: 'AUD-7' }, data: { anchorIssueKey: 'AUD-7', previousAnchorIssueKey: null } });
    await setEvidenceAnchorIssue(deps, admin, 'AUD-8');
    expect(await lastEvent(deps)).toMatchObject({ data: { anchorIssueKey: 'AUD-8', previousAnchorIssueKey: 'AUD-7' } });
    expect(await setEvidenceAnchorIssue(deps, admin, null)).toEqual({});
    expect(await lastEvent(deps)).toMatchObject({ refs: {}, data: { anchorIssueKey: null, previousAnchorIssueKey: 'AUD-8' } });
    expect(await readEvidenceSettings(deps.store)).toEqual({});
  });

  it('records nothing when the issue saved is the one already set', async () => {
    const deps = await makeDeps();
    await setEvidenceAnchorIssue(deps, admin, 'AUD-7');
    const before = await lastEvent(deps);
    await setEvidenceAnchorIssue(deps, admin, 'AUD-7');
    expect((await lastEvent(deps)).seq).toBe(before.seq);
  });

  it.each(['aud-7', 'AUD', 'AUD-', '../AUD-7', 'AUD-7?x=1', ' AUD-7', 'AUD-7/properties/x'])('refuses %j, which is no issue key, and changes nothing', async (issueKey) => {
    const deps = await makeDeps();
    const before = await lastEvent(deps);
    await expect(setEvidenceAnchorIssue(deps, admin, issueKey)).rejects.toMatchObject({ code: 'validation_failed', message: /a Jira issue key such as AIR-12/ });
    expect((await lastEvent(deps)).seq).toBe(before.seq);
    expect(await readEvidenceSettings(deps.store)).toEqual({});
  });

  it('is an admin setting', async () => {
    const deps = await makeDeps();
    await expect(setEvidenceAnchorIssue(deps, approver, 'AUD-7')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('anchoring an export', () => {
  it('records nothing, and says so, when no evidence issue is set', async () => {
    const deps = await makeDeps();
    const { manifest } = await exportPack(deps);
    const before = await lastEvent(deps);
    const { written, write } = recordingWriter();
    expect(await anchorEvidenceExport(deps, admin, manifest, write)).toEqual({ status: 'not_configured' });
    expect(written).toEqual([]);
    expect((await lastEvent(deps)).seq).toBe(before.seq);
  });

  it('writes the anchor to the evidence issue within Jira property limits, records where, and the anchor proves the pack without the key', async () => {
    const deps = await makeDeps();
    await setEvidenceAnchorIssue(deps, admin, 'AUD-7');
    const { jsonl, manifest } = await exportPack(deps);
    const { written, write } = recordingWriter();
    const anchoring = await anchorEvidenceExport(deps, admin, manifest, write);
    expect(written).toHaveLength(1);
    const [{ target, anchor }] = written as [{ target: AnchorTarget; anchor: EvidenceAnchor }];
    expect(anchoring).toEqual({ status: 'recorded', issueKey: 'AUD-7', propertyKey: target.propertyKey, anchor });
    expect(target.propertyKey).toMatch(/^clearway-evidence-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{12}$/);
    expect(target.propertyKey.length).toBeLessThanOrEqual(ISSUE_PROPERTY_LIMITS.keyLength);
    expect(JSON.stringify(anchor).length).toBeLessThanOrEqual(ISSUE_PROPERTY_LIMITS.valueLength);
    const key = (await deps.secrets.get(AUDIT_MAC_KEY_SECRET))!;
    expect(anchor).toMatchObject({
      type: 'clearway.evidence-anchor',
      chainHead: { ...manifest.chainHead, entryMac: computeEntryMac(key, manifest.chainHead.entryHash) },
      manifestMac: manifest.manifestMac,
      exportedAt: manifest.exportedAt,
      exportedBy: admin.accountId,
      range: manifest.range,
      count: manifest.count,
    });
    expect(await lastEvent(deps)).toMatchObject({ type: 'evidence.anchored', refs: { issueKey: 'AUD-7' }, data: { propertyKey: target.propertyKey, chainHeadSeq: manifest.chainHead.seq } });
    expect(await verifyEvidence(jsonl, { anchor: JSON.parse(JSON.stringify(anchor)) })).toMatchObject({ ok: true, anchorChecked: true });
  });

  it('tells a pack from the anchor of another export', async () => {
    const deps = await makeDeps();
    await setEvidenceAnchorIssue(deps, admin, 'AUD-7');
    const first = await exportPack(deps);
    const firstAnchor = recordingWriter();
    await anchorEvidenceExport(deps, admin, first.manifest, firstAnchor.write);
    const second = await exportPack(deps);
    const result = await verifyEvidence(second.jsonl, { anchor: firstAnchor.written[0]!.anchor });
    expect(result).toMatchObject({ ok: false, problem: 'anchor_mismatch', detail: /chainHead, count, lastSeq, lastEntryHash, exportedAt, manifestMac, manifestHash differ/ });
  });

  it.each([
    ['Jira refuses the write', recordingWriter({ ok: false, reason: 'Jira refused the write (HTTP 403): the app may not edit AUD-7.' }).write, 'Jira refused the write (HTTP 403): the app may not edit AUD-7.'],
    [
      'the writer fails unexpectedly',
      async () => {
        throw new Error('socket hang up, token=abc');
      },
      'the anchor could not be written',
    ],
  ])('keeps the export when %s, and says and records that it has no anchor', async (_what, write, reason) => {
    const deps = await makeDeps();
    await setEvidenceAnchorIssue(deps, admin, 'AUD-7');
    const { manifest } = await exportPack(deps);
    const anchoring = await anchorEvidenceExport(deps, admin, manifest, write);
    expect(anchoring).toMatchObject({ status: 'failed', issueKey: 'AUD-7', reason });
    expect(await lastEvent(deps)).toMatchObject({ type: 'evidence.anchor_failed', refs: { issueKey: 'AUD-7' }, data: { reason } });
    expect(deps.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'The evidence anchor was not recorded' }));
    expect(JSON.stringify(await lastEvent(deps))).not.toContain('token=abc');
  });
});

describe('reading an anchor back', () => {
  it("accepts the property's value or Jira's { key, value } answer, and nothing else", async () => {
    const deps = await makeDeps();
    await setEvidenceAnchorIssue(deps, admin, 'AUD-7');
    const { manifest } = await exportPack(deps);
    const { written, write } = recordingWriter();
    await anchorEvidenceExport(deps, admin, manifest, write);
    const { target, anchor } = written[0]!;
    expect(readEvidenceAnchor(anchor)).toEqual({ anchor });
    expect(readEvidenceAnchor({ key: target.propertyKey, value: anchor })).toEqual({ anchor });
    expect(readEvidenceAnchor({ key: target.propertyKey, value: anchor, self: 'x' })).toMatchObject({ problem: { problem: 'anchor_mismatch' } });
    expect(readEvidenceAnchor([anchor])).toMatchObject({ problem: { problem: 'anchor_mismatch' } });
  });
});
