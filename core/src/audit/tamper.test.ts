/**
 * Tamper classes on evidence packs. A real pack comes from the real exporter (JSON Lines and CSV,
 * with the anchor the app records in Jira); each class rewrites it as someone holding the file
 * could, and each is verified three ways: with the key, without it, and without it but against
 * the anchor. With the key every class is detected. Without it a class is either detected or the
 * pack verifies and the result says, in words, what was not proven; given the anchor, those too
 * are detected.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_MAC_KEY_SECRET } from '../ports/secrets.js';
import { initializeClearway } from '../setup.js';
import { DAY_MS } from '../ports/clock.js';
import { transact } from '../shared/transact.js';
import { FakeClock, FakeJira, MemoryLogger, MemorySecrets, admin, makeDeps, sequentialIds, type TestDeps } from '../test-support/harness.js';
import { SqliteStore } from '../adapters/sqlite/sqlite-store.js';
import { anchorEvidenceExport, setEvidenceAnchorIssue } from './anchoring.js';
import { buildEvidenceAnchor, type EvidenceAnchor } from './anchor.js';
import { GENESIS_HASH, computeEntryHash } from './chain.js';
import { exportEvidence } from './evidence.js';
import { pruneAuditEvents } from './retention.js';
import { verifyEvidence, verifyEvidenceCsv, type EvidenceVerification, type EvidenceVerifyOptions } from './evidence-verify.js';
import { CSV_COLUMNS } from './pack-event.js';
import type { ChainProblem } from './verify.js';

type Json = Record<string, unknown>;

/** A pack as a holder of the file sees it: its events, its manifest, and what else its lines carry. */
interface Pack {
  events: Json[];
  manifest: Json;
  /** Fields beside `manifest` on the manifest line (JSON Lines). */
  manifestLineExtra?: Json;
  /** Columns appended to the CSV header. */
  extraCsvColumns?: string[];
}

function csvField(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function jsonlOf(pack: Pack): string[] {
  return [...pack.events.map((event) => JSON.stringify(event)), JSON.stringify({ manifest: pack.manifest, ...pack.manifestLineExtra })];
}

/** CSV rows in the exporter's layout; a field an event carries beyond the columns becomes one more column of its row. */
function csvOf(pack: Pack): string[] {
  const header = [...CSV_COLUMNS, ...(pack.extraCsvColumns ?? [])].join(',');
  const rows = pack.events.map((event) => {
    const extra = Object.keys(event).filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
    return [...CSV_COLUMNS, ...extra].map((column) => csvField(event[column])).join(',');
  });
  return [header, ...rows];
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Re-chains events from `index` on with recomputed hashes, as one without the key can; their macs stay as they were. */
function rehashFrom(events: Json[], index: number): void {
  for (let at = index; at < events.length; at += 1) {
    const event = events[at]!;
    if (at > 0) event.prevHash = events[at - 1]!.entryHash;
    event.entryHash = computeEntryHash(event.prevHash as string, event as never);
  }
}

/** The manifest's end claims rewritten to match the events now in the pack. */
function matchManifest(pack: Pack): void {
  const first = pack.events[0];
  const last = pack.events.at(-1);
  const { manifest } = pack;
  manifest.count = pack.events.length;
  for (const field of ['firstSeq', 'lastSeq']) delete manifest[field];
  if (first) manifest.firstSeq = first.seq;
  if (last) manifest.lastSeq = last.seq;
  manifest.firstPrevHash = first?.prevHash ?? GENESIS_HASH;
  manifest.lastEntryHash = last?.entryHash ?? GENESIS_HASH;
}

async function record(deps: TestDeps, count: number, type: string) {
  for (let index = 0; index < count; index += 1) {
    await transact(deps, async () => ({ writes: [], audit: [{ actor: 'tester', type, data: { index, note: `event ${index}, "quoted"` } }], result: undefined }));
    deps.clock.advance(1_000);
  }
}

/** Another installation: its own store and its own chain key. */
async function foreignInstallation(): Promise<TestDeps> {
  const secrets = new MemorySecrets();
  await secrets.set(AUDIT_MAC_KEY_SECRET, 'f'.repeat(64));
  const deps: TestDeps = { store: new SqliteStore(), clock: new FakeClock(), ids: sequentialIds(), secrets, jira: new FakeJira(), logger: new MemoryLogger() };
  await initializeClearway(deps);
  return deps;
}

async function exportPack(deps: TestDeps) {
  const jsonl: string[] = [];
  const csv: string[] = [];
  const manifest = await exportEvidence(deps, admin, {}, { jsonl: (line) => void jsonl.push(line), csv: (line) => void csv.push(line) });
  return { jsonl, csv, manifest };
}

interface World {
  readonly pack: Pack;
  readonly foreign: Pack;
  readonly key: string;
  /** The anchor as Jira answers "get issue property": `{ key, value }`. */
  readonly anchor: { key: string; value: EvidenceAnchor };
  readonly exported: { readonly jsonl: readonly string[]; readonly csv: readonly string[] };
}

let world: World;

beforeAll(async () => {
  const deps = await makeDeps();
  await setEvidenceAnchorIssue(deps, admin, 'AUD-1');
  await record(deps, 6, 'test.event');
  const { jsonl, csv, manifest } = await exportPack(deps);
  const recorded: Array<{ propertyKey: string; value: string }> = [];
  const anchoring = await anchorEvidenceExport(deps, admin, manifest, async (target, anchor) => {
    recorded.push({ propertyKey: target.propertyKey, value: JSON.stringify(anchor) });
    return { ok: true };
  });
  expect(anchoring).toMatchObject({ status: 'recorded', issueKey: 'AUD-1' });
  const foreignDeps = await foreignInstallation();
  await record(foreignDeps, 6, 'foreign.event');
  const foreign = await exportPack(foreignDeps);
  world = {
    pack: { events: jsonl.slice(0, -1).map((line) => JSON.parse(line) as Json), manifest: clone(manifest) as unknown as Json },
    foreign: { events: foreign.jsonl.slice(0, -1).map((line) => JSON.parse(line) as Json), manifest: clone(foreign.manifest) as unknown as Json },
    key: (await deps.secrets.get(AUDIT_MAC_KEY_SECRET))!,
    anchor: { key: recorded[0]!.propertyKey, value: JSON.parse(recorded[0]!.value) as EvidenceAnchor },
    exported: { jsonl, csv },
  };
});

type Format = 'jsonl' | 'csv';
type Mode = 'with the key' | 'without the key' | 'without the key, with the anchor';

function verify(pack: Pack, format: Format, mode: Mode): Promise<EvidenceVerification> {
  const options: EvidenceVerifyOptions = mode === 'with the key' ? { key: world.key } : mode === 'without the key' ? {} : { anchor: clone(world.anchor) };
  return format === 'jsonl' ? verifyEvidence(jsonlOf(pack), options) : verifyEvidenceCsv(csvOf(pack), pack.manifest, options);
}

/** Detected, with the problem (and the seq it names, for a problem with one event); or verified with what was not proven said. */
type Outcome = { readonly problem: ChainProblem; readonly seq?: number } | 'not proven';

const detected = (problem: ChainProblem, seq?: number): Outcome => ({ problem, ...(seq !== undefined && { seq }) });

interface TamperClass {
  readonly name: string;
  readonly tamper: (pack: Pack) => void;
  readonly withKey: Outcome;
  readonly withoutKey: Outcome;
  /** JSON Lines only: the class has no CSV form. */
  readonly jsonlOnly?: true;
  readonly csvOnly?: true;
}

const EVENT_CLASSES: readonly TamperClass[] = [
  {
    name: 'an event field edited',
    tamper: (pack) => ((pack.events[2]!.data as Json).index = 99),
    withKey: detected('entry_hash_mismatch', 3),
    withoutKey: detected('entry_hash_mismatch', 3),
  },
  {
    name: 'an event deleted',
    tamper: (pack) => void pack.events.splice(3, 1),
    withKey: detected('seq_gap', 4),
    withoutKey: detected('seq_gap', 4),
  },
  {
    name: 'an event deleted, the chain recomputed and the manifest edited to match',
    tamper: (pack) => {
      pack.events.splice(3, 1);
      pack.events.slice(3).forEach((event) => (event.seq = (event.seq as number) - 1));
      rehashFrom(pack.events, 3);
      matchManifest(pack);
      pack.manifest.chainHead = { seq: pack.events.at(-1)!.seq, entryHash: pack.events.at(-1)!.entryHash };
    },
    withKey: detected('entry_mac_mismatch', 4),
    withoutKey: 'not proven',
  },
  {
    name: 'two events reordered',
    tamper: (pack) => void pack.events.splice(2, 2, pack.events[3]!, pack.events[2]!),
    withKey: detected('seq_gap', 3),
    withoutKey: detected('seq_gap', 3),
  },
  {
    name: 'an event duplicated',
    tamper: (pack) => void pack.events.splice(3, 0, clone(pack.events[2]!)),
    withKey: detected('seq_gap', 4),
    withoutKey: detected('seq_gap', 4),
  },
  {
    name: 'head truncated',
    tamper: (pack) => void pack.events.splice(0, 2),
    withKey: detected('manifest_mismatch'),
    withoutKey: detected('manifest_mismatch'),
  },
  {
    name: 'head truncated, manifest edited to match',
    tamper: (pack) => {
      pack.events.splice(0, 2);
      matchManifest(pack);
    },
    withKey: detected('manifest_mismatch'),
    withoutKey: 'not proven',
  },
  {
    name: 'tail truncated',
    tamper: (pack) => void pack.events.splice(-2, 2),
    withKey: detected('manifest_mismatch'),
    withoutKey: detected('manifest_mismatch'),
  },
  {
    name: 'tail truncated, manifest edited to match',
    tamper: (pack) => {
      pack.events.splice(-2, 2);
      matchManifest(pack);
    },
    withKey: detected('manifest_mismatch'),
    withoutKey: 'not proven',
  },
  {
    name: 'tail truncated, manifest and its chain head edited to match',
    tamper: (pack) => {
      pack.events.splice(-2, 2);
      matchManifest(pack);
      pack.manifest.chainHead = { seq: pack.manifest.lastSeq, entryHash: pack.manifest.lastEntryHash };
    },
    withKey: detected('manifest_mismatch'),
    withoutKey: 'not proven',
  },
  {
    name: 'every event removed, manifest left as exported',
    tamper: (pack) => void pack.events.splice(0),
    withKey: detected('manifest_mismatch'),
    withoutKey: detected('manifest_mismatch'),
  },
  {
    name: 'empty pack with a zero-count manifest',
    tamper: (pack) => {
      pack.events.splice(0);
      matchManifest(pack);
    },
    withKey: detected('manifest_mismatch'),
    withoutKey: 'not proven',
  },
  {
    name: 'a field injected into an event',
    tamper: (pack) => (pack.events[2]!.approvedBy = 'someone-else'),
    withKey: detected('unexpected_field', 3),
    withoutKey: detected('unexpected_field', 3),
  },
  {
    name: 'an event field of another kind (actor 7 for "7")',
    tamper: (pack) => {
      pack.events[2]!.actor = '7';
      rehashFrom(pack.events, 2);
      matchManifest(pack);
      pack.manifest.chainHead = { seq: pack.manifest.lastSeq, entryHash: pack.manifest.lastEntryHash };
      pack.events[2]!.actor = 7;
    },
    withKey: detected('malformed_event', 3),
    withoutKey: detected('malformed_event', 3),
    // CSV writes 7 and "7" alike: there the edit is a recomputed chain, caught by the macs or the anchor.
    jsonlOnly: true,
  },
  {
    name: 'a column appended to the CSV header',
    tamper: (pack) => (pack.extraCsvColumns = ['approvedBy']),
    withKey: detected('unexpected_field'),
    withoutKey: detected('unexpected_field'),
    csvOnly: true,
  },
  {
    name: 'a field injected into the manifest',
    tamper: (pack) => (pack.manifest.approvedBy = 'someone-else'),
    withKey: detected('unexpected_field'),
    withoutKey: detected('unexpected_field'),
  },
  {
    name: 'a field injected into the manifest’s coverage',
    tamper: (pack) => ((pack.manifest.covered as Json).complete = true),
    withKey: detected('unexpected_field'),
    withoutKey: detected('unexpected_field'),
  },
  {
    name: 'a field injected beside the manifest on its line',
    tamper: (pack) => (pack.manifestLineExtra = { signedOffBy: 'auditor' }),
    withKey: detected('unexpected_field'),
    withoutKey: detected('unexpected_field'),
    jsonlOnly: true,
  },
  {
    name: 'chain recomputed without the key after an edit',
    tamper: (pack) => {
      (pack.events[2]!.data as Json).index = 99;
      rehashFrom(pack.events, 2);
    },
    withKey: detected('entry_mac_mismatch', 3),
    withoutKey: detected('manifest_mismatch'),
  },
  {
    name: 'chain recomputed without the key after an edit, manifest edited to match',
    tamper: (pack) => {
      (pack.events[2]!.data as Json).index = 99;
      rehashFrom(pack.events, 2);
      matchManifest(pack);
      pack.manifest.chainHead = { seq: pack.manifest.lastSeq, entryHash: pack.manifest.lastEntryHash };
    },
    withKey: detected('entry_mac_mismatch', 3),
    withoutKey: 'not proven',
  },
  {
    name: 'foreign events (another installation’s) spliced in',
    tamper: (pack) => void pack.events.splice(2, 2, ...clone(world.foreign.events.slice(2, 4))),
    withKey: detected('prev_hash_mismatch', 3),
    withoutKey: detected('prev_hash_mismatch', 3),
  },
  {
    name: 'a foreign pack (another installation, another key) in place of this one',
    tamper: (pack) => {
      pack.events = clone(world.foreign.events);
      pack.manifest = clone(world.foreign.manifest);
    },
    withKey: detected('entry_mac_mismatch', 1),
    withoutKey: 'not proven',
  },
];

/** One edit of each manifest field, on a pack whose events are untouched. */
const MANIFEST_EDITS: ReadonlyArray<readonly [field: string, edit: (manifest: Json) => void, withoutKey: Outcome]> = [
  ['type', (manifest) => (manifest.type = 'clearway.evidence'), detected('manifest_mismatch')],
  ['formatVersion', (manifest) => (manifest.formatVersion = 1), detected('manifest_mismatch')],
  ['range (alone)', (manifest) => ((manifest.range as Json).from = (manifest.range as { from: number }).from - DAY_MS), detected('manifest_mismatch')],
  [
    'range (and covered with it)',
    (manifest) => {
      (manifest.range as Json).from = (manifest.range as { from: number }).from - DAY_MS;
      manifest.covered = clone(manifest.range);
    },
    'not proven',
  ],
  ['covered', (manifest) => ((manifest.covered as Json).from = (manifest.covered as { from: number }).from + DAY_MS), detected('manifest_mismatch')],
  [
    'pruned (a pruning statement added)',
    (manifest) => (manifest.pruned = { checkpoint: { seq: 0, entryHash: GENESIS_HASH, prunedAt: 1, prunedTotal: 0 }, note: 'Nothing before seq 1.' }),
    detected('manifest_mismatch'),
  ],
  ['count', (manifest) => (manifest.count = (manifest.count as number) + 1), detected('manifest_mismatch')],
  ['firstSeq', (manifest) => (manifest.firstSeq = 2), detected('manifest_mismatch')],
  ['lastSeq', (manifest) => (manifest.lastSeq = 5), detected('manifest_mismatch')],
  ['firstPrevHash', (manifest) => (manifest.firstPrevHash = 'a'.repeat(64)), detected('manifest_mismatch')],
  ['lastEntryHash', (manifest) => (manifest.lastEntryHash = 'a'.repeat(64)), detected('manifest_mismatch')],
  ['chainHead (before the last event)', (manifest) => ((manifest.chainHead as Json).seq = 3), detected('manifest_mismatch')],
  ['chainHead (the last event, another hash)', (manifest) => ((manifest.chainHead as Json).entryHash = 'a'.repeat(64)), detected('manifest_mismatch')],
  ['chainHead (a later seq)', (manifest) => (manifest.chainHead = { seq: 40, entryHash: 'a'.repeat(64) }), 'not proven'],
  ['exportedAt', (manifest) => (manifest.exportedAt = (manifest.exportedAt as number) - DAY_MS), 'not proven'],
  ['exportedBy', (manifest) => (manifest.exportedBy = 'someone-else'), 'not proven'],
  ['hashAlgorithm', (manifest) => (manifest.hashAlgorithm = 'MD5'), detected('manifest_mismatch')],
  ['macAlgorithm', (manifest) => (manifest.macAlgorithm = 'none'), detected('manifest_mismatch')],
  ['canonicalization', (manifest) => (manifest.canonicalization = 'JSON.stringify'), detected('manifest_mismatch')],
  ['csvColumns', (manifest) => (manifest.csvColumns = [...CSV_COLUMNS].reverse()), detected('manifest_mismatch')],
  ['manifestMac (replaced)', (manifest) => (manifest.manifestMac = 'a'.repeat(64)), 'not proven'],
  ['manifestMac (removed)', (manifest) => delete manifest.manifestMac, detected('manifest_mismatch')],
];

const MANIFEST_CLASSES: readonly TamperClass[] = MANIFEST_EDITS.map(([field, edit, withoutKey]) => ({
  name: `manifest field edited: ${field}`,
  tamper: (pack) => edit(pack.manifest),
  withKey: detected('manifest_mismatch'),
  withoutKey,
}));

const TAMPER_CLASSES: readonly TamperClass[] = [...EVENT_CLASSES, ...MANIFEST_CLASSES];

/** With the anchor, what verified without the key is detected; what was detected stays detected. */
function withAnchor(tamperClass: TamperClass): Outcome {
  return tamperClass.withoutKey === 'not proven' ? detected('anchor_mismatch') : tamperClass.withoutKey;
}

function expectOutcome(result: EvidenceVerification, outcome: Outcome, mode: Mode): void {
  if (outcome === 'not proven') {
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true, macChecked: false, manifestMacChecked: false, anchorChecked: false });
    expect(result.notProven).toEqual([expect.stringMatching(/^That the app wrote these events: without the key/), expect.stringMatching(/^The manifest's claims .* a pack cut at its start or end, or emptied/)]);
    return;
  }
  expect(result, `${mode}: ${JSON.stringify(result)}`).toMatchObject({ ok: false, problem: outcome.problem, ...(outcome.seq !== undefined && { firstBadSeq: outcome.seq }) });
}

const ROWS = TAMPER_CLASSES.flatMap((tamperClass) =>
  (['jsonl', 'csv'] as const)
    .filter((format) => !(format === 'csv' && tamperClass.jsonlOnly) && !(format === 'jsonl' && tamperClass.csvOnly))
    .map((format) => ({ ...tamperClass, format })),
);

describe('the pack as exported', () => {
  it('is what the model renders, byte for byte, so every tampered copy differs from a real pack only by its tampering', () => {
    expect(jsonlOf(clone(world.pack))).toEqual(world.exported.jsonl);
    expect(csvOf(clone(world.pack))).toEqual(world.exported.csv);
  });

  it.each(['jsonl', 'csv'] as const)('verifies (%s) in every mode, and says what each mode did not prove', async (format) => {
    const withKey = await verify(clone(world.pack), format, 'with the key');
    expect(withKey).toMatchObject({ ok: true, verified: 8, macChecked: true, manifestMacChecked: true, anchorChecked: false, notProven: [] });
    const keyless = await verify(clone(world.pack), format, 'without the key');
    expectOutcome(keyless, 'not proven', 'without the key');
    const anchored = await verify(clone(world.pack), format, 'without the key, with the anchor');
    expect(anchored).toMatchObject({ ok: true, macChecked: false, anchorChecked: true });
    expect(anchored.notProven).toEqual([expect.stringMatching(/^That the anchor is the one the app recorded: .* with the key its chain head mac is checked too\.$/)]);
    const everything = await (format === 'jsonl' ? verifyEvidence(jsonlOf(clone(world.pack)), { key: world.key, anchor: world.anchor }) : verifyEvidenceCsv(csvOf(clone(world.pack)), clone(world.pack.manifest), { key: world.key, anchor: world.anchor }));
    expect(everything).toMatchObject({ ok: true, macChecked: true, manifestMacChecked: true, anchorChecked: true, notProven: [] });
  });
});

describe('tamper classes', () => {
  it.each(ROWS)('$name ($format): detected with the key', async ({ tamper, format, withKey }) => {
    const pack = clone(world.pack);
    tamper(pack);
    expectOutcome(await verify(pack, format, 'with the key'), withKey, 'with the key');
  });

  it.each(ROWS)('$name ($format): without the key, detected or said to be unproven', async ({ tamper, format, withoutKey }) => {
    const pack = clone(world.pack);
    tamper(pack);
    expectOutcome(await verify(pack, format, 'without the key'), withoutKey, 'without the key');
  });

  it.each(ROWS)('$name ($format): without the key but with the anchor, detected', async (row) => {
    const pack = clone(world.pack);
    row.tamper(pack);
    expectOutcome(await verify(pack, row.format, 'without the key, with the anchor'), withAnchor(row), 'without the key, with the anchor');
  });

  it('keeps its class names distinct, so the closing note can quote them', () => {
    expect(new Set(TAMPER_CLASSES.map((tamperClass) => tamperClass.name)).size).toBe(TAMPER_CLASSES.length);
  });
});

describe('the anchor itself', () => {
  it.each([
    ['another chain head', (anchor: Json) => ((anchor.chainHead as Json).seq = 5), /\(chainHead differ\)/],
    ['another manifest hash', (anchor: Json) => (anchor.manifestHash = 'b'.repeat(64)), /\(manifestHash differ\)/],
    ['a field it does not have', (anchor: Json) => (anchor.verifiedBy = 'auditor'), /not a Clearway evidence anchor: it carries fields outside its schema \(verifiedBy\)/],
    ['no chain head mac', (anchor: Json) => delete (anchor.chainHead as Json).entryMac, /not a Clearway evidence anchor: a field is missing/],
  ])('refuses an anchor with %s, with or without the key', async (_what, edit, detail) => {
    const anchor = clone(world.anchor) as unknown as { key: string; value: Json };
    edit(anchor.value);
    for (const options of [{ anchor }, { anchor, key: world.key }]) {
      expect(await verifyEvidence(jsonlOf(clone(world.pack)), options)).toMatchObject({ ok: false, problem: 'anchor_mismatch', detail });
    }
  });

  it('catches, by the manifest hash alone, a reworded pruning note that every other recorded field leaves unchanged', async () => {
    const deps = await makeDeps();
    await record(deps, 4, 'old');
    deps.clock.advance(60 * DAY_MS);
    await record(deps, 2, 'kept');
    await pruneAuditEvents(deps, { retentionDays: 30 });
    const { jsonl, manifest } = await exportPack(deps);
    const key = (await deps.secrets.get(AUDIT_MAC_KEY_SECRET))!;
    const anchor = buildEvidenceAnchor(key, manifest);
    const reworded = [...jsonl.slice(0, -1), JSON.stringify({ manifest: { ...manifest, pruned: { ...manifest.pruned, note: 'Nothing was pruned.' } } })];
    expect(await verifyEvidence(reworded)).toMatchObject({ ok: true, manifestMacChecked: false });
    expect(await verifyEvidence(reworded, { anchor })).toMatchObject({ ok: false, problem: 'anchor_mismatch', detail: /\(manifestHash differ\)/ });
    expect(await verifyEvidence(jsonl, { anchor })).toMatchObject({ ok: true, anchorChecked: true });
  });

  it('refuses, with the key, an anchor whose head mac this installation did not make', async () => {
    const anchor = clone(world.anchor.value);
    const forged = { ...anchor, chainHead: { ...anchor.chainHead, entryMac: 'c'.repeat(64) } };
    expect(await verifyEvidence(jsonlOf(clone(world.pack)), { anchor: forged })).toMatchObject({ ok: true, anchorChecked: true });
    expect(await verifyEvidence(jsonlOf(clone(world.pack)), { anchor: forged, key: world.key })).toMatchObject({ ok: false, problem: 'anchor_mismatch', detail: /head mac does not match this key/ });
  });
});
