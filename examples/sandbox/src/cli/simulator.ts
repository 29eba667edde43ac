import type { SimulatorSeed } from '@clearway/idp-simulator';
import type { Command } from 'commander';
import { paths } from '../paths.js';
import { sandboxSeed } from '../simulator-seed.js';
import { secretEnvName } from './connector.js';
import { CliError, EXIT } from './output.js';

interface ConnectorTarget {
  readonly provider: string;
  readonly settings: Readonly<Record<string, string | boolean>>;
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * What a user types into a connector to point it at this simulator: settings and credentials per
 * provider, from the seed it runs (the seed's credentials are sandbox values, never real ones).
 */
export function simulatorTargets(url: string, seed: SimulatorSeed, http: boolean): ConnectorTarget[] {
  const loopbackHttp: Readonly<Record<string, boolean>> = http ? { allowInsecureLoopback: true } : {};
  return [
    ...(seed.okta ? [{ provider: 'okta-group', settings: { orgUrl: url, authMode: 'api_token', ...loopbackHttp }, secrets: { apiToken: seed.okta.apiToken } }] : []),
    ...(seed.entra
      ? [{ provider: 'entra-group', settings: { tenantId: seed.entra.tenantId, clientId: seed.entra.clientId, authMode: 'client_secret', graphBaseUrl: url, authorityHost: url, ...loopbackHttp }, secrets: { clientSecret: seed.entra.clientSecret } }]
      : []),
    ...(seed.scim ? [{ provider: 'scim-group', settings: { baseUrl: `${url}/scim/v2`, authMode: 'bearer', ...loopbackHttp }, secrets: { bearerToken: seed.scim.bearerToken } }] : []),
  ];
}

function describeTargets(url: string, targets: readonly ConnectorTarget[], certificate: string | undefined): string {
  const lines = [`IdP simulator listening on ${url} (Ctrl-C to stop)`, ''];
  for (const target of targets) {
    lines.push(`${target.provider}`);
    for (const [name, value] of Object.entries(target.settings)) lines.push(`  ${name.padEnd(22)}${String(value)}`);
    for (const [name, value] of Object.entries(target.secrets)) lines.push(`  ${name.padEnd(22)}${value}   (secret: ${secretEnvName(name)})`);
    lines.push('');
  }
  lines.push(`calls and state          ${url}/_sim/calls  ${url}/_sim/state`);
  if (certificate) lines.push(`trust its certificate    NODE_EXTRA_CA_CERTS=${certificate}`);
  lines.push('try a connector          put "settings" in a config file, export the secret, then: pnpm clearway connector test <provider> --config <file>');
  return lines.join('\n');
}

/** `simulator`: runs the IdP simulator on its own until interrupted, for trying connectors by hand. */
export function registerSimulatorCommand(program: Command, json: () => boolean): void {
  program
    .command('simulator')
    .description('Run the IdP simulator (Okta, Microsoft Graph and Entra sign-in, SCIM 2.0) on loopback until Ctrl-C; prints the settings and credentials to point a connector at it')
    .option('--seed <file>', 'seed file (JSON: okta / entra / scim users and groups); default: the sandbox people')
    .option('--port <port>', 'port to listen on (default: any free port)')
    .option('--http', 'plain http instead of TLS')
    .action(async (options: { seed?: string; port?: string; http?: boolean }) => {
      const port = options.port === undefined ? 0 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError('--port takes a port number.', EXIT.usage);
      // Loaded here, not at start-up: the simulator's certificate library is large (see connector.ts).
      const { IdpSimulator, ensureCertificate, loadSeed } = await import('@clearway/idp-simulator');
      const seed = options.seed ? loadSeed(options.seed) : sandboxSeed();
      const simulator = await IdpSimulator.start({ seed, port, ...(!options.http && { tls: await ensureCertificate(paths.certificate) }) });
      // Listening before the settings are printed: whoever reads them may stop this at once. `on`, not `once`:
      // Ctrl-C reaches this process twice (from the terminal and forwarded by the launcher).
      const stopped = new Promise<void>((resolve) => {
        process.on('SIGINT', () => resolve());
        process.on('SIGTERM', () => resolve());
      });
      const targets = simulatorTargets(simulator.url, seed, options.http === true);
      const certificate = options.http ? undefined : paths.certificate;
      if (json()) {
        const connectors = targets.map((target) => ({ ...target, secretVariables: Object.fromEntries(Object.keys(target.secrets).map((name) => [name, secretEnvName(name)])) }));
        console.log(JSON.stringify({ url: simulator.url, connectors, calls: `${simulator.url}/_sim/calls`, state: `${simulator.url}/_sim/state`, ...(certificate && { certificate }) }, null, 2));
      } else {
        console.log(describeTargets(simulator.url, targets, certificate));
      }
      await stopped;
      await simulator.stop();
    });
}
