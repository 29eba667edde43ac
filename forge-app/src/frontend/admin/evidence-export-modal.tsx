import type { EvidenceExport } from '../../resolvers/contract';
import { Code, SectionMessage, Stack, Text } from '@forge/react';
import React, { useState } from 'react';
import { callClearway, type ClearwayError } from '../clearway-client';
import { DateField, RadioField } from '../components/fields';
import { FormModal } from '../components/form-modal';
import { formatDateTime, plural } from '../components/format';
import { useBusy } from '../components/use-clearway';
import { defaultExportDates, exportRange, MAX_EXPORT_DAYS } from './evidence-range';
import { ExportTextModal } from './export-modal';

const FORMATS = [
  { label: 'JSON Lines (one event per line, with its chain fields)', value: 'jsonl' },
  { label: 'CSV (one event per row, the manifest alongside)', value: 'csv' },
];

/** Shown only when retention pruned the start of the range: the pack then covers less than was asked. */
function PrunedCoverage({ manifest }: { readonly manifest: EvidenceExport['manifest'] }) {
  if (!manifest.pruned) return null;
  const { covered } = manifest;
  return (
    <Stack space="space.050">
      <Text>{covered ? `Covers ${formatDateTime(covered.from)} to ${formatDateTime(covered.to)}: later than asked, because retention pruned the events before it.` : 'Covers none of the range asked for: retention pruned all of it.'}</Text>
      <Text>{manifest.pruned.note}</Text>
    </Stack>
  );
}

/** Where the export's anchor went: an auditor without the key checks the pack against it. */
function AnchorSummary({ anchor }: { readonly anchor: EvidenceExport['anchor'] }) {
  if (anchor.status === 'recorded') {
    return <Text testId="export-anchor">{`Anchor recorded on ${anchor.issueKey} as the issue property ${anchor.propertyKey}: an auditor without the key can check this pack against it.`}</Text>;
  }
  if (anchor.status === 'not_configured') {
    return <Text testId="export-anchor">No anchor recorded: no evidence issue is set (Evidence issue, above the governance log). Without the key, an auditor can check this pack only by its hashes.</Text>;
  }
  return (
    <SectionMessage appearance="warning" title={`The anchor was not recorded on ${anchor.issueKey}`} testId="export-anchor">
      <Text>{`${anchor.reason} The pack is complete and verifies with the key; export again once Jira accepts the anchor, so an auditor without the key can check it too.`}</Text>
    </SectionMessage>
  );
}

function ManifestSummary({ pack }: { readonly pack: EvidenceExport }) {
  const { manifest } = pack;
  return (
    <Stack space="space.050">
      <Text>{`${plural(manifest.count, 'event')} from ${formatDateTime(manifest.range.from)} to ${formatDateTime(manifest.range.to)}${manifest.firstSeq !== undefined ? `, seq ${manifest.firstSeq} to ${manifest.lastSeq ?? manifest.firstSeq}` : ''}.`}</Text>
      <PrunedCoverage manifest={manifest} />
      <Text>
        First prevHash: <Code>{manifest.firstPrevHash}</Code>
      </Text>
      <Text>
        Last entryHash: <Code>{manifest.lastEntryHash}</Code>
      </Text>
      <Text>{`Chain head when exported: seq ${manifest.chainHead.seq}. A verifier recomputes every entryHash from the first prevHash and checks the seq has no gaps.`}</Text>
      <AnchorSummary anchor={pack.anchor} />
    </Stack>
  );
}

/**
 * Export an evidence pack: a range of governance-log events with what a verifier needs. The range
 * defaults to the last 90 days and may not pass 365; a longer one is refused here, before asking.
 */
export function EvidenceExportModal({ onClose }: { readonly onClose: () => void }) {
  const [dates, setDates] = useState(() => defaultExportDates(Date.now()));
  const [format, setFormat] = useState<'jsonl' | 'csv'>('jsonl');
  const [problem, setProblem] = useState<{ readonly field: 'from' | 'to'; readonly message: string }>();
  const [error, setError] = useState<ClearwayError>();
  const [pack, setPack] = useState<EvidenceExport>();
  const { busy, run } = useBusy();

  if (pack) {
    const csv = pack.format === 'csv';
    const files = [
      { fileName: pack.fileName, content: pack.content, language: csv ? ('text' as const) : ('json' as const) },
      ...(csv ? [{ fileName: pack.fileName.replace(/\.csv$/, '.manifest.json'), content: `${JSON.stringify(pack.manifest, null, 2)}\n`, language: 'json' as const }] : []),
    ];
    return (
      <ExportTextModal
        title="Evidence pack"
        summary={csv ? 'Keep the manifest with the CSV: it is what makes the range verifiable.' : 'The manifest is the last line of the file.'}
        files={files}
        onClose={onClose}
      >
        <ManifestSummary pack={pack} />
      </ExportTextModal>
    );
  }

  const submit = () =>
    run(async () => {
      const range = exportRange(dates.from, dates.to, Date.now());
      if (!range.ok) return setProblem({ field: range.field, message: range.message });
      setProblem(undefined);
      const answer = await callClearway('evidence.export', { from: range.from, to: range.to, format });
      if (!answer.ok) return setError(answer.error);
      setPack(answer.data);
    });

  return (
    <FormModal title="Export evidence" submitLabel="Export" busy={busy} error={error} errorTitle="The evidence was not exported" onSubmit={submit} onClose={onClose} testId="evidence-export">
      <Text>{`An evidence pack holds the governance-log events of a range with their hash-chain fields and a manifest, so an auditor can verify it without Jira. A pack covers at most ${MAX_EXPORT_DAYS} days.`}</Text>
      <DateField name="exportFrom" label="First day" isRequired value={dates.from} onChange={(from) => setDates({ ...dates, from })} {...(problem?.field === 'from' && { error: problem.message })} />
      <DateField name="exportTo" label="Last day" isRequired value={dates.to} onChange={(to) => setDates({ ...dates, to })} {...(problem?.field === 'to' && { error: problem.message })} />
      <RadioField name="exportFormat" label="Format" options={FORMATS} value={format} onChange={(value) => setFormat(value === 'csv' ? 'csv' : 'jsonl')} />
    </FormModal>
  );
}
