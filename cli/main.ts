// The clickvm command. `bin/clickvm.js` imports this module (compiled), so it
// runs as soon as it is loaded: parse the command line, run one command, and
// set the exit status. Every failure ends in cli/report.ts: diagnostics and
// status 1 for the user's mistakes, one line and status 2 for ours.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { benchCommand } from './commands/bench.js';
import { checkCommand } from './commands/check.js';
import { compileCommand } from './commands/compile.js';
import { controlCommand } from './commands/control.js';
import { flattenCommand } from './commands/flatten.js';
import { graphCommand } from './commands/graph.js';
import { imageCommand } from './commands/image.js';
import { runCommand } from './commands/run.js';
import { vmCommand } from './commands/vm.js';
import { diagnosticStyle, EXIT_INTERNAL, EXIT_OK, io, reportFailure, UsageError } from './report.js';

/**
 * Every command, in the order `clickvm --help` lists them. Each is a yargs
 * CommandModule in cli/commands/; a new command adds itself here with one
 * import and one entry. Commands throw to fail: ClickError (diagnostics,
 * status 1), UsageError (status 1), or ExitStatus(code) after printing what
 * they had to.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const commands: CommandModule<object, any>[] = [runCommand, checkCommand, flattenCommand, graphCommand, compileCommand, imageCommand, vmCommand, controlCommand, benchCommand];

/** The version in package.json, found from this file in cli/ or dist/cli/. */
function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? 'unknown';
  }
  return 'unknown';
}

/** Run the command line `argv` (without node and script); resolves to the exit status. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await yargs(argv)
      .scriptName('clickvm')
      .usage('$0 <command> [options]\n\nRun and inspect Click router configurations.')
      .command(commands)
      .option('click-diagnostics', { type: 'boolean', global: true, describe: "print errors as Click's tools do (file:line: message), for programs that compare them" })
      .middleware((a) => {
        diagnosticStyle.style = a['click-diagnostics'] ? 'click' : 'clickvm';
      })
      .demandCommand(1, 'give a command')
      .recommendCommands()
      .strict()
      // `-h` is left free: `run` uses it for handlers, as Click's driver does.
      .help('help')
      .version('version', 'show the clickvm version', version())
      .wrap(process.stdout.isTTY ? Math.min(120, process.stdout.columns) : null)
      .exitProcess(false)
      .fail((message, error) => {
        // Validation failures come as a message; errors thrown by handlers as themselves.
        throw error ?? new UsageError(message);
      })
      .parseAsync();
    return EXIT_OK;
  } catch (e) {
    return reportFailure(e);
  }
}

// Last-resort guards: something escaping the promise chain still prints one line.
const internal = (e: unknown): void => {
  io.err(`clickvm: internal error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
  process.exit(EXIT_INTERNAL);
};
process.on('uncaughtException', internal);
// A reader that stops early (`clickvm graph x.click | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(EXIT_OK) : internal(e)));
process.on('unhandledRejection', internal);

process.exitCode = await runCli(hideBin(process.argv));
