// `clickvm compile`: turn a configuration into its native dataplane. Writes
// the generated C, a build.sh holding the exact compiler command, and the
// built binary (or shared library) into DIR, and prints the command.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative, compilerCommand } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { registry } from '../../elements/registry.js';
import { INPUT_POSITIONALS, inputOptions, readInput, type InputArgs } from '../input.js';
import { io, printDiagnostics, UsageError } from '../report.js';

interface CompileArgs extends InputArgs {
  output?: string;
  shared?: boolean;
  'march-native'?: boolean;
  sanitize?: boolean;
  batch?: number;
}

export const compileCommand: CommandModule<object, CompileArgs> = {
  command: `compile ${INPUT_POSITIONALS}`,
  describe: 'compile a configuration into a native dataplane (C source, compiler command, binary)',
  builder: (y) =>
    inputOptions(y)
      .option('output', { alias: 'o', type: 'string', describe: 'directory for generated.c, build.sh and the binary', requiresArg: true })
      .option('shared', { type: 'boolean', describe: 'build a shared library (router.so) for in-process use instead of a binary' })
      .option('march-native', { type: 'boolean', describe: 'optimise for this CPU (-march=native); not portable' })
      .option('sanitize', { type: 'boolean', describe: 'build with -fsanitize=address,undefined' })
      .option('batch', { type: 'number', describe: 'packets per batch (CVM_BATCH_MAX, default 64)' })
      .example('$0 compile router.click -o build/', 'then: build/router -h c.count')
      .example('$0 compile router.click -o build/ --march-native', 'fastest code for this machine'),
  handler: (args) => {
    if (!args.output) throw new UsageError('compile needs an output directory: -o DIR');
    if (args.batch !== undefined && !(Number.isInteger(args.batch) && args.batch >= 1 && args.batch <= 4096)) {
      throw new UsageError(`--batch takes a whole number from 1 to 4096, not '${args.batch}'`);
    }
    const input = readInput(args);
    const graph = loadConfig(input.text, input.fileName, { defines: input.defines });
    printDiagnostics(graph.warnings);
    const program = generateC(graph, { configText: input.text, classNames: () => [...registry.keys()] });
    const kind = args.shared ? 'shared' : 'exe';
    const options = { kind, marchNative: args['march-native'], sanitize: args.sanitize, batch: args.batch } as const;
    const built = buildNative(program, options);
    const dir = resolve(args.output);
    mkdirSync(dir, { recursive: true });
    const binary = join(dir, kind === 'exe' ? 'router' : 'router.so');
    writeFileSync(join(dir, 'generated.c'), program.source);
    const command = compilerCommand(options, kind === 'exe' ? 'router' : 'router.so');
    writeFileSync(join(dir, 'build.sh'), `#!/bin/sh\n# Rebuilds ${kind === 'exe' ? 'router' : 'router.so'} from generated.c (run from this directory).\ncd "$(dirname "$0")" && ${command.map(shellQuote).join(' ')}\n`, { mode: 0o755 });
    copyFileSync(built.output, binary);
    io.out(`${command.map(shellQuote).join(' ')}\n`);
  },
};

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./=,:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
