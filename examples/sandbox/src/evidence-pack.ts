import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { exportEvidence, type Actor, type CoreDeps, type SealedEvidenceManifest } from '@clearway/core';

/**
 * Writes an evidence pack as JSON Lines (its last line is the manifest) and, when asked, as CSV with
 * its manifest beside it at `<csv>.manifest.json`, where `clearway evidence verify` looks. The files
 * are closed before it returns, even on failure.
 */
export async function writeEvidencePack(
  deps: CoreDeps,
  actor: Actor,
  range: { readonly from?: number; readonly to?: number },
  files: { readonly jsonl: string; readonly csv?: string },
): Promise<SealedEvidenceManifest> {
  const jsonl = createWriteStream(files.jsonl);
  const csv = files.csv !== undefined ? createWriteStream(files.csv) : undefined;
  const lines = (stream: WriteStream) => (line: string) => void stream.write(`${line}\n`);
  const close = (stream: WriteStream) => new Promise((resolve) => stream.end(resolve));
  let manifest: SealedEvidenceManifest;
  try {
    manifest = await exportEvidence(deps, actor, range, { jsonl: lines(jsonl), ...(csv && { csv: lines(csv) }) });
  } finally {
    await Promise.all([close(jsonl), ...(csv ? [close(csv)] : [])]);
  }
  if (files.csv !== undefined) writeFileSync(`${files.csv}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
