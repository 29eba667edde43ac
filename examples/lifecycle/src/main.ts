/**
 * The lifecycle harness from the command line, for longer runs than CI's: prints the world's size
 * and every discrepancy found (with examples and their grants' histories), writes
 * results/latest.json, and exits 1 when anything was found.
 *
 *   node examples/sandbox/bin/launch.mjs ../lifecycle/src/main.ts [--seed n] [--days n] [--people n]
 *        [--requests min-max] [--ci] [--examples n] [--out file]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFlags } from '@clearway/sandbox';
import { z } from 'zod';
import { CI_OPTIONS, LONG_OPTIONS, lifecycleOptionsSchema } from './options.js';
import { formatFindings, formatSize } from './report.js';
import { runLifecycle } from './scenario.js';

const usage = 'usage: pnpm lifecycle [--seed n] [--days n] [--people n] [--requests min-max] [--ci] [--examples n] [--out file]';

const flagsSchema = z.object({
  seed: z.coerce.number().int().optional(),
  days: z.coerce.number().int().min(10).max(3_650).optional(),
  people: z.coerce.number().int().min(10).max(5_000).optional(),
  requests: z
    .string()
    .regex(/^\d+-\d+$/, 'min-max, e.g. 4-10')
    .transform((text) => text.split('-').map(Number) as [number, number])
    .optional(),
  ci: z.boolean().optional(),
  examples: z.coerce.number().int().min(0).max(100).optional(),
  out: z.string().optional(),
});

const flags = readFlags(
  {
    seed: { type: 'string' },
    days: { type: 'string' },
    people: { type: 'string' },
    requests: { type: 'string' },
    ci: { type: 'boolean' },
    examples: { type: 'string' },
    out: { type: 'string' },
  },
  flagsSchema,
  usage,
);
const options = lifecycleOptionsSchema.parse({
  ...(flags.ci ? CI_OPTIONS : LONG_OPTIONS),
  ...(flags.seed !== undefined && { seed: flags.seed }),
  ...(flags.days !== undefined && { days: flags.days }),
  ...(flags.people !== undefined && { people: flags.people }),
  ...(flags.requests !== undefined && { requestsPerDay: flags.requests }),
});

const log = (line: string) => process.stderr.write(`  ${line}\n`);
const started = new Date();
log(`lifecycle: seed ${options.seed}, ${options.days} days, ${options.people} people, ${options.requestsPerDay.join('–')} requests a day`);
const result = await runLifecycle(options, log);
console.log(formatSize(result));
console.log(`\n${formatFindings(result, flags.examples ?? 3)}`);

const out = flags.out ? resolve(flags.out) : fileURLToPath(new URL('../results/latest.json', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ ranAt: started.toISOString(), node: process.version, ...result }, null, 2)}\n`);
console.log(`\nresults in ${out}`);
process.exit(result.discrepancies.total === 0 ? 0 : 1);
