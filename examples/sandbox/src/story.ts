import { iterateQuery } from '@clearway/core';
import type { SandboxDeps } from './world.js';
import { QUIET_EVENTS, dayClock, describeEvent } from './timeline.js';

const tty = process.stdout.isTTY;
const paint = (code: string, text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
export const green = (text: string) => paint('32', text);
export const red = (text: string) => paint('31', text);
export const dim = (text: string) => paint('2', text);
export const bold = (text: string) => paint('1', text);

export interface Expectation {
  readonly what: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * The main job's narrator: runs numbered steps, prints each step's own audit events as the
 * timeline, checks what each step says it does, and remembers every failed expectation.
 */
export class Story {
  readonly failures: string[] = [];
  private lastSeq = 0;
  private stepNumber = 0;

  constructor(
    private readonly deps: SandboxDeps,
    private readonly totalSteps: number,
    private readonly start: number,
    private readonly names: (accountId: string) => string,
  ) {}

  async step(title: string, run: () => Promise<void>): Promise<void> {
    this.stepNumber += 1;
    const started = Date.now();
    process.stdout.write(`\n${bold(`[${String(this.stepNumber).padStart(2)}/${this.totalSteps}]`)} ${title}\n`);
    try {
      await run();
    } catch (error) {
      this.fail(`${title}: ${error instanceof Error ? error.message : String(error)}`);
    }
    await this.printNewEvents();
    process.stdout.write(dim(`       (${((Date.now() - started) / 1000).toFixed(1)} s)\n`));
  }

  expect(what: string, ok: boolean, detail?: string): void {
    process.stdout.write(`       ${ok ? green('✓') : red('✗')} ${what}${detail ? dim(` — ${detail}`) : ''}\n`);
    if (!ok) this.failures.push(`${what}${detail ? ` (${detail})` : ''}`);
  }

  note(text: string): void {
    process.stdout.write(`       ${dim('·')} ${text}\n`);
  }

  fail(text: string): void {
    process.stdout.write(`       ${red('✗')} ${text}\n`);
    this.failures.push(text);
  }

  /** Expects the promise to be refused with the given error code. */
  async expectRefusal(what: string, attempt: Promise<unknown>, code: string): Promise<void> {
    try {
      await attempt;
      this.expect(what, false, 'it was accepted');
    } catch (error) {
      const actual = (error as { code?: string }).code;
      this.expect(what, actual === code, `${actual ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async printNewEvents(): Promise<void> {
    for await (const event of iterateQuery(this.deps.store, 'audit', 'bySeq', { partition: [], range: { gt: this.lastSeq }, limit: 100 })) {
      this.lastSeq = event.seq;
      if (QUIET_EVENTS.has(event.type)) continue;
      process.stdout.write(`       ${dim(dayClock(event.at, this.start))}  ${dim(`#${String(event.seq).padStart(3)}`)}  ${describeEvent(event, this.names)}\n`);
    }
  }
}

/** A plain text table: a header row, then rows, columns padded to fit. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
