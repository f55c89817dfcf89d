// `clickvm check`: parse, elaborate and check a configuration. Silent and
// exit 0 when it is correct (warnings still go to stderr); with -v, a
// one-line summary on stdout.

import type { CommandModule } from 'yargs';
import { loadConfig } from '../../config-lang/load.js';
import type { CheckedGraph } from '../../graph/router-graph.js';
import { INPUT_POSITIONALS, inputOptions, readInput, type InputArgs } from '../input.js';
import { io, printDiagnostics } from '../report.js';

interface CheckArgs extends InputArgs {
  verbose?: boolean;
}

/** `x.click: 12 elements (9 classes), 11 connections (8 push, 3 pull), 1 warning` */
export function summary(fileName: string, g: CheckedGraph, warnings: number): string {
  const classes = new Set(g.elements.map((e) => e.className)).size;
  let push = 0;
  for (const c of g.connections) if (g.elements[c.from.element]!.outputs[c.from.port] === 'push') push++;
  const pull = g.connections.length - push;
  const s = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  return `${fileName}: ${s(g.elements.length, 'element')} (${s(classes, 'class', 'classes')}), ` +
    `${s(g.connections.length, 'connection')} (${push} push, ${pull} pull), ${s(warnings, 'warning')}\n`;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: `check ${INPUT_POSITIONALS}`,
  describe: 'check a configuration: syntax, elements, ports, push/pull, arguments',
  builder: (y) =>
    inputOptions(y)
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'print a summary when the configuration is correct' })
      .example('$0 check router.click', 'silent on success, errors on stderr (exit 1)')
      .example("$0 check -e 'FromDump(in.pcap) -> Discard'", 'check a configuration given inline')
      .example('$0 check router.click IFACE=eth1', 'set $IFACE'),
  handler: (args) => {
    const input = readInput(args);
    const g = loadConfig(input.text, input.fileName, { defines: input.defines });
    printDiagnostics(g.warnings);
    if (args.verbose) io.out(summary(input.fileName, g, g.warnings.length));
  },
};
