import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WriteStream } from 'node:fs';
import { exportEvidence, type Actor, type CoreDeps, type SealedEvidenceManifest } from '@clearway/core';

/** A pack file that cannot be written: `path` is the file asked for, `reason` says why in words. */
export class EvidenceOutputError extends Error {
  readonly code = 'output_unwritable';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Cannot write ${path}: ${reason}.`);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'its folder does not exist',
  EISDIR: 'it is a folder',
  ENOSPC: 'the disk is full',
};

function unwritable(path: string, error: unknown): EvidenceOutputError {
  const code = (error as { code?: unknown }).code;
  return new EvidenceOutputError(path, (typeof code === 'string' && REASONS[code]) || (error instanceof Error ? error.message : String(error)));
}

/**
 * One output file written beside its target under a temporary name and renamed onto it only once
 * complete: a failed export leaves no empty or partial file, and an existing one as it was.
 */
class PendingFile {
  private failure: unknown;

  private constructor(
    readonly target: string,
    private readonly temporary: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  static async open(target: string): Promise<PendingFile> {
    if ((await stat(target).catch(() => undefined))?.isDirectory()) throw new EvidenceOutputError(target, REASONS.EISDIR!);
    const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      handle = await open(temporary, 'wx', 0o644);
    } catch (error) {
      throw unwritable(target, error);
    }
    return new PendingFile(target, temporary, handle.createWriteStream());
  }

  write(text: string): void {
    this.stream.write(text);
  }

  /** Flushes and closes the temporary file; throws when any write failed. */
  async close(): Promise<void> {
    if (!this.stream.closed) await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.failure !== undefined) throw unwritable(this.target, this.failure);
  }

  async commit(): Promise<void> {
    try {
      await rename(this.temporary, this.target);
    } catch (error) {
      throw unwritable(this.target, error);
    }
  }

  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.temporary, { force: true });
  }
}

/**
 * Writes an evidence pack as JSON Lines (its last line is the manifest) and, when asked, as CSV with
 * its manifest beside it at `<csv>.manifest.json`, where `clearway evidence verify` looks. The files
 * appear only when the export succeeded: on any failure (a range refused, a folder not writable) no
 * target is created or changed. An unwritable target is an `EvidenceOutputError`, found before the
 * export is recorded.
 */
export async function writeEvidencePack(
  deps: CoreDeps,
  actor: Actor,
  range: { readonly from?: number; readonly to?: number },
  files: { readonly jsonl: string; readonly csv?: string },
): Promise<SealedEvidenceManifest> {
  const pending: PendingFile[] = [];
  try {
    const jsonl = await PendingFile.open(files.jsonl);
    pending.push(jsonl);
    const csv = files.csv !== undefined ? await PendingFile.open(files.csv) : undefined;
    const csvManifest = files.csv !== undefined ? await PendingFile.open(`${files.csv}.manifest.json`) : undefined;
    pending.push(...(csv ? [csv] : []), ...(csvManifest ? [csvManifest] : []));
    const lines = (file: PendingFile) => (line: string) => file.write(`${line}\n`);
    const manifest = await exportEvidence(deps, actor, range, { jsonl: lines(jsonl), ...(csv && { csv: lines(csv) }) });
    csvManifest?.write(`${JSON.stringify(manifest, null, 2)}\n`);
    for (const file of pending) await file.close();
    for (const file of pending) await file.commit();
    return manifest;
  } catch (error) {
    await Promise.all(pending.map((file) => file.discard()));
    throw error;
  }
}
