// The configuration a command works on: `FILE` (or `-` for standard input)
// or `-e EXPR`, plus `$NAME` values from `-D NAME=VALUE` or Click-style
// trailing `NAME=VALUE` arguments. Shared by every command that reads one.

import type { Argv } from 'yargs';
import { EXPR_FILE_NAME, readConfigFile } from '../config-lang/load.js';
import { UsageError } from './report.js';

export interface InputArgs {
  file?: string;
  params?: string[];
  expression?: string;
  define?: string | string[];
}

/** Add the input options to a command's builder. */
export function inputOptions<T>(y: Argv<T>): Argv<T & InputArgs> {
  return y
    .positional('file', { type: 'string', describe: 'configuration file (- reads standard input)' })
    .positional('params', { type: 'string', array: true, describe: 'NAME=VALUE settings for $NAME, as with -D' })
    .option('expression', { alias: 'e', type: 'string', describe: 'configuration given on the command line instead of a FILE' })
    .option('define', { alias: 'D', type: 'string', requiresArg: true, describe: 'set $NAME to VALUE (repeatable): -D NAME=VALUE' }) as Argv<T & InputArgs>;
}

/** The positional part every input command uses in its command string. */
export const INPUT_POSITIONALS = '[file] [params..]';

const DEFINE_RE = /^\$?([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

export interface ConfigInput {
  readonly text: string;
  readonly fileName: string;
  readonly defines: Record<string, string>;
}

/** Resolve the command line into configuration text and defines. */
export function readInput(args: InputArgs, opts: { stdinByDefault?: boolean } = {}): ConfigInput {
  const defines: Record<string, string> = {};
  const define = (setting: string): void => {
    const m = DEFINE_RE.exec(setting);
    if (!m) throw new UsageError(`bad setting '${setting}' (write NAME=VALUE)`);
    defines[m[1]!] = m[2]!;
  };
  // Not a yargs array option: those swallow the FILE that follows (`-D N=4 x.click`);
  // a repeated plain option still arrives as an array.
  for (const d of ([] as string[]).concat(args.define ?? [])) define(d);

  // Click's driver takes `FILE NAME=VALUE...`. A file whose name looks like a
  // setting can be given as `./NAME=VALUE`.
  // yargs hands a lone `-` over as an empty string.
  const positionals = [args.file, ...(args.params ?? [])].filter((p): p is string => p !== undefined).map((p) => (p === '' ? '-' : String(p)));
  let file: string | undefined;
  for (const p of positionals) {
    if (DEFINE_RE.test(p)) define(p);
    else if (file === undefined && args.expression === undefined) file = p;
    else throw new UsageError(args.expression !== undefined ? `unexpected argument '${p}' after -e (give a FILE or -e, not both)` : `unexpected argument '${p}' (one configuration FILE at a time)`);
  }

  if (args.expression !== undefined) return { text: args.expression, fileName: EXPR_FILE_NAME, defines };
  // Click's driver and click-flatten read standard input when given neither.
  if (file === undefined && opts.stdinByDefault) file = '-';
  if (file === undefined) throw new UsageError('no configuration: give a FILE, or -e EXPR');
  const { text, fileName } = readConfigFile(file);
  return { text, fileName, defines };
}
