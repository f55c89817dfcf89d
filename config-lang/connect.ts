// Pairing the ports of one arrow: `a, b -> c`, `c [0,1,2] => x, y, z`,
// `x => (...)` and expandable lists like `[]` or `[2,]`. This is Click's
// connect-all rule (lib/lexer.cc): each side counts its ports; a side with
// more than one port (or an expandable list) steps through them in order;
// with `=>` a lone element without ports expands to match the other side.

import type { Arrow, PortList } from './ast.js';

/**
 * Click's port vector: the written ports, with -1 appended when the list is
 * expandable (`[]` is port 0, expandable).
 */
export function portVector(list: PortList | undefined): number[] {
  if (!list) return [];
  if (list.expandable) return list.ports.length ? [...list.ports, -1] : [0, -1];
  return [...list.ports];
}

export interface PortPair {
  /** Index into the output-side element list. */
  readonly outItem: number;
  readonly outPort: number;
  /** Index into the input-side element list. */
  readonly inItem: number;
  readonly inPort: number;
}

export interface PairingProblem {
  readonly message: string;
  readonly hint?: string;
}

/** Ports one side offers: how many at least, and how many lists are expandable. */
function analyze(vectors: readonly (readonly number[])[]): { min: number; expandable: number } {
  let min = 0;
  let expandable = 0;
  for (const v of vectors) {
    const n = v.length;
    if (n <= 1) min += 1;
    else if (v[n - 1] === -1) {
      min += n - 1;
      expandable++;
    } else min += n;
  }
  return { min, expandable };
}

/**
 * Pair output ports (left of the arrow) with input ports (right). `outputs`
 * and `inputs` hold one port vector per element of each side.
 */
export function pairPorts(
  outputs: readonly (readonly number[])[],
  inputs: readonly (readonly number[])[],
  arrow: Arrow,
): { pairs: PortPair[]; problems: PairingProblem[] } {
  const problems: PairingProblem[] = [];
  // Index 0 is the input side, 1 the output side, as in Click.
  const sides = [inputs, outputs];
  const a = [analyze(inputs), analyze(outputs)];
  const minp = [a[0]!.min, a[1]!.min];
  const expandable = [a[0]!.expandable, a[1]!.expandable];

  if (expandable[0]! + expandable[1]! > 1) {
    problems.push({ message: 'at most one expandable port allowed per connection' });
    expandable[minp[0]! < minp[1]! ? 1 : 0] = 0;
  }
  if (arrow === '=>') {
    // A lone element without ports on one side expands to match the other.
    for (const k of [0, 1]) {
      if (minp[k] === 1 && minp[1 - k]! > 1 && sides[k]![0]!.length === 0) expandable[k] = 1;
    }
  }
  const step = [minp[0]! > 1 || expandable[0]! > 0, minp[1]! > 1 || expandable[1]! > 0];
  const remaining = [expandable[0] ? minp[1]! - minp[0]! : 0, expandable[1] ? minp[0]! - minp[1]! : 0];

  if (step[0] && step[1]) {
    if (arrow !== '=>') {
      problems.push({
        message: "syntax error: many-to-many connections require '=>'",
        hint: "'->' connects one output to many inputs or many outputs to one input; '=>' pairs several outputs with several inputs in order",
      });
    }
    if (!expandable[0] && !expandable[1] && minp[0] !== minp[1]) {
      problems.push({ message: `connection mismatch: ${minp[1]} outputs connected to ${minp[0]} inputs` });
    } else if (!expandable[0] && minp[0]! < minp[1]!) {
      problems.push({ message: `connection mismatch: ${minp[1]} or more outputs connected to ${minp[0]} inputs` });
    } else if (!expandable[1] && minp[1]! < minp[0]!) {
      problems.push({ message: `connection mismatch: ${minp[1]} outputs connected to ${minp[0]} or more inputs` });
    }
  } else if (!step[0] && !step[1]) {
    step[0] = true;
  }

  const pairs: PortPair[] = [];
  const item = [0, 0];
  const pos = [0, 0];
  const port = [-1, -1];
  while (item[0]! < inputs.length && item[1]! < outputs.length) {
    for (const k of [0, 1]) {
      if (port[k]! < 0) {
        const v = sides[k]![item[k]!]!;
        port[k] = v.length ? v[0]! : 0;
      }
    }
    pairs.push({ outItem: item[1]!, outPort: port[1]!, inItem: item[0]!, inPort: port[0]! });
    for (const k of [0, 1]) {
      if (!step[k]) continue;
      const v = sides[k]![item[k]!]!;
      const np = v.length;
      const p = pos[k]! + 1;
      pos[k] = p;
      if (p < np && v[p]! >= 0) {
        port[k] = v[p]!; // next port of the list
      } else if (np > 0 && v[np - 1] === -1 && remaining[k]! > 0) {
        port[k] = v[np - 2]! + p - (np - 2); // continue an expandable list
        remaining[k] = remaining[k]! - 1;
      } else if (np === 0 && minp[k] === 1 && remaining[k]! > 0) {
        port[k] = p; // a missing port list read as expandable (`=>`)
        remaining[k] = remaining[k]! - 1;
      } else {
        port[k] = -1; // next element of the comma-separated list
        pos[k] = 0;
        item[k] = item[k]! + 1;
      }
    }
  }
  return { pairs, problems };
}
