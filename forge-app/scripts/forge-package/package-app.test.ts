/**
 * The package step against small Forge apps written to a temporary directory, bundled by the
 * pinned CLI's real webpack + ts-loader configuration: a sound app packages cleanly; the two
 * defects `forge deploy` hit on this repository (an `./x.js` import of a `.ts` file, a tsconfig
 * with `noEmit`), an invalid manifest and server code in a UI Kit bundle each fail it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { PackageReport } from './package-app';

const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
// A probe loads webpack, ts-loader and TypeScript twice (functions, then UI Kit): tens of seconds on a busy 2-core machine.
const PROBE_TIMEOUT_MS = 600_000;

const MANIFEST = `modules:
  jira:adminPage:
    - key: probe-admin
      title: Probe
      resource: probe-ui
      render: native
      resolver:
        function: probe
  scheduledTrigger:
    - key: probe-tick
      function: tick
      interval: INTERVAL
  function:
    - key: probe
      handler: index.handler
    - key: tick
      handler: index.tick
resources:
  - key: probe-ui
    path: src/frontend/index.ts
app:
  id: ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000
  runtime:
    name: nodejs22.x
`;

const TSCONFIG = { compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true, types: [], lib: ['ES2022', 'DOM'] }, include: ['src'] };

interface ProbeApp {
  readonly interval?: string;
  readonly tsconfig?: object;
  readonly files?: Readonly<Record<string, string>>;
}

const SOUND_FILES = {
  'src/index.ts': "import { greeting } from './greeting';\nexport const handler = async () => ({ ok: true, greeting: greeting('Forge') });\nexport const tick = async () => undefined;\n",
  'src/greeting.ts': 'export function greeting(name: string): string {\n  return `Hello, ${name}`;\n}\n',
  'src/frontend/index.ts': "import { label } from './label';\ndocument.title = label;\n",
  'src/frontend/label.ts': "export const label = 'Probe';\n",
};

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Runs the package step as CI does (its command-line entry, in a process of its own) over a probe app. */
async function packageProbe(app: ProbeApp, signal: AbortSignal): Promise<{ readonly report: PackageReport; readonly outDir: string; readonly status: number | null }> {
  const root = mkdtempSync(join(tmpdir(), 'clearway-forge-probe-'));
  roots.push(root);
  const appDir = join(root, 'app');
  const files: Record<string, string> = {
    'manifest.yml': MANIFEST.replace('INTERVAL', app.interval ?? 'hour'),
    'tsconfig.json': JSON.stringify(app.tsconfig ?? TSCONFIG),
    ...SOUND_FILES,
    ...app.files,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(appDir, path)), { recursive: true });
    writeFileSync(join(appDir, path), content);
  }
  const outDir = join(root, 'bundle');
  const reportPath = join(root, 'report.json');
  const child = spawn(process.execPath, ['scripts/forge-package.cjs', '--app', appDir, '--out', outDir, '--report', reportPath], { cwd: APP_DIR, stdio: ['ignore', 'ignore', 'pipe'], signal });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((done) => child.on('close', done).on('error', () => undefined));
  if (status !== 0 && status !== 1) throw new Error(`The package step crashed (${status}): ${stderr.slice(0, 2_000)}`);
  return { report: JSON.parse(readFileSync(reportPath, 'utf8')) as PackageReport, outDir, status };
}

// Each case is a process of its own: they run side by side.
describe.concurrent('packaging with the Forge CLI’s own bundlers', () => {
  it('packages a sound app: every handler bundled and exported, the UI Kit resource bundled, no problem', async ({ signal }) => {
    const { report, outDir, status } = await packageProbe({}, signal);
    expect(report.problems).toEqual([]);
    expect(status).toBe(0);
    expect(report.functions).toEqual([expect.objectContaining({ name: 'index', bytes: expect.any(Number) })]);
    expect(report.resources).toEqual([expect.objectContaining({ name: 'probe-ui' })]);
    expect(report.functions[0]?.gzipBytes).toBeLessThan(report.functions[0]?.bytes ?? 0);
    expect(readFileSync(join(outDir, 'functions', 'index.cjs'), 'utf8')).toContain('Hello, ');
    expect(readFileSync(join(outDir, 'resources', 'probe-ui', 'index.html'), 'utf8')).toContain('<script');
  }, PROBE_TIMEOUT_MS);

  it('fails on an ./x.js import of a .ts file, in a function and in a UI Kit resource, and on an invalid manifest', async ({ signal }) => {
    const { report, status } = await packageProbe({
      interval: 'minute',
      files: {
        'src/index.ts': "import { greeting } from './greeting.js';\nexport const handler = async () => greeting('Forge');\nexport const tick = async () => undefined;\n",
        'src/frontend/index.ts': "import { label } from './label.js';\ndocument.title = label;\n",
      },
    }, signal);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^functions: [\s\S]*Can't resolve '\.\/greeting\.js'/),
        expect.stringMatching(/^resources: [\s\S]*Can't resolve '\.\/label\.js'/),
        expect.stringMatching(/^forge lint: error: manifest\.yml:\d+:\d+ .*interval/),
      ]),
    );
    expect(status).toBe(1);
  }, PROBE_TIMEOUT_MS);

  it('fails when a UI Kit resource bundles backend code', async ({ signal }) => {
    const { report, status } = await packageProbe({ files: { 'src/frontend/index.ts': "import { greeting } from '../greeting';\ndocument.title = greeting('UI');\n" } }, signal);
    expect(report.problems).toEqual([expect.stringMatching(/^resources: probe-ui bundles backend code: .*src\/greeting\.ts$/)]);
    expect(status).toBe(1);
  }, PROBE_TIMEOUT_MS);

  it('fails when the tsconfig does not emit (ts-loader gets no output)', async ({ signal }) => {
    const { report, status } = await packageProbe({ tsconfig: { ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, noEmit: true } } }, signal);
    expect(report.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^functions: [\s\S]*TypeScript emitted no output/)]));
    expect(report.functions).toEqual([]);
    expect(status).toBe(1);
  }, PROBE_TIMEOUT_MS);
});
