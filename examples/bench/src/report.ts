/** One row of `pnpm bench`: a ratio measured side by side in the same run, against its target. */
export interface BenchRow {
  readonly id: string;
  readonly name: string;
  /** The headline figure (a ratio or a count), as measured. */
  readonly figure: number;
  readonly unit: string;
  /** What "good" is, in words, e.g. "≥ 0.9". */
  readonly target: string;
  readonly met: boolean | 'report';
  /** The raw measurements behind the figure. */
  readonly details: Readonly<Record<string, number | string>>;
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

export function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}

/** The fastest of several runs of synchronous work, in ms: on a shared machine, some run is not interrupted. */
export function best(runs: number, work: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}
