/**
 * Every resolver key the UI calls, found statically: each UI Kit entry the manifest names is
 * followed through its relative imports, and every call of the client (`callClearway`) or its
 * hooks is read for its key. Each key must be a resolver the backend defines, on a surface whose
 * page reaches the call. (At run time, the frontend tests also fail any invoke of a key the
 * page's own resolver function does not define.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOLVER_KEYS, SURFACE_KEYS, type ResolverKey, type SurfaceFunction } from '../src/resolvers/contract';
import { MANIFEST_PATH, readManifest } from '../src/test-support/fake-forge/index';

type Module = { key: string; resource?: string; resolver?: { function?: string } };

const HANDLER_SURFACE: Record<string, SurfaceFunction> = { globalPageResolver: 'globalPage', adminPageResolver: 'adminPage', portalResolver: 'portal' };
const ROOT = dirname(MANIFEST_PATH);
const FRONTEND = join(ROOT, 'src', 'frontend');

/** The client and its hooks pass a caller's key through; everywhere else a key must be a literal. */
const PASS_THROUGH = new Set(['clearway-client.ts', 'components/use-clearway.ts']);
const CALL = /\b(callClearway|useClearway|usePagedList|useGrowingList|readAllPages|invoke)\(\s*(['"])?([^'"\s,)]*)/g;

/** Every UI Kit entry manifest.yml names, with the surface whose resolver function serves it. */
function entries(): Array<{ module: string; file: string; surface: SurfaceFunction }> {
  const manifest = readManifest();
  const modules = manifest.modules as unknown as Record<string, Module[] | undefined>;
  const resources = new Map((manifest.resources ?? []).map((resource) => [resource.key, resource.path]));
  const handlers = new Map((modules.function as Array<{ key: string; handler: string }> | undefined)?.map((fn) => [fn.key, fn.handler.split('.')[1] ?? '']) ?? []);
  return Object.entries(modules).flatMap(([type, list]) =>
    (list ?? []).flatMap((module) => {
      const path = module.resource ? resources.get(module.resource) : undefined;
      const surface = HANDLER_SURFACE[handlers.get(module.resolver?.function ?? '') ?? ''];
      return path && surface ? [{ module: type, file: join(ROOT, path), surface }] : [];
    }),
  );
}

/** The source files an entry reaches through relative imports (type-only imports included: they cost nothing). */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = resolve(dirname(file), specifier ?? '');
      const found = ['.ts', '.tsx'].map((ext) => base + ext).find((candidate) => existsSync(candidate));
      if (found?.startsWith(FRONTEND)) visit(found);
    }
  };
  visit(entry);
  return [...seen];
}

interface Call {
  readonly file: string;
  readonly line: number;
  readonly fn: string;
  readonly key?: string;
}

function calls(file: string): Call[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(CALL)].map((match) => ({
    file: relative(FRONTEND, file),
    line: source.slice(0, match.index).split('\n').length,
    fn: match[1] ?? '',
    ...(match[2] !== undefined && { key: match[3] ?? '' }),
  }));
}

const ENTRIES = entries();
const reachedBy = new Map<string, Set<SurfaceFunction>>();
for (const entry of ENTRIES) for (const file of reachable(entry.file)) reachedBy.set(file, (reachedBy.get(file) ?? new Set()).add(entry.surface));
const ALL_CALLS = [...reachedBy.keys()].flatMap(calls);

describe('front-end invoke keys', () => {
  it('finds the four UI Kit entries of the manifest', () => {
    expect(ENTRIES.map((entry) => entry.module).sort()).toEqual(['jira:adminPage', 'jira:globalPage', 'jiraServiceManagement:portalRequestCreatePropertyPanel', 'jiraServiceManagement:portalRequestDetail']);
  });

  it('names every key literally, and reaches the bridge only through the client', () => {
    const dynamic = ALL_CALLS.filter((call) => call.key === undefined && !PASS_THROUGH.has(call.file));
    expect(dynamic, 'calls whose key is not a string literal').toEqual([]);
    const direct = ALL_CALLS.filter((call) => call.fn === 'invoke' && call.file !== 'clearway-client.ts');
    expect(direct, "invoke outside clearway-client.ts").toEqual([]);
  });

  it('calls only keys the resolvers define', () => {
    const keys = [...new Set(ALL_CALLS.flatMap((call) => (call.key === undefined ? [] : [call.key])))].sort();
    expect(keys.length).toBeGreaterThan(30);
    expect(keys.filter((key) => !RESOLVER_KEYS.includes(key as ResolverKey))).toEqual([]);
  });

  it.each(ENTRIES)('$module calls keys its page resolver defines', ({ file, surface }) => {
    const files = reachable(file);
    const found = files.flatMap(calls).filter((call) => call.key !== undefined);
    expect(found.length).toBeGreaterThan(0);
    for (const call of found) {
      // A component shared by two pages may call each page's own key (it asks which page it is on).
      const surfaces = [...(reachedBy.get(join(FRONTEND, call.file)) ?? [])];
      expect(surfaces.some((candidate) => SURFACE_KEYS[candidate].includes(call.key as ResolverKey)), `${call.file}:${call.line} ${call.key} on ${surface}`).toBe(true);
    }
    // The portal's entries reach no page but their own.
    if (surface === 'portal') for (const call of found) expect(SURFACE_KEYS.portal).toContain(call.key);
  });

  it('gives every resolver a place in the UI', () => {
    const used = new Set(ALL_CALLS.map((call) => call.key));
    expect(RESOLVER_KEYS.filter((key) => !used.has(key))).toEqual([]);
  });
});
