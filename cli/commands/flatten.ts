// `clickvm flatten`: expand compound elements, parameters and defines into
// one flat configuration (Click's click-flatten). Like click-flatten it does
// not check ports or arguments unless asked with --check, and like it reads
// standard input when given no FILE and no -e.

import type { CommandModule } from 'yargs';
import { flatten } from '../../config-lang/flatten.js';
import { elaborateConfig } from '../../config-lang/load.js';
import { checkGraph } from '../../graph/check.js';
import { INPUT_POSITIONALS, inputOptions, readInput, type InputArgs } from '../input.js';
import { printDiagnostics, writeOutput } from '../report.js';

interface FlattenArgs extends InputArgs {
  output?: string;
  check?: boolean;
}

export const flattenCommand: CommandModule<object, FlattenArgs> = {
  command: `flatten ${INPUT_POSITIONALS}`,
  describe: 'print the configuration with compound elements and parameters expanded',
  builder: (y) =>
    inputOptions(y)
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of standard output' })
      .option('check', { type: 'boolean', describe: 'also check ports, push/pull and arguments' })
      .example('$0 flatten router.click -o flat.click', 'write the flat configuration to flat.click'),
  handler: (args) => {
    const input = readInput(args, { stdinByDefault: true });
    const graph = elaborateConfig(input.text, input.fileName, { defines: input.defines });
    if (args.check) printDiagnostics(checkGraph(graph).warnings);
    writeOutput(flatten(graph), args.output);
  },
};
