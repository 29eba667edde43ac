import { describeProviderConformance } from '@clearway/connector-sdk/testing';
import { describe } from 'vitest';
import { oktaHarness } from './test-support/okta-fixture.js';

// The SDK's conformance kit against a fake Okta org over nock, once per sign-in method. The private
// key run uses an app that requires DPoP (Okta's default for new API service apps).
describe('API token (SSWS) sign-in', () => {
  describeProviderConformance(oktaHarness({ mode: 'api_token' }));
});

describe('private key (OAuth 2.0 service app, DPoP) sign-in', () => {
  describeProviderConformance(oktaHarness({ mode: 'private_key', requireDpop: true }));
});
