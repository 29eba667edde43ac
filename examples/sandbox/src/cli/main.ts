/**
 * `clearway`: for admins, connector developers and auditors, over the same services the app uses.
 * Exit codes: 0 ok, 1 a check or verification failed, 2 usage error, 3 no sandbox data yet.
 */
import { Command, CommanderError } from 'commander';
import { registerConnectorCommands } from './connector.js';
import { registerEvidenceCommands } from './evidence.js';
import { registerInspectCommands } from './inspect.js';
import { CliError, EXIT } from './output.js';
import { registerSimulatorCommand } from './simulator.js';

const program = new Command('clearway')
  .description('Clearway command line: test connectors, export and verify evidence, inspect the local sandbox')
  .option('--json', 'print JSON for scripts instead of tables')
  .showHelpAfterError()
  .exitOverride();

const json = () => program.opts<{ json?: boolean }>().json === true;
registerConnectorCommands(program, json);
registerEvidenceCommands(program, json);
registerInspectCommands(program, json);
registerSimulatorCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof CliError) {
    console.error(error.message);
    process.exitCode = error.exitCode;
  } else {
    console.error(`clearway: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT.failed;
  }
}
