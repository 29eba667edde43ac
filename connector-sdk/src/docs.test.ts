/**
 * The README's and the GUIDE's TypeScript, checked the way a reader uses it. Every ```ts block of
 * both documents is written into a throwaway provider package that depends on the SDK exactly as a
 * package of this repository does, and compiled with the TypeScript compiler against the SDK's
 * real types and the repository's compiler options. The blocks that make up the Acme Directory
 * provider, its fake directory and its harness then run through the conformance kit.
 *
 * A block is a module of its own unless the HTML comment on the line before its fence says:
 *   <!-- file: acme-group/src/provider.ts -->  it is that file of a package under `connectors/`;
 *       blocks import each other by relative path, and a file shown in both documents must be
 *       the same in both;
 *   <!-- fragment: NAME -->  it is an excerpt: `PRELUDES[NAME]`, which declares what the excerpt
 *       leaves out, is compiled before it in the same module.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyHttpErrorByRules, findHttpErrorRule, type HttpErrorRule, type RuleFacts } from './error-rules.js';
import type { ConformanceHarness } from './testing/harness.js';
import { runConformance } from './testing/run.js';

const SDK_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(SDK_ROOT, '..');
const DOCS = ['README.md', 'GUIDE.md'];

/** What each fragment leaves out, declared against the real types. */
const PRELUDES: Readonly<Record<string, string>> = {
  overview: `
import type { ExternalIdentity, GroupRef, ProviderCapabilities, ProviderInit, ProviderOperations, SetupGuide } from '@clearway/connector-sdk';
import type { ConformanceFixture } from '@clearway/connector-sdk/testing';
import type { z } from 'zod';
declare const configSchema: z.ZodObject<{ baseUrl: z.ZodURL }>;
declare const secrets: { apiToken: { label: string } };
declare const capabilities: ProviderCapabilities;
declare const setup: SetupGuide;
declare function create(init: ProviderInit<{ baseUrl: string }, typeof secrets>): ProviderOperations;
declare const apiToken: string, group: GroupRef, identity: ExternalIdentity;
declare function seedFakeDirectory(): ConformanceFixture;
`,
  'widgets-provider': `
import type { ProviderHost, ProviderOperations } from '@clearway/connector-sdk';
import { createWidgetsClient, type WidgetsRequester } from '../widgets-group/src/client.js';
import { authorizationFor, widgetsSecrets, widgetsSettings } from '../widgets-group/src/settings.js';
declare function createWidgetsOperations(request: WidgetsRequester, host: ProviderHost): ProviderOperations;
`,
  register: `
import type { ProviderDefinition } from '@clearway/connector-sdk';
declare function registerProvider(container: object, provider: ProviderDefinition): void;
declare const container: object;
declare const widgetsProvider: ProviderDefinition;
`,
};

/** Deliberately broken blocks: the check must fail each, on the line that is wrong. */
const BROKEN_DOC = [
  'A first snippet without the required displayName and description:',
  '<!-- fragment: overview -->',
  '```ts',
  "import { defineProvider } from '@clearway/connector-sdk';",
  "export const acme = defineProvider({ type: 'acme-group', configSchema, secrets, capabilities, setup, create });",
  '```',
  '',
  'A provider that uses an optional secret as if it were always there:',
  '```ts',
  "import { defineProvider, type ProviderOperations } from '@clearway/connector-sdk';",
  "import { z } from 'zod';",
  'declare function operations(token: string): ProviderOperations;',
  'export const widgets = defineProvider({',
  "  type: 'widgets-group', displayName: 'Widgets', description: 'Widgets groups.', configSchema: z.object({}),",
  "  secrets: { apiToken: { label: 'API token', optional: true } },",
  "  capabilities: { createGroups: false, maxBatchSize: 1, membershipCheck: 'direct', manual: false },",
  "  setup: { steps: 'Create a token.', permissions: [] },",
  '  create: ({ secrets }) => operations(secrets.apiToken),',
  '});',
  '```',
].join('\n');

interface Block {
  readonly doc: string;
  /** The document line of the block's first line of code, from 1. */
  readonly line: number;
  readonly code: string;
  readonly file?: string;
  readonly fragment?: string;
}

interface Module {
  readonly path: string;
  readonly block: Block;
  readonly preludeLines: number;
  readonly text: string;
}

const MARKER = /^\s*<!--\s*(file|fragment):\s*(\S+)\s*-->\s*$/;

/** Every ```ts block of a document, with the marker on the line before it. */
function tsBlocks(doc: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^( *)```ts\s*$/.exec(lines[index] ?? '');
    if (!open) continue;
    const indent = open[1] ?? '';
    const end = lines.findIndex((line, at) => at > index && line.trimEnd() === `${indent}\`\`\``);
    if (end < 0) throw new Error(`${doc}:${index + 1}: a \`\`\`ts block that never closes`);
    const marker = MARKER.exec(lines[index - 1] ?? '');
    const code = `${lines.slice(index + 1, end).map((line) => line.slice(indent.length)).join('\n')}\n`;
    blocks.push({ doc, line: index + 2, code, ...(marker?.[1] === 'file' && { file: marker[2] }), ...(marker?.[1] === 'fragment' && { fragment: marker[2] }) });
    index = end;
  }
  return blocks;
}

/** Where each block goes in the throwaway package tree, with its prelude. */
function modulesOf(root: string, blocks: readonly Block[]): Module[] {
  const modules = new Map<string, Module>();
  for (const block of blocks) {
    const prelude = block.fragment === undefined ? '' : PRELUDES[block.fragment]?.trimStart();
    if (prelude === undefined) throw new Error(`${block.doc}:${block.line - 2}: no prelude is named "${block.fragment}"`);
    const path = join(root, 'connectors', block.file ?? join('snippets', `${block.doc.replace(/\W/g, '-')}-${block.line}.ts`));
    const text = prelude + block.code;
    const earlier = modules.get(path);
    if (earlier && earlier.text !== text) throw new Error(`${block.doc}:${block.line}: ${block.file ?? path} differs from its copy at ${earlier.block.doc}:${earlier.block.line}`);
    if (!earlier) modules.set(path, { path, block, preludeLines: prelude.split('\n').length - 1, text });
  }
  return [...modules.values()];
}

/** One directory per package under `connectors/`, with the SDK and its peers as dependencies. */
function writePackages(root: string, modules: readonly Module[]): void {
  symlinkSync(join(REPO_ROOT, 'vitest.shared.ts'), join(root, 'vitest.shared.ts'));
  const names = new Set(modules.map((module) => relative(join(root, 'connectors'), module.path).split(sep)[0] ?? ''));
  for (const name of names) {
    const dir = join(root, 'connectors', name);
    mkdirSync(join(dir, 'node_modules', '@clearway'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@docs/${name}`, private: true, type: 'module' }));
    for (const dependency of ['nock', 'vitest', 'zod']) symlinkSync(realpathSync(join(SDK_ROOT, 'node_modules', dependency)), join(dir, 'node_modules', dependency));
    symlinkSync(SDK_ROOT, join(dir, 'node_modules', '@clearway', 'connector-sdk'));
  }
  for (const module of modules) {
    mkdirSync(dirname(module.path), { recursive: true });
    writeFileSync(module.path, module.text);
  }
}

/** Every compiler diagnostic of the modules, as "DOC:LINE: message" on the document's own lines. */
function compile(modules: readonly Module[]): string[] {
  const base = ts.readConfigFile(join(REPO_ROOT, 'tsconfig.base.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, REPO_ROOT);
  const program = ts.createProgram(
    modules.map((module) => module.path),
    { ...options, noEmit: true, typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] },
  );
  const message = (diagnostic: ts.Diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const problems = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((diagnostic) => `compiler: ${message(diagnostic)}`);
  for (const module of modules) {
    const source = program.getSourceFile(module.path);
    if (!source) {
      problems.push(`${module.block.doc}:${module.block.line}: not compiled`);
      continue;
    }
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line - module.preludeLines;
      const where = line < 0 ? `prelude "${module.block.fragment}" of ${module.block.doc}:${module.block.line}` : `${module.block.doc}:${module.block.line + line}`;
      problems.push(`${where}: ${message(diagnostic)}`);
    }
  }
  return problems;
}

const docText = (doc: string) => readFileSync(join(SDK_ROOT, doc), 'utf8');

describe('the TypeScript of README.md and GUIDE.md', () => {
  let root = '';
  let problems: string[] = [];
  const blocks = DOCS.flatMap((doc) => tsBlocks(doc, docText(doc)));

  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'clearway-sdk-docs-')));
    const modules = modulesOf(root, [...blocks, ...tsBlocks('BROKEN.md', BROKEN_DOC)]);
    writePackages(root, modules);
    problems = compile(modules);
  }, 120_000);

  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('has a ```ts block for every piece of TypeScript, and a prelude for every fragment', () => {
    for (const doc of DOCS) expect(docText(doc)).not.toMatch(/^\s*```(typescript|tsx|js|javascript|mts)\s*$/m);
    expect(blocks.filter((block) => block.doc === 'README.md').length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((block) => block.doc === 'GUIDE.md').length).toBeGreaterThanOrEqual(8);
    const used = new Set(blocks.map((block) => block.fragment).filter((name) => name !== undefined));
    expect([...used].sort()).toEqual(Object.keys(PRELUDES).sort());
  });

  it('compiles every block against the SDK\'s real types', () => {
    expect(problems.filter((problem) => !problem.includes('BROKEN.md'))).toEqual([]);
  });

  it('fails a broken block, naming the document line that is wrong', () => {
    const broken = problems.filter((problem) => problem.startsWith('BROKEN.md:'));
    expect(broken).toEqual([
      expect.stringMatching(/^BROKEN\.md:5: .*displayName/s),
      expect.stringMatching(/^BROKEN\.md:18: .*'string \| undefined' is not assignable to parameter of type 'string'/s),
    ]);
  });

  it('refuses a fragment without a prelude, and a file whose two copies differ', () => {
    const fragment = tsBlocks('X.md', '<!-- fragment: nowhere -->\n```ts\nconst a = 1;\n```\n');
    expect(() => modulesOf('/x', fragment)).toThrow(/X\.md:1: no prelude is named "nowhere"/);
    const twice = tsBlocks('X.md', '<!-- file: p/a.ts -->\n```ts\nconst a = 1;\n```\n\n<!-- file: p/a.ts -->\n```ts\nconst a = 2;\n```\n');
    expect(() => modulesOf('/x', twice)).toThrow(/X\.md:8: p\/a\.ts differs from its copy at X\.md:3/);
  });

  it('matches the GUIDE\'s error table as the GUIDE says: a row needs every condition it states', async () => {
    const loaded: unknown = await import(/* @vite-ignore */ join(root, 'connectors', 'widgets-group', 'src', 'errors.ts'));
    const { WIDGETS_ERROR_RULES: rules } = loaded as { WIDGETS_ERROR_RULES: readonly HttpErrorRule[] };
    const codeFor = (facts: RuleFacts) => findHttpErrorRule(rules, facts)?.code;
    expect(codeFor({ status: 404, providerCode: 'not_found', message: 'No such group' })).toBe('group_not_found');
    expect(codeFor({ status: 404, providerCode: 'NOT_FOUND', message: 'No such user' })).toBe('user_not_found');
    // The group row's code without its message, or its message without its code, is not that row.
    expect(codeFor({ status: 404, providerCode: 'NOT_FOUND' })).toBe('user_not_found');
    expect(codeFor({ status: 404, message: 'No such group' })).toBeUndefined();
    expect(classifyHttpErrorByRules(rules, { status: 403, providerCode: 'QUOTA_EXCEEDED', headers: { 'retry-after': '30' } })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
  });

  it('runs the README\'s Acme provider with the GUIDE\'s nock fake directory through the conformance kit, which it passes', async () => {
    nock.disableNetConnect();
    const loaded: unknown = await import(/* @vite-ignore */ join(root, 'connectors', 'acme-group', 'src', 'test-support', 'harness.ts'));
    const { acmeHarness } = loaded as { acmeHarness: ConformanceHarness };
    expect(acmeHarness.provider.type).toBe('acme-group');
    const results = await runConformance(acmeHarness);
    expect(results.filter((result) => !result.passed)).toEqual([]);
    // The fake's hooks are what these checks need: a reset, a hang, a count of requests, a 429, pages.
    expect(results.map((result) => result.id)).toEqual(
      expect.arrayContaining(['transient', 'abort-in-flight', 'abort-between-requests', 'rate-limited', 'members-paging', 'missing-group', 'resolve-inactive']),
    );
  }, 60_000);
});
