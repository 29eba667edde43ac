import { clearwayProject } from '../../vitest.shared.js';
import { prepareTrustedCertificate } from '@clearway/sandbox/tls-env';

// The harness talks https to the IdP simulator in this process: its certificate must be trusted
// (NODE_EXTRA_CA_CERTS, read once at start-up) before the test workers start. The sandbox's
// launcher does the same for `pnpm lifecycle`.
prepareTrustedCertificate();

// After the other projects and the chaos run (group 1): one process, CPU-bound, timed.
export default clearwayProject('lifecycle', { groupOrder: 2 });
