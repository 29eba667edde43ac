import { IdpSimulator, ensureCertificate, loadSeed } from '@clearway/idp-simulator';
import type { Command } from 'commander';
import { paths } from '../paths.js';
import { sandboxSeed } from '../simulator-seed.js';
import { CliError, EXIT } from './output.js';

/** `simulator`: runs the IdP simulator on its own until interrupted, for trying connectors by hand. */
export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('Run the IdP simulator (Okta, Microsoft Graph, Entra sign-in) on loopback until Ctrl-C')
    .option('--seed <file>', 'seed file (JSON: okta / entra users and groups); default: the sandbox people')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--http', 'plain http instead of TLS')
    .action(async (options: { seed?: string; port?: string; http?: boolean }) => {
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError('--port takes a port number.', EXIT.usage);
      const simulator = await IdpSimulator.start({
        seed: options.seed ? loadSeed(options.seed) : sandboxSeed(),
        port,
        ...(!options.http && { tls: await ensureCertificate(paths.certificate) }),
      });
      console.log(`IdP simulator listening on ${simulator.url}`);
      console.log(`  Okta org URL          ${simulator.url}`);
      console.log(`  Graph endpoint        ${simulator.url}  (authority host: the same)`);
      console.log(`  calls and state       ${simulator.url}/_sim/calls  ${simulator.url}/_sim/state`);
      if (!options.http) console.log(`  trust its certificate with NODE_EXTRA_CA_CERTS=${paths.certificate}`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await simulator.stop();
    });
}
