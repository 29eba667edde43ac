import { clearwayProject } from '../../vitest.shared.js';

// The SDK's network guard fails any test that makes a request no nock interceptor answers.
export default clearwayProject('connector-okta-group', { networkGuard: true });
