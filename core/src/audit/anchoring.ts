import { ValidationError } from '../errors.js';
import { issueKeySchema } from '../ports/jira.js';
import { put, type Store } from '../ports/store.js';
import { requireAdmin } from '../shared/authorize.js';
import type { Actor, CoreDeps } from '../shared/deps.js';
import { transact } from '../shared/transact.js';
import { buildEvidenceAnchor, evidenceAnchorPropertyKey, type EvidenceAnchor } from './anchor.js';
import { auditMacKey } from './audit-log.js';
import type { SealedEvidenceManifest } from './manifest.js';

export const EVIDENCE_SETTINGS_ID = 'evidence:settings';

export interface EvidenceSettings {
  /** The Jira issue each export's anchor is recorded on, as an issue property; none: no anchor is recorded. */
  readonly anchorIssueKey?: string;
}

export async function readEvidenceSettings(store: Store): Promise<EvidenceSettings> {
  const value = (await store.get('meta', EVIDENCE_SETTINGS_ID))?.value as EvidenceSettings | undefined;
  return value?.anchorIssueKey !== undefined ? { anchorIssueKey: value.anchorIssueKey } : {};
}

/**
 * Names the evidence issue (or, with null, stops recording anchors), recorded in the governance
 * log with the issue it replaces. Saving the issue already set changes and records nothing.
 */
export async function setEvidenceAnchorIssue(deps: CoreDeps, actor: Actor, issueKey: string | null): Promise<EvidenceSettings> {
  requireAdmin(actor, 'choose the evidence issue');
  if (issueKey !== null) {
    const parsed = issueKeySchema.safeParse(issueKey);
    if (!parsed.success) throw new ValidationError('The evidence issue must be a Jira issue key such as AIR-12.', [{ path: 'anchorIssueKey', message: 'a Jira issue key such as AIR-12' }]);
  }
  return transact(deps, async () => {
    const record = await deps.store.get('meta', EVIDENCE_SETTINGS_ID);
    const previous = (record?.value as EvidenceSettings | undefined)?.anchorIssueKey;
    const settings: EvidenceSettings = issueKey !== null ? { anchorIssueKey: issueKey } : {};
    if (previous === (issueKey ?? undefined)) return { writes: [], audit: [], result: settings };
    return {
      writes: [put('meta', { id: EVIDENCE_SETTINGS_ID, version: record?.version ?? 0, value: settings })],
      audit: [
        {
          actor: actor.accountId,
          type: 'evidence.settings_updated',
          ...(issueKey !== null && { refs: { issueKey } }),
          data: { anchorIssueKey: issueKey, previousAnchorIssueKey: previous ?? null },
        },
      ],
      result: settings,
    };
  });
}

/** Where an anchor goes: the evidence issue and the property key. */
export interface AnchorTarget {
  readonly issueKey: string;
  readonly propertyKey: string;
}

/**
 * Records an anchor outside Clearway's storage (the app's Jira issue property). Answers why not in
 * words for the admin, never Jira's own answer body.
 */
export type EvidenceAnchorWriter = (target: AnchorTarget, anchor: EvidenceAnchor) => Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }>;

/** What became of an export's anchor: the answer tells the admin where it is, or why there is none. */
export type EvidenceAnchoring =
  | ({ readonly status: 'recorded'; readonly anchor: EvidenceAnchor } & AnchorTarget)
  | ({ readonly status: 'failed'; readonly anchor: EvidenceAnchor; readonly reason: string } & AnchorTarget)
  | { readonly status: 'not_configured' };

/**
 * Records the anchor of a pack just exported on the evidence issue. A failure does not undo the
 * export: the pack is complete and verifies with the key; the admin is told it has no anchor, and
 * the governance log records the failure next to the export, so an auditor sees why.
 */
export async function anchorEvidenceExport(deps: CoreDeps, actor: Actor, manifest: SealedEvidenceManifest, write: EvidenceAnchorWriter): Promise<EvidenceAnchoring> {
  requireAdmin(actor, 'record an evidence anchor');
  const { anchorIssueKey } = await readEvidenceSettings(deps.store);
  if (anchorIssueKey === undefined) return { status: 'not_configured' };
  const anchor = buildEvidenceAnchor(await auditMacKey(deps.secrets, deps.ids), manifest);
  const target: AnchorTarget = { issueKey: anchorIssueKey, propertyKey: evidenceAnchorPropertyKey(anchor) };
  let outcome: Awaited<ReturnType<EvidenceAnchorWriter>>;
  try {
    outcome = await write(target, anchor);
  } catch {
    outcome = { ok: false, reason: 'the anchor could not be written' };
  }
  const anchoring: EvidenceAnchoring = outcome.ok ? { status: 'recorded', anchor, ...target } : { status: 'failed', anchor, reason: outcome.reason, ...target };
  const data = { propertyKey: target.propertyKey, exportedAt: anchor.exportedAt, chainHeadSeq: anchor.chainHead.seq, manifestMac: anchor.manifestMac, ...(!outcome.ok && { reason: outcome.reason }) };
  await transact(deps, async () => ({
    writes: [],
    audit: [{ actor: actor.accountId, type: outcome.ok ? 'evidence.anchored' : 'evidence.anchor_failed', refs: { issueKey: target.issueKey }, data }],
    result: undefined,
  }));
  if (!outcome.ok) deps.logger.warn('The evidence anchor was not recorded', { issueKey: target.issueKey, propertyKey: target.propertyKey, reason: outcome.reason });
  return anchoring;
}
