// Resolving agnostic ports to push or pull, as Click's router does.
//
// Every port starts with its class's processing (push, pull or agnostic).
// Inside each element, an agnostic input is tied to every agnostic output its
// packets may flow to (flow code) by an internal "connection" from that output
// to that input. Then, until nothing changes, every connection (real or
// internal) copies a known mode across to an agnostic end; a connection whose
// two ends are known and differ is an error, reported once and ignored from
// then on. Ports still agnostic afterwards are push (Click's default).

import type { PortMode } from '../host-engine/element.js';
import type { Processing } from './processing-codes.js';

export interface PortEnd {
  readonly element: number;
  readonly port: number;
}

/** A connection from an output to an input; `index` is the caller's connection index. */
export interface ModeLink {
  readonly from: PortEnd;
  readonly to: PortEnd;
  readonly index: number;
}

export type ModeConflict =
  /** A real connection between a push and a pull port. */
  | { readonly kind: 'connection'; readonly link: ModeLink; readonly fromMode: PortMode }
  /** An agnostic element whose input and output (tied by flow) ended up different. */
  | { readonly kind: 'agnostic'; readonly element: number; readonly input: number; readonly output: number; readonly outputMode: PortMode };

export interface ModeResolution {
  readonly inputs: PortMode[][];
  readonly outputs: PortMode[][];
  readonly conflicts: ModeConflict[];
}

export interface ElementPorts {
  readonly inputs: readonly Processing[];
  readonly outputs: readonly Processing[];
  /** Whether packets arriving on input i may leave on output o. */
  flows(input: number, output: number): boolean;
}

/** Numeric modes for the flat arrays below. */
const AGN = 0;
const PUSH = 1;
const PULL = 2;
const CODE: Record<Processing, number> = { agnostic: AGN, push: PUSH, pull: PULL };

/**
 * Ports are numbered globally: element e's input p is inBase[e] + p, its
 * output p is outBase[e] + p. Hookups (real connections, then the internal
 * ones) are parallel arrays of global output, global input and link index
 * (-1 for internal).
 */
interface Net {
  readonly inBase: Int32Array;
  readonly outBase: Int32Array;
  readonly hookFrom: number[];
  readonly hookTo: number[];
  readonly hookLink: number[];
}

export function resolvePortModes(elements: readonly ElementPorts[], links: readonly ModeLink[]): ModeResolution {
  const n = elements.length;
  const inBase = new Int32Array(n + 1);
  const outBase = new Int32Array(n + 1);
  for (let e = 0; e < n; e++) {
    inBase[e + 1] = inBase[e]! + elements[e]!.inputs.length;
    outBase[e + 1] = outBase[e]! + elements[e]!.outputs.length;
  }
  const inMode = new Uint8Array(inBase[n]!);
  const outMode = new Uint8Array(outBase[n]!);
  for (let e = 0; e < n; e++) {
    const el = elements[e]!;
    for (let p = 0; p < el.inputs.length; p++) inMode[inBase[e]! + p] = CODE[el.inputs[p]!];
    for (let p = 0; p < el.outputs.length; p++) outMode[outBase[e]! + p] = CODE[el.outputs[p]!];
  }

  const net: Net = { inBase, outBase, hookFrom: [], hookTo: [], hookLink: [] };
  for (const l of links) {
    net.hookFrom.push(outBase[l.from.element]! + l.from.port);
    net.hookTo.push(inBase[l.to.element]! + l.to.port);
    net.hookLink.push(l.index);
  }
  // Inside an element: each agnostic input is tied to each agnostic output its packets reach.
  for (let e = 0; e < n; e++) {
    const el = elements[e]!;
    for (let i = 0; i < el.inputs.length; i++) {
      if (inMode[inBase[e]! + i] !== AGN) continue;
      for (let o = 0; o < el.outputs.length; o++) {
        if (outMode[outBase[e]! + o] === AGN && el.flows(i, o)) {
          net.hookFrom.push(outBase[e]! + o);
          net.hookTo.push(inBase[e]! + i);
          net.hookLink.push(-1);
        }
      }
    }
  }

  // Without conflicts the result is unique (every connected group of ports
  // takes the one mode known in it), so a linear worklist finds it. Only when
  // a conflict exists do the order-dependent details matter (which
  // connections Click reports); then replay Click's pass-until-stable loop.
  let conflicts: ModeConflict[] = [];
  const worked = spreadByWorklist(net, inMode, outMode);
  if (worked) {
    inMode.set(worked.inMode);
    outMode.set(worked.outMode);
  } else {
    conflicts = spreadLikeClick(net, inMode, outMode, links);
  }

  const settle = (m: number): PortMode => (m === PULL ? 'pull' : 'push');
  const inputs: PortMode[][] = [];
  const outputs: PortMode[][] = [];
  for (let e = 0; e < n; e++) {
    const ins: PortMode[] = [];
    for (let g = inBase[e]!; g < inBase[e + 1]!; g++) ins.push(settle(inMode[g]!));
    const outs: PortMode[] = [];
    for (let g = outBase[e]!; g < outBase[e + 1]!; g++) outs.push(settle(outMode[g]!));
    inputs.push(ins);
    outputs.push(outs);
  }
  return { inputs, outputs, conflicts };
}

/** Breadth-first spreading of known modes over copies; undefined on the first conflict. */
function spreadByWorklist(net: Net, inMode0: Uint8Array, outMode0: Uint8Array): { inMode: Uint8Array; outMode: Uint8Array } | undefined {
  const inMode = inMode0.slice();
  const outMode = outMode0.slice();
  const nIn = inMode.length;
  const nodes = nIn + outMode.length; // inputs first, then outputs
  const h = net.hookFrom.length;
  // Adjacency in compressed rows: the hookups touching each port node.
  const start = new Int32Array(nodes + 1);
  for (let k = 0; k < h; k++) {
    start[net.hookTo[k]! + 1]!++;
    start[nIn + net.hookFrom[k]! + 1]!++;
  }
  for (let v = 0; v < nodes; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, nodes);
  const adj = new Int32Array(2 * h);
  for (let k = 0; k < h; k++) {
    adj[fill[net.hookTo[k]!]!++] = k;
    adj[fill[nIn + net.hookFrom[k]!]!++] = k;
  }
  const queue = new Int32Array(nodes);
  let tail = 0;
  for (let g = 0; g < nIn; g++) if (inMode[g] !== AGN) queue[tail++] = g;
  for (let g = 0; g < outMode.length; g++) if (outMode[g] !== AGN) queue[tail++] = nIn + g;
  for (let head = 0; head < tail; head++) {
    const v = queue[head]!;
    const isOut = v >= nIn;
    const mode = isOut ? outMode[v - nIn]! : inMode[v]!;
    for (let a = start[v]!; a < start[v + 1]!; a++) {
      const k = adj[a]!;
      if (isOut) {
        const g = net.hookTo[k]!;
        if (inMode[g] === AGN) {
          inMode[g] = mode;
          queue[tail++] = g;
        } else if (inMode[g] !== mode) return undefined;
      } else {
        const g = net.hookFrom[k]!;
        if (outMode[g] === AGN) {
          outMode[g] = mode;
          queue[tail++] = nIn + g;
        } else if (outMode[g] !== mode) return undefined;
      }
    }
  }
  return { inMode, outMode };
}

/** Which element owns global port g (binary search in a base array). */
function ownerOf(base: Int32Array, g: number): number {
  let lo = 0;
  let hi = base.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (base[mid]! <= g) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Click's exact loop: passes over all hookups until nothing changes. */
function spreadLikeClick(net: Net, inMode: Uint8Array, outMode: Uint8Array, links: readonly ModeLink[]): ModeConflict[] {
  const conflicts: ModeConflict[] = [];
  const dead = new Uint8Array(net.hookFrom.length);
  const byIndex = new Map(links.map((l) => [l.index, l]));
  const name = (m: number): PortMode => (m === PUSH ? 'push' : 'pull');
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = 0; k < net.hookFrom.length; k++) {
      if (dead[k]) continue;
      const gf = net.hookFrom[k]!;
      const gt = net.hookTo[k]!;
      const pf = outMode[gf]!;
      const pt = inMode[gt]!;
      if (pt === AGN) {
        if (pf !== AGN) {
          inMode[gt] = pf;
          changed = true;
        }
      } else if (pf === AGN) {
        outMode[gf] = pt;
        changed = true;
      } else if (pf !== pt) {
        dead[k] = 1;
        const link = net.hookLink[k]! >= 0 ? byIndex.get(net.hookLink[k]!) : undefined;
        if (link) {
          conflicts.push({ kind: 'connection', link, fromMode: name(pf) });
        } else {
          const element = ownerOf(net.outBase, gf);
          conflicts.push({ kind: 'agnostic', element, input: gt - net.inBase[element]!, output: gf - net.outBase[element]!, outputMode: name(pf) });
        }
      }
    }
  }
  return conflicts;
}
