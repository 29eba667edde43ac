// Creates (or keeps, while valid) the simulator's certificate at the path given.
import { ensureCertificate } from '@clearway/idp-simulator';

const [certPath] = process.argv.slice(2);
if (!certPath) throw new Error('usage: tls-setup.ts <cert.pem>');
await ensureCertificate(certPath);
