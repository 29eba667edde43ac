import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SDK_ROOT = new URL('../', import.meta.url);

describe('README', () => {
  it('shows the example provider exactly as tested, importing the SDK by its package name', () => {
    const readme = readFileSync(new URL('README.md', SDK_ROOT), 'utf8');
    const example = readFileSync(new URL('./test-support/acme-provider.ts', import.meta.url), 'utf8');
    const block = /<!-- file: acme-group\/src\/provider\.ts -->\n```ts\n([\s\S]*?)```\n/.exec(readme)?.[1];
    // The SDK's copy sits inside the SDK, so it imports the SDK's index instead of the package.
    expect(example).toContain("} from '../index.js';");
    expect(block).toBe(example.replace("} from '../index.js';", "} from '@clearway/connector-sdk';"));
  });
});

describe('GUIDE and README links', () => {
  const shipped = (JSON.parse(readFileSync(new URL('package.json', SDK_ROOT), 'utf8')) as { files: string[] }).files;

  it.each(['README.md', 'GUIDE.md'])('every relative link in %s points at a file the published package ships', (doc) => {
    const url = new URL(doc, SDK_ROOT);
    const text = readFileSync(url, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? '').filter((target) => target !== '' && !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !existsSync(new URL(target, url)))).toEqual([]);
    // A link into the repository (an example's source) would be dead for a reader of the npm package.
    const outside = targets.filter((target) => {
      const path = relative(fileURLToPath(SDK_ROOT), fileURLToPath(new URL(target, url)));
      return !shipped.some((entry) => path === entry || path.startsWith(`${entry}/`));
    });
    expect(outside).toEqual([]);
  });

  it.each(['README.md', 'GUIDE.md'])('every #anchor link in %s names a heading of the document it points at', (doc) => {
    const url = new URL(doc, SDK_ROOT);
    const text = readFileSync(url, 'utf8');
    const anchors = [...text.matchAll(/\]\(([^)#\s]*)#([^)\s]+)\)/g)].map((match) => ({ file: match[1] || doc, anchor: match[2] ?? '' }));
    expect(anchors.length).toBeGreaterThan(0);
    const headings = (file: string) =>
      [...readFileSync(new URL(file, url), 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
        (match[1] ?? '').toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'),
      );
    expect(anchors.filter(({ file, anchor }) => !headings(file).includes(anchor))).toEqual([]);
  });
});
