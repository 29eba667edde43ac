/**
 * `clearway`: for admins, connector developers and auditors, over the same services the app uses.
 * Exit codes: 0 ok, 1 a check or verification failed, 2 usage error, 3 no sandbox data yet.
 * Errors go to stderr: one line of text, or under `--json` one JSON object (see `printError`).
 */
import { Command, CommanderError } from 'commander';
import { registerConnectorCommands } from './connector.js';
import { registerEvidenceCommands } from './evidence.js';
import { registerGatewayCommands } from './gateway.js';
import { registerInspectCommands } from './inspect.js';
import { CliError, EXIT, printError } from './output.js';
import { registerSimulatorCommand } from './simulator.js';

// Known before parsing, because commander reports a usage error while it parses, possibly before
// it reaches `--json`; everything after `--` is an argument, not an option.
const args = process.argv.slice(2);
const optionArgs = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
const jsonRequested = optionArgs.includes('--json');

const program = new Command('clearway')
  .description('Clearway command line: test connectors, export and verify evidence, inspect the local sandbox')
  .option('--json', 'print JSON for scripts instead of tables (errors too: one JSON object on stderr)')
  .showHelpAfterError(!jsonRequested)
  // Under --json, commander's own error text is replaced by the JSON object printed below.
  .configureOutput(jsonRequested ? { outputError: () => undefined } : {})
  .exitOverride();

const json = () => jsonRequested || program.opts<{ json?: boolean }>().json === true;
registerConnectorCommands(program, json);
registerEvidenceCommands(program, json);
registerInspectCommands(program, json);
registerGatewayCommands(program, json);
registerSimulatorCommand(program, json);

/** `commander.unknownOption` → `unknown_option`: commander's stable codes, in the CLI's style. */
function commanderCode(code: string): string {
  return code.replace(/^commander\./, '').replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const helpShown = error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version';
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (json() && !helpShown) printError(true, { code: commanderCode(error.code), message: error.message.replace(/^error: /, ''), exitCode: EXIT.usage });
  } else if (error instanceof CliError) {
    printError(json(), error);
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    printError(json(), { code: 'unexpected_error', message: json() ? message : `clearway: ${message}`, exitCode: EXIT.failed });
    process.exitCode = EXIT.failed;
  }
}
