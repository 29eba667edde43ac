import { clearwayProject } from '../vitest.shared.js';

export default clearwayProject('forge-app', { setupFiles: ['./src/test-support/setup.ts', './test/frontend/bridge-setup.ts'] });
