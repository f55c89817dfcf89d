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

interface Hookup {
  readonly from: PortEnd;
  readonly to: PortEnd;
  readonly link?: ModeLink;
  dead: boolean;
}

export function resolvePortModes(elements: readonly ElementPorts[], links: readonly ModeLink[]): ModeResolution {
  const inp: Processing[][] = elements.map((e) => [...e.inputs]);
  const out: Processing[][] = elements.map((e) => [...e.outputs]);

  const hookups: Hookup[] = links.map((link) => ({ from: link.from, to: link.to, link, dead: false }));
  elements.forEach((e, element) => {
    e.inputs.forEach((mode, input) => {
      if (mode !== 'agnostic') return;
      e.outputs.forEach((omode, output) => {
        if (omode === 'agnostic' && e.flows(input, output)) {
          hookups.push({ from: { element, port: output }, to: { element, port: input }, dead: false });
        }
      });
    });
  });

  // Without conflicts the result is unique (every connected group of ports
  // takes the one mode known in it), so a linear worklist finds it. Only when
  // a conflict exists do the order-dependent details matter (which
  // connections Click reports); then replay Click's pass-until-stable loop.
  const conflicts = spreadByWorklist(inp, out, hookups) ? [] : spreadLikeClick(inp, out, hookups);
  const settle = (m: Processing): PortMode => (m === 'pull' ? 'pull' : 'push');
  return { inputs: inp.map((ps) => ps.map(settle)), outputs: out.map((ps) => ps.map(settle)), conflicts };
}

/** Breadth-first spreading of known modes; false (and no result) on the first conflict. */
function spreadByWorklist(inp: Processing[][], out: Processing[][], hookups: readonly Hookup[]): boolean {
  // Work on copies so a conflict leaves the starting modes for Click's loop.
  const work = { inp: inp.map((ps) => [...ps]), out: out.map((ps) => [...ps]) };
  const inEdges = inp.map((ps) => ps.map((): number[] => []));
  const outEdges = out.map((ps) => ps.map((): number[] => []));
  hookups.forEach((h, i) => {
    outEdges[h.from.element]![h.from.port]!.push(i);
    inEdges[h.to.element]![h.to.port]!.push(i);
  });
  const queue: [number, number, boolean][] = [];
  work.inp.forEach((ps, e) => ps.forEach((m, p) => m !== 'agnostic' && queue.push([e, p, false])));
  work.out.forEach((ps, e) => ps.forEach((m, p) => m !== 'agnostic' && queue.push([e, p, true])));
  for (let q = 0; q < queue.length; q++) {
    const [e, p, isOut] = queue[q]!;
    const mode = (isOut ? work.out : work.inp)[e]![p]!;
    for (const i of (isOut ? outEdges : inEdges)[e]![p]!) {
      const h = hookups[i]!;
      const other = isOut ? h.to : h.from;
      const side = isOut ? work.inp : work.out;
      const m = side[other.element]![other.port]!;
      if (m === 'agnostic') {
        side[other.element]![other.port] = mode;
        queue.push([other.element, other.port, !isOut]);
      } else if (m !== mode) {
        return false;
      }
    }
  }
  work.inp.forEach((ps, e) => (inp[e] = ps));
  work.out.forEach((ps, e) => (out[e] = ps));
  return true;
}

/** Click's exact loop: passes over all connections until nothing changes. */
function spreadLikeClick(inp: Processing[][], out: Processing[][], hookups: Hookup[]): ModeConflict[] {
  const conflicts: ModeConflict[] = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const h of hookups) {
      if (h.dead) continue;
      const pf = out[h.from.element]![h.from.port]!;
      const pt = inp[h.to.element]![h.to.port]!;
      if (pt === 'agnostic') {
        if (pf !== 'agnostic') {
          inp[h.to.element]![h.to.port] = pf;
          changed = true;
        }
      } else if (pf === 'agnostic') {
        out[h.from.element]![h.from.port] = pt;
        changed = true;
      } else if (pf !== pt) {
        h.dead = true;
        conflicts.push(
          h.link
            ? { kind: 'connection', link: h.link, fromMode: pf }
            : { kind: 'agnostic', element: h.from.element, input: h.to.port, output: h.from.port, outputMode: pf },
        );
      }
    }
  }
  return conflicts;
}
