import { clearwayProject } from '../vitest.shared.js';

// The package step (scripts/forge-package) runs this against the bundle Forge's own bundler built.
if (process.env.CLEARWAY_FORGE_BUNDLE === undefined) {
  throw new Error('CLEARWAY_FORGE_BUNDLE is not set: run `pnpm --filter @clearway/forge-app build`, which bundles the app and then runs this.');
}

export default clearwayProject('forge-bundle', {
  setupFiles: ['./src/test-support/setup.ts', './test/frontend/bridge-setup.ts'],
  // The portal flow, and the AI-agent gateway's web trigger (which bundles @clearway/core/gateway-sign-in from core's dist).
  include: ['test/portal-to-access.e2e.test.ts', 'test/gateway-web-trigger.e2e.test.ts'],
});
