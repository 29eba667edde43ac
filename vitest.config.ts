import { defineConfig } from 'vitest/config';

// Every package with a vitest.config.ts is a project; `pnpm test` at the root runs them all.
export default defineConfig({
  test: {
    projects: ['{connector-sdk,core,forge-app}/vitest.config.ts', '{connectors,examples}/*/vitest.config.ts'],
  },
});
