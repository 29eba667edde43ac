import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOLVER_KEYS, SURFACE_KEYS, type ResolverKey, type SurfaceFunction } from '../src/resolvers/contract.js';
import { MANIFEST_PATH, readManifest } from '../src/test-support/fake-forge/index.js';

type Module = { key: string; resource?: string; resolver?: { function?: string } };

const HANDLER_SURFACE: Record<string, SurfaceFunction> = { globalPageResolver: 'globalPage', adminPageResolver: 'adminPage', portalResolver: 'portal' };

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
      return path && surface ? [{ module: type, file: join(dirname(MANIFEST_PATH), path), surface }] : [];
    }),
  );
}

/** The resolver keys a front-end file calls (`callClearway('key', …)` or `invoke('key', …)`). */
function invokedKeys(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/\b(?:callClearway|invoke)\(\s*['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
}

describe('front-end invoke keys', () => {
  it('finds the four UI Kit entries of the manifest', () => {
    expect(entries().map((entry) => entry.module).sort()).toEqual(['jira:adminPage', 'jira:globalPage', 'jiraServiceManagement:portalRequestCreatePropertyPanel', 'jiraServiceManagement:portalRequestDetail']);
  });

  it.each(entries())('$module calls only keys its resolver function defines', ({ file, surface }) => {
    const keys = invokedKeys(file);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(RESOLVER_KEYS).toContain(key);
      expect(SURFACE_KEYS[surface]).toContain(key as ResolverKey);
    }
  });
});
