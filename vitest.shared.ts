import { defineProject } from 'vitest/config';

/**
 * Settings every package's vitest project shares. Workspace packages resolve to their TypeScript
 * sources through the `@clearway/source` export condition, so tests never need a build first.
 */
export function clearwayProject(name: string, overrides: { setupFiles?: string[] } = {}) {
  const conditions = ['@clearway/source', 'module', 'node', 'import', 'default'];
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@clearway/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      setupFiles: overrides.setupFiles ?? [],
      restoreMocks: true,
    },
  });
}
