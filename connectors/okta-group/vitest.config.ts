import { clearwayProject } from '../../vitest.shared.js';

export default clearwayProject('connector-okta-group', {
  // Makes any network call no nock interceptor answers fail the test.
  setupFiles: ['./src/test-support/nock-guard.ts'],
});
