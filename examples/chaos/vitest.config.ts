import { clearwayProject } from '../../vitest.shared.js';
import { prepareTrustedCertificate } from '@clearway/sandbox/tls-env';

// The harness talks https to the simulator and its proxy, in this process and in the worker
// processes it starts: the certificate must be trusted (NODE_EXTRA_CA_CERTS, read once at start-up)
// and tsx pointed at the sources' tsconfig (TSX_TSCONFIG_PATH) before anything starts. The
// sandbox's launcher does both; `pnpm chaos` runs through it.
prepareTrustedCertificate();

// Last, alone: its worker processes' timing should not compete with the other projects' tests.
export default clearwayProject('chaos', { groupOrder: 1 });
