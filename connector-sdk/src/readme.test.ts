import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('shows the example provider exactly as tested', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./test-support/acme-provider.ts', import.meta.url), 'utf8');
    const block = /<!-- example:start -->\n```ts\n([\s\S]*?)```\n<!-- example:end -->/.exec(readme)?.[1];
    expect(block).toBe(example);
  });
});

describe('GUIDE and README links', () => {
  it.each(['../README.md', '../GUIDE.md'])('every relative link in %s points at a file that exists', (doc) => {
    const url = new URL(doc, import.meta.url);
    const text = readFileSync(url, 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((match) => match[1] ?? '').filter((target) => target !== '' && !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !existsSync(new URL(target, url)))).toEqual([]);
  });
});
