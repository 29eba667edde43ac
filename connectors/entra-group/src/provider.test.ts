import { describeProviderConformance } from '@clearway/connector-sdk/testing';
import { describe } from 'vitest';
import { conformanceHarness } from './test-support/harness.js';
import { createSelfSignedCertificate } from './test-support/self-signed-certificate.js';

describe('signed in with a client secret (ClientSecretCredential against the nocked sign-in endpoint)', () => {
  describeProviderConformance(conformanceHarness({ mode: 'client_secret' }));
});

describe('signed in with a client certificate (ClientCertificateCredential, assertion verified)', () => {
  describeProviderConformance(conformanceHarness({ mode: 'client_certificate', certificate: createSelfSignedCertificate() }));
});
