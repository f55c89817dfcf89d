// `clickvm graph`: the checked flat router graph as JSON (elements with
// class, configuration and port modes; connections) or as Graphviz dot with
// one box per element and its ports (pull connections dashed).

import type { CommandModule } from 'yargs';
import { loadConfig } from '../../config-lang/load.js';
import { spanLocation } from '../../config-lang/source.js';
import type { CheckedGraph } from '../../graph/router-graph.js';
import { INPUT_POSITIONALS, inputOptions, readInput, type InputArgs } from '../input.js';
import { printDiagnostics, writeOutput } from '../report.js';

interface GraphArgs extends InputArgs {
  format?: string;
  output?: string;
}

export interface GraphJson {
  readonly elements: {
    readonly index: number;
    readonly name: string;
    readonly class: string;
    readonly config: string;
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
    readonly location: string;
  }[];
  readonly connections: {
    readonly from: { readonly element: string; readonly port: number };
    readonly to: { readonly element: string; readonly port: number };
    readonly mode: string;
  }[];
  readonly requirements: readonly string[];
}

export function graphToJson(g: CheckedGraph): GraphJson {
  return {
    elements: g.elements.map((e) => ({
      index: e.index,
      name: e.name,
      class: e.className,
      config: e.config,
      inputs: e.inputs,
      outputs: e.outputs,
      location: spanLocation(e.span),
    })),
    connections: g.connections.map((c) => ({
      from: { element: g.elements[c.from.element]!.name, port: c.from.port },
      to: { element: g.elements[c.to.element]!.name, port: c.to.port },
      mode: g.elements[c.from.element]!.outputs[c.from.port]!,
    })),
    requirements: g.requirements,
  };
}

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const quoted = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A row of port cells; pull ports are shaded. */
function portRow(prefix: 'i' | 'o', modes: readonly string[]): string {
  const cells = modes.map((m, p) => `<td port="${prefix}${p}"${m === 'pull' ? ' bgcolor="lightgrey"' : ''}>${p}</td>`).join('');
  return `<tr><td><table border="0" cellborder="1" cellspacing="0"><tr>${cells}</tr></table></td></tr>`;
}

export function graphToDot(g: CheckedGraph, title: string): string {
  const lines = [`digraph ${quoted(title)} {`, '  node [shape=plaintext, fontname="Helvetica", fontsize=10];', '  edge [arrowsize=0.7];'];
  for (const e of g.elements) {
    const config = e.config.length > 40 ? `${e.config.slice(0, 37)}...` : e.config;
    const body = `<b>${html(e.name)}</b><br/>${html(e.className)}${config ? `(${html(config.replace(/\s+/g, ' '))})` : ''}`;
    const rows = [
      e.inputs.length ? portRow('i', e.inputs) : '',
      `<tr><td border="1" cellpadding="4">${body}</td></tr>`,
      e.outputs.length ? portRow('o', e.outputs) : '',
    ].join('');
    lines.push(`  n${e.index} [label=<<table border="0" cellborder="0" cellspacing="0">${rows}</table>>];`);
  }
  for (const c of g.connections) {
    const pull = g.elements[c.from.element]!.outputs[c.from.port] === 'pull';
    lines.push(`  n${c.from.element}:o${c.from.port}:s -> n${c.to.element}:i${c.to.port}:n${pull ? ' [style=dashed]' : ''};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export const graphCommand: CommandModule<object, GraphArgs> = {
  command: `graph ${INPUT_POSITIONALS}`,
  describe: 'print the checked router graph as Graphviz dot or JSON',
  builder: (y) =>
    inputOptions(y)
      .option('format', { alias: 'f', type: 'string', choices: ['dot', 'json'], default: 'dot', describe: 'output format' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to this file instead of standard output' })
      .example('$0 graph router.click | dot -Tsvg > router.svg', 'draw a configuration')
      .example('$0 graph router.click --format json', 'elements, port modes and connections as JSON'),
  handler: (args) => {
    const input = readInput(args);
    const g = loadConfig(input.text, input.fileName, { defines: input.defines });
    printDiagnostics(g.warnings);
    const text = args.format === 'json' ? JSON.stringify(graphToJson(g), null, 2) + '\n' : graphToDot(g, input.fileName);
    writeOutput(text, args.output);
  },
};
