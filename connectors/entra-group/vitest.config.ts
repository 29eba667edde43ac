import { clearwayProject } from '../../vitest.shared.js';

// The network guard fails any test that makes a request no nock interceptor answers.
export default clearwayProject('connector-entra-group', { setupFiles: ['./src/test-support/network-guard.ts'] });
