import { existsSync, readFileSync } from 'node:fs';
import { IdpSimulator, ensureCertificate } from '@clearway/idp-simulator';
import type { Command } from 'commander';
import { runConnectorCheck } from '../connector-check.js';
import { paths } from '../paths.js';
import { sandboxProviders } from '../providers.js';
import { PEOPLE, sandboxSeed, simulatorConnectors } from '../simulator-seed.js';
import { table } from '../story.js';
import { CliError, EXIT } from './output.js';

interface ConnectorConfigFile {
  readonly settings?: Record<string, unknown>;
  readonly user?: { readonly email?: string; readonly mappedExternalId?: string };
  readonly group?: { readonly groupId?: string; readonly name?: string; readonly createIfMissing?: boolean };
}

function readJsonFile<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new CliError(`No ${what} at ${path}.`, EXIT.usage);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    throw new CliError(`The ${what} at ${path} is not valid JSON.`, EXIT.usage);
  }
}

/** `apiToken` → `CLEARWAY_SECRET_API_TOKEN`: secrets come from the environment, never from argv. */
export function secretEnvName(field: string): string {
  return `CLEARWAY_SECRET_${field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** `connector test`: one provider, step by step, against a real tenant or the simulator. */
export function registerConnectorCommands(program: Command, json: () => boolean): void {
  const connector = program.command('connector').description('Work with connectors');
  connector
    .command('test <provider>')
    .description('Run test / resolve / bind / add / check / remove against a real tenant (--config) or the local simulator (--simulator)')
    .option('--config <file>', 'JSON: { "settings": {…}, "user": { "email": … }, "group": { "name": …, "createIfMissing": true } }')
    .option('--secrets-file <file>', 'JSON of secret fields (else read from CLEARWAY_SECRET_<FIELD> environment variables)')
    .option('--simulator', 'start the IdP simulator and test against it')
    .option('--user <email>', 'the user to resolve (and add, then remove)')
    .option('--group <name>', 'the configured group, by exact name')
    .option('--create-group', 'create the group when no group has that name')
    .option('--dry-run', 'stop after resolving the user: change nothing')
    .action(async (type: string, options: { config?: string; secretsFile?: string; simulator?: boolean; user?: string; group?: string; createGroup?: boolean; dryRun?: boolean }) => {
      const providers = sandboxProviders();
      const provider = providers.get(type);
      if (!provider) throw new CliError(`Unknown provider "${type}". Known: ${providers.list().map((known) => known.type).join(', ')}.`, EXIT.usage);
      if (!options.simulator && !options.config) throw new CliError('Give --config <file> for a real tenant, or --simulator.', EXIT.usage);
      const file = options.config ? readJsonFile<ConnectorConfigFile>(options.config, 'connector config') : {};
      let simulator: IdpSimulator | undefined;
      let settings: unknown = file.settings;
      let secrets: Record<string, string | undefined>;
      if (options.simulator) {
        simulator = await IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate) });
        const known = simulatorConnectors(simulator.url) as Record<string, { settings: unknown; secrets: Record<string, string> } | undefined>;
        const preset = known[type];
        if (!preset && type !== 'manual') throw new CliError(`The simulator does not serve the "${type}" provider.`, EXIT.usage);
        settings = { ...(preset?.settings as object | undefined), ...file.settings };
        secrets = { ...preset?.secrets };
      } else {
        secrets = options.secretsFile
          ? readJsonFile<Record<string, string>>(options.secretsFile, 'secrets file')
          : Object.fromEntries(Object.keys(provider.secrets).map((field) => [field, process.env[secretEnvName(field)]]));
      }
      const email = options.user ?? file.user?.email ?? (options.simulator ? PEOPLE.ana.email : undefined);
      if (!email && !file.user?.mappedExternalId) throw new CliError('Say which user to try: --user <email> (or "user" in the config file).', EXIT.usage);
      const groupName = options.group ?? file.group?.name ?? (options.simulator ? 'Clearway connector check' : undefined);
      if (!groupName && !file.group?.groupId) throw new CliError('Say which group to use: --group <name> (or "group" in the config file).', EXIT.usage);
      try {
        const steps = await runConnectorCheck({
          provider,
          settings: settings ?? {},
          secrets,
          subject: { accountId: 'clearway-cli', ...(email !== undefined && { email }), ...(file.user?.mappedExternalId !== undefined && { mappedExternalId: file.user.mappedExternalId }) },
          group: { ...file.group, ...(groupName !== undefined && { name: groupName }), ...((options.createGroup ?? options.simulator) && { createIfMissing: true }) },
          dryRun: options.dryRun ?? false,
        });
        if (json()) console.log(JSON.stringify({ provider: type, dryRun: options.dryRun ?? false, steps }, null, 2));
        else console.log(table(['step', 'ok', 'ms', 'detail'], steps.map((step) => [step.step, step.ok ? '✓' : '✗', String(step.ms), step.detail])));
        if (steps.some((step) => !step.ok)) process.exitCode = EXIT.failed;
      } finally {
        await simulator?.stop();
      }
    });
}
