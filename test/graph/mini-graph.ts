// A tiny builder of RouterGraphs from a small subset of the Click language,
// so checker tests read like configurations and carry real source spans
// without depending on the real parser. Statements end with `;`. Each is a
// chain `end -> end -> ...` (a lone declaration is a one-end chain); an end
// is `[in]`? body `[out]`?, where body is `name`, `name :: Class`,
// `name :: Class(config)` or an anonymous `Class(config)` / `Class`.
// No comments, compounds or nested parentheses in configurations.

import { SourceFile, type SourceSpan } from '../../config-lang/source.js';
import type { RelatedNote } from '../../config-lang/diagnostics.js';
import type { GraphConnection, RouterGraph } from '../../graph/router-graph.js';

interface MutableElement {
  index: number;
  name: string;
  className: string;
  config: string;
  span: SourceSpan;
  configSpan?: SourceSpan;
  context: RelatedNote[];
}

export function miniGraph(text: string, fileName = 'test.click'): RouterGraph & { file: SourceFile } {
  const file = new SourceFile(fileName, text);
  const elements: MutableElement[] = [];
  const byName = new Map<string, MutableElement>();
  const connections: GraphConnection[] = [];

  const endRe = /\s*(?:\[(\d+)\]\s*)?(?:([A-Za-z_][\w/@]*)\s*::\s*)?([A-Za-z_][\w/@]*)(?:\(([^)]*)\))?\s*(?:\[(\d+)\])?\s*/dy;
  let pos = 0;
  while (pos < text.length) {
    const semi = text.indexOf(';', pos);
    const stmtEnd = semi < 0 ? text.length : semi;
    let at = pos;
    let prev: { el: MutableElement; out: number; start: number } | undefined;
    while (text.slice(at, stmtEnd).trim() !== '') {
      endRe.lastIndex = at;
      const m = endRe.exec(text);
      if (!m) throw new Error(`miniGraph: cannot read '${text.slice(at, stmtEnd)}'`);
      const ix = m.indices!;
      const [, inPort, declName, word, config, outPort] = m;
      const endStart = (ix[1] ?? ix[2] ?? ix[3]!)[0] - (inPort !== undefined ? 1 : 0);
      const bodyStart = (ix[2] ?? ix[3]!)[0];
      const bodyEnd = config !== undefined ? ix[4]![1] + 1 : ix[3]![1];
      const endEnd = outPort !== undefined ? ix[5]![1] + 1 : bodyEnd;
      const configSpan = config !== undefined ? file.span(ix[4]![0], ix[4]![1]) : undefined;
      let el: MutableElement;
      if (declName !== undefined) {
        el = { index: elements.length, name: declName, className: word!, config: config ?? '', span: file.span(bodyStart, bodyEnd), configSpan, context: [] };
        elements.push(el);
        byName.set(declName, el);
      } else if (byName.has(word!) && config === undefined) {
        el = byName.get(word!)!;
      } else {
        el = { index: elements.length, name: `${word}@${elements.length + 1}`, className: word!, config: config ?? '', span: file.span(bodyStart, bodyEnd), configSpan, context: [] };
        elements.push(el);
      }
      if (prev) {
        connections.push({
          from: { element: prev.el.index, port: prev.out },
          to: { element: el.index, port: Number(inPort ?? 0) },
          span: file.span(prev.start, endEnd),
          context: [],
        });
      }
      at += m[0].length;
      prev = { el, out: Number(outPort ?? 0), start: endStart };
      if (text.startsWith('->', at)) at += 2;
      else if (at !== stmtEnd) throw new Error(`miniGraph: unexpected '${text.slice(at, stmtEnd)}'`);
    }
    pos = stmtEnd + 1;
  }
  return { elements, connections, requirements: [], file };
}

/** `line:col` of a span, for assertions. */
export function lineCol(span: SourceSpan): string {
  const { line, col } = span.file.position(span.start);
  return `${line}:${col}`;
}
