// Decision programs: the compiled form of Classifier, IPClassifier and
// IPFilter configurations, shared by the host engine (which interprets them
// here) and the native compiler (which turns them into C decision code).
//
// FORMAT (plain data, kept in the element's `conf`):
//
//   DecisionProgram = { insns: Insn[], entry: Jump, safeLength: { link, network, transport } }
//   Insn = { base, offset, mask, value, yes, no, short }
//
// - `base` names where offsets count from: 'link' is the first byte of the
//   packet data (Classifier), 'network' the network header annotation and
//   'transport' the transport header annotation (IPClassifier, IPFilter).
// - `offset` is a multiple of 4. The instruction reads the 32-bit big-endian
//   word at base+offset, ANDs it with `mask` (never 0) and compares it with
//   `value` (value & ~mask is always 0).
// - Packet-length safety is part of the semantics: the instruction needs the
//   packet to extend at least to the last byte that `mask` covers (see
//   `requiredBytes`). If it does, the program continues at `yes` when the
//   masked word equals `value` and at `no` otherwise; if it does not, it
//   continues at `short` without reading (Click takes its "short" branch the
//   same way; it is usually `no`, since a test that reads past the end fails).
//   Bytes past the end that the mask ignores are never looked at.
// - A Jump >= 0 is the index of the next instruction, always greater than the
//   current one, so every run ends. A Jump < 0 is a leaf: -1 - PORT sends the
//   packet to output PORT, and DROP_JUMP drops it. `entry` is where a run
//   starts: 0, or a leaf when the program has no instructions.
// - `safeLength[base]` is the largest byte count any instruction needs from
//   that base: a packet at least that long at every base it uses never takes
//   a `short` branch, so compiled code may test lengths once up front.
//
// A packet whose needed header annotation is unset is dropped (Click would
// read through a null header pointer).

import type { Packet } from '../../host-engine/packet.js';

export type Base = 'link' | 'network' | 'transport';
export const BASES: readonly Base[] = ['link', 'network', 'transport'];

export interface Insn {
  readonly base: Base;
  readonly offset: number;
  readonly mask: number;
  readonly value: number;
  readonly yes: number;
  readonly no: number;
  readonly short: number;
}

export interface DecisionProgram {
  readonly insns: readonly Insn[];
  readonly entry: number;
  readonly safeLength: { readonly link: number; readonly network: number; readonly transport: number };
}

/** The leaf jump that drops the packet. */
export const DROP_JUMP = -0x80000000;
/** What `runProgram` returns for a dropped packet. */
export const DROPPED = -1;

export function outputJump(port: number): number {
  return -1 - port;
}

/** The output port of a leaf jump, or DROPPED. */
export function leafPort(j: number): number {
  return j === DROP_JUMP ? DROPPED : -1 - j;
}

/** Bytes from `offset` that a test with this mask must be able to read: up to its last masked byte. */
export function requiredBytes(mask: number): number {
  if (mask & 0xff) return 4;
  if (mask & 0xff00) return 3;
  if (mask & 0xff0000) return 2;
  return mask ? 1 : 0;
}

/** A packet as a decision program sees it: a buffer, where each base starts in it, and where the data ends. */
export interface PacketView {
  readonly bytes: Uint8Array;
  /** Buffer offsets of link, network and transport bases; -1 if unset. */
  readonly link: number;
  readonly network: number;
  readonly transport: number;
  /** Buffer offset just past the last data byte. */
  readonly end: number;
}

export function viewOf(p: Packet): PacketView {
  const net = p.networkHeaderBufferOffset;
  const trans = p.transportHeaderBufferOffset;
  return { bytes: p.buffer, link: p.dataOffset, network: net, transport: net < 0 ? -1 : trans, end: p.dataOffset + p.length };
}

/** Read the big-endian word at `at`, treating bytes at or past `end` as zero. */
export function readWord(bytes: Uint8Array, at: number, end: number): number {
  let w = 0;
  for (let i = 0; i < 4; i++) w = (w << 8) | (at + i < end ? bytes[at + i]! : 0);
  return w >>> 0;
}

/**
 * Outcome of one word test on a packet: 'short' if the packet ends before the
 * last masked byte, 'unset' if the base's header annotation is missing.
 */
export function testWord(v: PacketView, base: Base, offset: number, mask: number, value: number): boolean | 'short' | 'unset' {
  const start = v[base];
  if (start < 0) return 'unset';
  const at = start + offset;
  if (at + requiredBytes(mask) > v.end) return 'short';
  return ((readWord(v.bytes, at, v.end) & mask) >>> 0) === value;
}

/** Run a program on a packet: the output port, or DROPPED. */
export function runProgram(prog: DecisionProgram, v: PacketView): number {
  let j = prog.entry;
  const insns = prog.insns;
  while (j >= 0) {
    const insn = insns[j]!;
    const r = testWord(v, insn.base, insn.offset, insn.mask, insn.value);
    if (r === 'unset') return DROPPED;
    j = r === 'short' ? insn.short : r ? insn.yes : insn.no;
  }
  return leafPort(j);
}

function jumpText(j: number): string {
  if (j >= 0) return `step ${j}`;
  return j === DROP_JUMP ? '[X]' : `[${-1 - j}]`;
}

const BASE_PREFIX: Record<Base, string> = { link: '', network: 'ip+', transport: 'transp+' };

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * The `program` handler text, in the spirit of Click's: one line per step,
 * `OFFSET/VALUE%MASK  yes->...  no->...`, the short branch when it differs
 * from `no`, then the safe lengths.
 */
export function unparseProgram(prog: DecisionProgram): string {
  const lines: string[] = [];
  prog.insns.forEach((in_, i) => {
    const off = `${BASE_PREFIX[in_.base]}${in_.offset}`;
    let line = `${String(i).padStart(2)} ${off.padStart(3)}/${hex8(in_.value)}%${hex8(in_.mask)}  yes->${jumpText(in_.yes)}  no->${jumpText(in_.no)}`;
    if (in_.short !== in_.no) line += `  short->${jumpText(in_.short)}`;
    lines.push(line);
  });
  if (prog.insns.length === 0) lines.push(`all->${jumpText(prog.entry)}`);
  const safe = BASES.filter((b) => prog.safeLength[b] > 0).map((b) => `${b} ${prog.safeLength[b]}`);
  lines.push(`safe length ${safe.length ? safe.join(', ') : '0'}`);
  return lines.join('\n');
}

/** Output ports some leaf of the program reaches. */
export function reachableOutputs(prog: DecisionProgram): Set<number> {
  const out = new Set<number>();
  const leaf = (j: number) => {
    if (j < 0 && j !== DROP_JUMP) out.add(-1 - j);
  };
  leaf(prog.entry);
  for (const in_ of prog.insns) {
    leaf(in_.yes);
    leaf(in_.no);
    leaf(in_.short);
  }
  return out;
}

/** Check the structural rules of the format; throws on a violation (used by tests and the compiler). */
export function validateProgram(prog: DecisionProgram): void {
  const n = prog.insns.length;
  const jumpOk = (j: number, from: number) => j < 0 || (j > from && j < n);
  if (n === 0 ? prog.entry >= 0 : prog.entry !== 0) throw new Error(`bad entry ${prog.entry}`);
  prog.insns.forEach((in_, i) => {
    if (in_.offset % 4 !== 0 || in_.offset < 0) throw new Error(`step ${i}: unaligned offset ${in_.offset}`);
    if (in_.mask === 0 || ((in_.value & ~in_.mask) >>> 0) !== 0) throw new Error(`step ${i}: bad mask/value`);
    for (const j of [in_.yes, in_.no, in_.short]) if (!jumpOk(j, i)) throw new Error(`step ${i}: bad jump ${j}`);
  });
}
