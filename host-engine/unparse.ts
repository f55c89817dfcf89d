// The flat configuration text of a router, in the layout of Click's
// Router::unparse (the `flatconfig` handler and `click -o`): a require()
// line, one declaration per element, then connections printed as chains.

import type { CheckedGraph } from '../graph/router-graph.js';

export function unparseFlat(g: Pick<CheckedGraph, 'elements' | 'connections' | 'requirements'>): string {
  let s = '';
  if (g.requirements.length) s += `require(${g.requirements.join(', ')});\n\n`;
  for (const e of g.elements) s += `${e.name} :: ${e.className}${e.config.length ? `(${e.config})` : ''};\n`;
  if (g.elements.length) s += '\n';
  s += unparseConnections(g);
  return s;
}

function unparseConnections(g: Pick<CheckedGraph, 'elements' | 'connections'>): string {
  const conns = g.connections;
  const n = conns.length;
  const name = (i: number) => g.elements[i]!.name;
  // Connection d continues the chain of connection c when c enters input 0
  // of an element and d leaves that element's output 0 (preferring a d that
  // enters input 0 in turn), so chains read `a -> b -> c`.
  const next: number[] = new Array(n).fill(-1);
  const startsChain: boolean[] = new Array(n).fill(true);
  for (let c = 0; c < n; c++) {
    const to = conns[c]!.to;
    if (to.port !== 0) continue;
    let found = -1;
    for (let d = 0; d < n; d++) {
      const from = conns[d]!.from;
      if (d === c || from.element !== to.element || from.port !== 0) continue;
      found = d;
      if (conns[d]!.to.port === 0) break;
    }
    if (found >= 0) {
      next[c] = found;
      startsChain[found] = false;
    }
  }
  const used: boolean[] = new Array(n).fill(false);
  let s = '';
  for (;;) {
    for (let c = 0; c < n; c++) {
      if (used[c] || !startsChain[c]) continue;
      const from = conns[c]!.from;
      s += name(from.element) + (from.port ? ` [${from.port}]` : '');
      for (let d = c; d >= 0 && !used[d]; d = next[d]!) {
        s += d === c ? ' -> ' : '\n    -> ';
        const to = conns[d]!.to;
        s += (to.port ? `[${to.port}] ` : '') + name(to.element);
        used[d] = true;
      }
      s += ';\n';
    }
    // Cycles have no chain start: start one anywhere unused.
    const left = used.indexOf(false);
    if (left < 0) break;
    startsChain[left] = true;
  }
  return s;
}
