import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** The SDK's network guard (`@clearway/connector-sdk/testing/network-guard`) as a setup file path. */
const NETWORK_GUARD = fileURLToPath(new URL('./connector-sdk/src/testing/network-guard.ts', import.meta.url));

/**
 * Settings every package's vitest project shares. Workspace packages resolve to their TypeScript
 * sources through the `@clearway/source` export condition, so tests never need a build first.
 */
export function clearwayProject(name: string, overrides: { setupFiles?: string[]; networkGuard?: boolean; include?: string[]; groupOrder?: number } = {}) {
  // Only these: vitest hands them to workers as Node `--conditions`, and `import` or `module` there
  // would change how CommonJS dependencies `require()` each other (Okta's SDK breaks).
  const conditions = ['@clearway/source', 'node', 'default'];
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@clearway/source'] } },
    test: {
      name,
      environment: 'node',
      include: overrides.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
      // `networkGuard`: no test reaches a real network, and an unanswered request fails its test.
      setupFiles: [...(overrides.networkGuard ? [NETWORK_GUARD] : []), ...(overrides.setupFiles ?? [])],
      restoreMocks: true,
      // Projects of a higher group run after the others, on a machine no longer busy with them.
      ...(overrides.groupOrder !== undefined && { sequence: { groupOrder: overrides.groupOrder } }),
    },
  });
}
