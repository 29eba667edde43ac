import { existsSync, readFileSync } from 'node:fs';
import type { ProviderDefinition } from '@clearway/connector-sdk';
import type { IdpSimulator } from '@clearway/idp-simulator';
import type { Command } from 'commander';
import { runConnectorCheck, type CheckStep } from '../connector-check.js';
import { paths } from '../paths.js';
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

/**
 * When a secret read from the environment is missing, the failing step names the variable to set:
 * a provider's message says which secret it lacks by its label ("API token"), not where it comes from.
 */
function nameMissingVariables(steps: readonly CheckStep[], fields: Readonly<Record<string, { readonly label: string }>>, secrets: Readonly<Record<string, string | undefined>>): CheckStep[] {
  return steps.map((step) => {
    if (step.ok || step.step !== 'settings') return step;
    const unset = Object.entries(fields).filter(([field, { label }]) => !secrets[field] && step.detail.toLowerCase().includes(label.toLowerCase()));
    if (unset.length === 0) return step;
    const variables = unset.map(([field]) => secretEnvName(field)).join(' or ');
    return { ...step, detail: `${step.detail} Set ${variables} in the environment (or give --secrets-file).` };
  });
}

function printSteps(json: boolean, report: { provider: string; dryRun: boolean; notes: readonly string[]; steps: readonly CheckStep[] }): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  for (const note of report.notes) console.log(note);
  console.log(table(['step', 'ok', 'ms', 'detail'], report.steps.map((step) => [step.step, step.ok ? '✓' : '✗', String(step.ms), step.detail])));
}

/**
 * The manual connector reaches no directory: there is nothing to sign in to, look up or change.
 * What a user can check is that its settings are accepted, and learn what happens instead.
 */
function checkManualSettings(provider: ProviderDefinition, settings: unknown): CheckStep {
  const started = Date.now();
  try {
    provider.connect({ config: settings, secrets: {} });
    return {
      step: 'settings',
      ok: true,
      detail: 'settings accepted. Nothing to reach: each add and remove becomes a task for a person (Approvals → Manual provisioning actions), and checks answer from what they record.',
      ms: Date.now() - started,
    };
  } catch (error) {
    return { step: 'settings', ok: false, detail: error instanceof Error ? error.message : String(error), ms: Date.now() - started };
  }
}

/** `connector test`: one provider, step by step, against a real tenant or the simulator. */
export function registerConnectorCommands(program: Command, json: () => boolean): void {
  const connector = program.command('connector').description('Work with connectors');
  connector
    .command('test <provider>')
    .description(
      'Run test / resolve / bind / add / check / remove against a real tenant (--config) or the local simulator (--simulator). ' +
        'The manual connector reaches nothing: for it, only its settings are checked (--config optional).',
    )
    .option('--config <file>', 'JSON: { "settings": {…}, "user": { "email": … }, "group": { "name": …, "createIfMissing": true } }')
    .option('--secrets-file <file>', 'JSON of secret fields (else read from CLEARWAY_SECRET_<FIELD> environment variables)')
    .option('--simulator', 'start the IdP simulator and test against it; implies --create-group (the simulator starts with no such group)')
    .option('--user <email>', 'the user to resolve (and add, then remove)')
    .option('--group <name>', 'the configured group, by exact name')
    .option('--create-group', 'create the group when no group has that name')
    .option('--dry-run', 'stop after resolving the user: change nothing')
    .action(async (type: string, options: { config?: string; secretsFile?: string; simulator?: boolean; user?: string; group?: string; createGroup?: boolean; dryRun?: boolean }) => {
      // Loaded here, not at start-up: the providers' vendor SDKs are most of the CLI's code, and
      // only this command needs them.
      const { sandboxProviders } = await import('../providers.js');
      const providers = sandboxProviders();
      const provider = providers.get(type);
      if (!provider) throw new CliError(`Unknown provider "${type}". Known: ${providers.list().map((known) => known.type).join(', ')}.`, EXIT.usage, 'unknown_provider');
      const file = options.config ? readJsonFile<ConnectorConfigFile>(options.config, 'connector config') : {};
      if (provider.capabilities.manual) {
        const step = checkManualSettings(provider, file.settings ?? {});
        const notes = options.simulator ? ['The manual connector reaches no directory: the simulator is not used.'] : [];
        printSteps(json(), { provider: type, dryRun: options.dryRun ?? false, notes, steps: [step] });
        if (!step.ok) process.exitCode = EXIT.failed;
        return;
      }
      if (!options.simulator && !options.config) throw new CliError('Give --config <file> for a real tenant, or --simulator.', EXIT.usage);
      let simulator: IdpSimulator | undefined;
      let settings: unknown = file.settings;
      let secrets: Record<string, string | undefined>;
      const fromEnvironment = !options.simulator && !options.secretsFile;
      if (options.simulator) {
        const preset = (simulatorConnectors('https://127.0.0.1') as Record<string, unknown>)[type];
        if (!preset) throw new CliError(`The simulator does not serve the "${type}" provider.`, EXIT.usage);
        const { IdpSimulator, ensureCertificate } = await import('@clearway/idp-simulator');
        simulator = await IdpSimulator.start({ seed: sandboxSeed(), tls: await ensureCertificate(paths.certificate) });
        const known = simulatorConnectors(simulator.url) as Record<string, { settings: object; secrets: Record<string, string> }>;
        settings = { ...known[type]?.settings, ...file.settings };
        secrets = { ...known[type]?.secrets };
      } else {
        secrets = options.secretsFile
          ? readJsonFile<Record<string, string>>(options.secretsFile, 'secrets file')
          : Object.fromEntries(Object.keys(provider.secrets).map((field) => [field, process.env[secretEnvName(field)]]));
      }
      const email = options.user ?? file.user?.email ?? (options.simulator ? PEOPLE.ana.email : undefined);
      if (!email && !file.user?.mappedExternalId) throw new CliError('Say which user to try: --user <email> (or "user" in the config file).', EXIT.usage);
      const groupName = options.group ?? file.group?.name ?? (options.simulator ? 'Clearway connector check' : undefined);
      if (!groupName && !file.group?.groupId) throw new CliError('Say which group to use: --group <name> (or "group" in the config file).', EXIT.usage);
      // The simulator starts empty of the check's group, so --simulator creates it: said, not silent.
      const createImplied = options.simulator === true && options.createGroup !== true && file.group?.createIfMissing !== true;
      const notes = createImplied && !options.dryRun ? [`--simulator implies --create-group: the group "${groupName ?? file.group?.groupId ?? ''}" is created in the simulator if it is missing.`] : [];
      try {
        const steps = await runConnectorCheck({
          provider,
          settings: settings ?? {},
          secrets,
          subject: { accountId: 'clearway-cli', ...(email !== undefined && { email }), ...(file.user?.mappedExternalId !== undefined && { mappedExternalId: file.user.mappedExternalId }) },
          group: { ...file.group, ...(groupName !== undefined && { name: groupName }), ...((options.createGroup ?? options.simulator) && { createIfMissing: true }) },
          dryRun: options.dryRun ?? false,
        });
        const reported = fromEnvironment ? nameMissingVariables(steps, provider.secrets, secrets) : steps;
        printSteps(json(), { provider: type, dryRun: options.dryRun ?? false, notes, steps: reported });
        if (reported.some((step) => !step.ok)) process.exitCode = EXIT.failed;
      } finally {
        await simulator?.stop();
      }
    });
}
