/**
 * `pnpm chaos`: the soak. Runs the chaos scenario (and, unless --no-baseline, the same scenario
 * without faults, for its time), prints the report and writes results/latest.json. Exits 1 when
 * any count is not 0.
 *
 *   pnpm chaos [--seed n] [--users n] [--workers n] [--duration seconds] [--settle seconds]
 *              [--rate share] [--without kind,kind] [--without-retry-after form,form] [--no-baseline]
 *              [--out file]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFlags } from '@clearway/sandbox';
import { z } from 'zod';
import { FAULT_KINDS, RETRY_AFTER_FORMS } from './fault-proxy/faults.js';
import { SOAK_OPTIONS, baselineOf } from './options.js';
import { formatReport, violations } from './report.js';
import { runScenario, type ChaosOptions } from './scenario.js';

const usage = 'usage: pnpm chaos [--seed n] [--users n] [--workers n] [--duration seconds] [--settle seconds] [--rate share] [--without kind,kind] [--without-retry-after form,form] [--no-baseline] [--out file]';

const list = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .optional()
    .transform((text) => (text ? text.split(',').map((item) => item.trim()).filter(Boolean) : []))
    .pipe(z.array(z.enum(values as unknown as [T, ...T[]])));

const flagsSchema = z.object({
  seed: z.coerce.number().int().optional(),
  users: z.coerce.number().int().min(1).max(5_000).optional(),
  workers: z.coerce.number().int().min(1).max(8).optional(),
  duration: z.coerce.number().min(5).max(3_600).optional(),
  settle: z.coerce.number().min(5).max(3_600).optional(),
  rate: z.coerce.number().min(0).max(1).optional(),
  without: list(FAULT_KINDS),
  'without-retry-after': list(RETRY_AFTER_FORMS),
  'no-baseline': z.boolean().optional(),
  out: z.string().optional(),
});

const flags = readFlags(
  {
    seed: { type: 'string' },
    users: { type: 'string' },
    workers: { type: 'string' },
    duration: { type: 'string' },
    settle: { type: 'string' },
    rate: { type: 'string' },
    without: { type: 'string' },
    'without-retry-after': { type: 'string' },
    'no-baseline': { type: 'boolean' },
    out: { type: 'string' },
  },
  flagsSchema,
  usage,
);
const options: ChaosOptions = {
  ...SOAK_OPTIONS,
  ...(flags.seed !== undefined && { seed: flags.seed }),
  ...(flags.users !== undefined && { users: flags.users }),
  ...(flags.workers !== undefined && { workers: flags.workers }),
  ...(flags.duration !== undefined && { chaosSeconds: flags.duration }),
  ...(flags.settle !== undefined && { settleTimeoutSeconds: flags.settle }),
  ...(flags.rate !== undefined && { faultRate: flags.rate }),
  filter: { withoutKinds: flags.without, withoutRetryAfter: flags['without-retry-after'] },
};

const log = (line: string) => process.stderr.write(`  ${line}\n`);
const started = new Date();
log(`chaos: seed ${options.seed}, ${options.users * 2} grants, ${options.workers} workers, ${options.chaosSeconds} s of chaos`);
const result = await runScenario(options, log);
const baseline = flags['no-baseline'] ? undefined : await runScenario(baselineOf(options), log);
console.log(formatReport(result, baseline));

const out = flags.out ? resolve(flags.out) : fileURLToPath(new URL('../results/latest.json', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ ranAt: started.toISOString(), node: process.version, options, result, ...(baseline && { baseline }) }, null, 2)}\n`);
const failed = [...violations(result), ...(baseline ? violations(baseline) : [])];
console.log(`\n${failed.length === 0 ? 'every count is 0' : `${failed.length} counts are not 0: ${failed.map(([name, count]) => `${name} ${count}`).join(', ')}`}; results in ${out}`);
process.exit(failed.length === 0 ? 0 : 1);
