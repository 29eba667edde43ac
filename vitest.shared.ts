import { defineProject } from 'vitest/config';

/**
 * Settings every package's vitest project shares. Workspace packages resolve to their TypeScript
 * sources through the `@clearway/source` export condition, so tests never need a build first.
 */
export function clearwayProject(name: string, overrides: { setupFiles?: string[] } = {}) {
  // Only these: vitest hands them to workers as Node `--conditions`, and `import` or `module` there
  // would change how CommonJS dependencies `require()` each other (Okta's SDK breaks).
  const conditions = ['@clearway/source', 'node', 'default'];
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
