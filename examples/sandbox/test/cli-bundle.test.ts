import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBundle, type BundleOptions } from '../bin/cli-bundle.mjs';

interface Stamp {
  readonly entry: string;
  readonly outputs: readonly string[];
  readonly inputs: Readonly<Record<string, number>>;
  readonly retired: Readonly<Record<string, number>>;
}

/**
 * A small program built as the CLI is (an entry, a module it imports, one it loads lazily): each
 * change is given a modification time of its own, so no check depends on how fast the test runs.
 */
describe('the compiled CLI is rebuilt exactly when what it was built from changes', () => {
  let dir: string;
  let options: BundleOptions;
  let nextTime = Date.UTC(2030, 0, 1);
  const write = (file: string, text: string) => {
    writeFileSync(file, text);
    nextTime += 60_000;
    utimesSync(file, new Date(nextTime), new Date(nextTime));
  };
  const stamp = () => JSON.parse(readFileSync(join(options.outdir, 'tool.build.json'), 'utf8')) as Stamp;
  const runBuilt = (file: string) => execFileSync(process.execPath, [file], { encoding: 'utf8' });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clearway-bundle-'));
    mkdirSync(join(dir, 'src'));
    write(join(dir, 'src', 'main.ts'), "import { greeting } from './greeting.js';\nconsole.log(greeting);\nconst { word } = await import('./lazy.js');\nconsole.log(word);\n");
    write(join(dir, 'src', 'greeting.ts'), "export const greeting: string = 'v1';\n");
    write(join(dir, 'src', 'lazy.ts'), "export const word: string = 'loaded when needed';\n");
    write(join(dir, 'settings.json'), '{}\n');
    write(join(dir, 'package.json'), '{ "type": "module" }\n');
    options = { name: 'tool', entry: join(dir, 'src', 'main.ts'), outdir: join(dir, 'dist'), settings: [join(dir, 'settings.json')] };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds on the first call, then reuses the build while nothing changed', async () => {
    const first = await ensureBundle(options);
    expect(first.built).toBe(true);
    expect(runBuilt(first.file)).toBe('v1\nloaded when needed\n');
    // The lazily loaded module is a chunk of its own, so start-up does not pay for it.
    expect(stamp().outputs.length).toBeGreaterThan(1);
    expect(Object.keys(stamp().inputs).sort()).toEqual(['../package.json', '../settings.json', '../src/greeting.ts', '../src/lazy.ts', '../src/main.ts']);

    await expect(ensureBundle(options)).resolves.toEqual({ file: first.file, built: false });
  });

  it('rebuilds when an imported source changes, and the new build runs the new source', async () => {
    const first = await ensureBundle(options);
    write(join(dir, 'src', 'greeting.ts'), "export const greeting: string = 'v2';\n");

    const second = await ensureBundle(options);
    expect(second.built).toBe(true);
    expect(second.file).not.toBe(first.file);
    expect(runBuilt(second.file)).toBe('v2\nloaded when needed\n');
    // A command started from the replaced build can still load its chunks.
    expect(existsSync(first.file)).toBe(true);
    await expect(ensureBundle(options)).resolves.toEqual({ file: second.file, built: false });
  });

  it("rebuilds when a settings file or the sources' package.json changes, or an output has gone", async () => {
    await ensureBundle(options);
    write(join(dir, 'settings.json'), '{ "changed": true }\n');
    expect((await ensureBundle(options)).built).toBe(true);
    write(join(dir, 'package.json'), '{ "type": "module", "exports": "./src/main.ts" }\n');
    expect((await ensureBundle(options)).built).toBe(true);
    expect((await ensureBundle(options)).built).toBe(false);

    const chunk = stamp().outputs.find((output) => output !== stamp().entry)!;
    rmSync(join(options.outdir, chunk));
    expect((await ensureBundle(options)).built).toBe(true);
    expect(existsSync(join(options.outdir, chunk))).toBe(true);
  });

  it('rebuilds when a source it imported is gone', async () => {
    await ensureBundle(options);
    rmSync(join(dir, 'src', 'lazy.ts'));
    write(join(dir, 'src', 'main.ts'), "import { greeting } from './greeting.js';\nconsole.log(greeting);\n");
    const rebuilt = await ensureBundle(options);
    expect(rebuilt.built).toBe(true);
    expect(runBuilt(rebuilt.file)).toBe('v1\n');
    expect(Object.keys(stamp().inputs)).not.toContain('../src/lazy.ts');
  });

  it('removes a replaced build once it has been retired for ten minutes, and not before', async () => {
    const first = await ensureBundle(options);
    write(join(dir, 'src', 'greeting.ts'), "export const greeting: string = 'v2';\n");
    const second = await ensureBundle(options);
    expect(Object.keys(stamp().retired)).toContain(first.file.slice(options.outdir.length + 1));

    // As if the first build had been replaced eleven minutes ago.
    const aged = { ...stamp(), retired: Object.fromEntries(Object.keys(stamp().retired).map((output) => [output, Date.now() - 11 * 60_000])) };
    writeFileSync(join(options.outdir, 'tool.build.json'), JSON.stringify(aged));
    write(join(dir, 'src', 'greeting.ts'), "export const greeting: string = 'v3';\n");
    const third = await ensureBundle(options);

    expect(runBuilt(third.file)).toBe('v3\nloaded when needed\n');
    expect(existsSync(first.file)).toBe(false);
    expect(existsSync(second.file)).toBe(true);
  });
});
