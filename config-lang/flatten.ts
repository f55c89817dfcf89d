// The flat configuration text of a RouterGraph, in the shape Click prints
// with `click -qo-` (Router::unparse): requirements, one `name :: Class(config);`
// declaration per element, a blank line, then the connections folded into
// chains (`a -> b\n    -> c;`). Parsing the text again gives the same graph.

import { KNOWN_PACKAGES } from '../elements/registry.js';
import type { GraphConnection, RouterGraph } from '../graph/router-graph.js';

/** Click's chain folding: a connection into port 0 continues with one leaving that element's port 0. */
function unparseConnections(g: RouterGraph, out: string[]): void {
  const conns: readonly GraphConnection[] = g.connections;
  const n = conns.length;
  const next = new Array<number>(n).fill(-1);
  const startsChain = new Array<boolean>(n).fill(true);
  // Index connections by their source port to find continuations quickly.
  const fromPort0 = new Map<number, number[]>();
  conns.forEach((c, i) => {
    if (c.from.port !== 0) return;
    const list = fromPort0.get(c.from.element);
    if (list) list.push(i);
    else fromPort0.set(c.from.element, [i]);
  });
  conns.forEach((c, i) => {
    if (c.to.port !== 0) return;
    let result = -1;
    for (const d of fromPort0.get(c.to.element) ?? []) {
      if (d === i) continue;
      result = d;
      if (conns[d]!.to.port === 0) break;
    }
    if (result >= 0) {
      next[i] = result;
      startsChain[result] = false;
    }
  });
  const name = (i: number): string => g.elements[i]!.name;
  const used = new Array<boolean>(n).fill(false);
  let firstUnused = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      if (used[i] || !startsChain[i]) continue;
      const from = conns[i]!.from;
      let line = name(from.element) + (from.port ? ` [${from.port}]` : '');
      for (let d = i; d >= 0 && !used[d]; d = next[d]!) {
        line += d === i ? ' -> ' : '\n    -> ';
        const to = conns[d]!.to;
        line += (to.port ? `[${to.port}] ` : '') + name(to.element);
        used[d] = true;
      }
      out.push(line + ';\n');
    }
    // Whatever is left lies on cycles: start a chain at the first unused connection.
    while (firstUnused < n && used[firstUnused]) firstUnused++;
    if (firstUnused >= n) return;
    startsChain[firstUnused] = true;
  }
}

export function flatten(graph: RouterGraph): string {
  const out: string[] = [];
  // A required package that is not built in was provided by the configuration itself.
  const provided = graph.requirements.filter((r) => !KNOWN_PACKAGES.has(r));
  if (provided.length) out.push(`provide(${provided.join(', ')});\n`);
  if (graph.requirements.length) out.push(`require(${graph.requirements.join(', ')});\n\n`);
  for (const e of graph.elements) {
    out.push(`${e.name} :: ${e.className}${e.config.length ? `(${e.config})` : ''};\n`);
  }
  if (graph.elements.length) out.push('\n');
  unparseConnections(graph, out);
  return out.join('');
}
