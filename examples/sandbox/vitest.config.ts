import { clearwayProject } from '../../vitest.shared.js';
import { prepareTrustedCertificate } from './bin/tls-env.mjs';

// The end-to-end tests talk https to the simulator: its certificate must be trusted before the
// test workers start, through NODE_EXTRA_CA_CERTS (Node reads it once, at start-up).
prepareTrustedCertificate();

export default clearwayProject('sandbox');
