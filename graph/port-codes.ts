// Click's port count codes: how many inputs and outputs an element class
// accepts. `1/1`, `1-2/0`, `1/-6`, `2-/-`, `3` (same range on both sides),
// `1-/=` (as many outputs as inputs), `1-/=+` (one more output than inputs).
//
// As in Click, the number of ports an element gets is the number its
// connections use (1 + highest port used), clamped into the class's range;
// a connection beyond the clamped count is "has no output N", and a port
// below the count that no connection uses is "unused" (found later, when
// connections are checked for completeness).

/** An inclusive range of port counts; `hi` is Infinity for "or more". */
export interface PortRange {
  readonly lo: number;
  readonly hi: number;
}

export interface PortCountSpec {
  readonly inputs: PortRange;
  /** Output range, or undefined when outputs follow inputs (`=`, `=+`...). */
  readonly outputs?: PortRange;
  /** For `=`: outputs = inputs + extraOutputs (`=` is 0, `=+` is 1, ...). */
  readonly extraOutputs: number;
}

export class PortCodeError extends Error {}

/** Parse one side's range: `3`, `1-2`, `-6`, `2-`, `-`, or empty (0 or more). */
function parseRange(text: string, code: string): PortRange {
  const m = /^(\d*)(-(\d*))?$/.exec(text);
  if (!m) throw new PortCodeError(`bad port count code '${code}'`);
  const lo = m[1] ? Number(m[1]) : 0;
  if (m[2] === undefined) return { lo, hi: lo };
  const hi = m[3] ? Number(m[3]) : Infinity;
  if (hi < lo) throw new PortCodeError(`bad port count code '${code}'`);
  return { lo, hi };
}

export function parsePortCount(code: string): PortCountSpec {
  const slash = code.indexOf('/');
  const inText = slash < 0 ? code : code.slice(0, slash);
  const outText = slash < 0 ? code : code.slice(slash + 1);
  const inputs = parseRange(inText, code);
  const eq = /^=(\+*)$/.exec(outText);
  if (eq) return { inputs, extraOutputs: eq[1]!.length };
  return { inputs, outputs: parseRange(outText, code), extraOutputs: 0 };
}

const clamp = (n: number, r: PortRange): number => Math.min(Math.max(n, r.lo), r.hi);

/** The port counts an element gets, given how many its connections use. */
export function portCounts(spec: PortCountSpec, usedInputs: number, usedOutputs: number): { ninputs: number; noutputs: number } {
  const ninputs = clamp(usedInputs, spec.inputs);
  const noutputs = spec.outputs ? clamp(usedOutputs, spec.outputs) : ninputs + spec.extraOutputs;
  return { ninputs, noutputs };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeRange(r: PortRange, word: string): string {
  if (r.hi === Infinity) return r.lo === 0 ? `any number of ${word}s` : `at least ${plural(r.lo, word)}`;
  if (r.lo === r.hi) return r.lo === 0 ? `no ${word}s` : plural(r.lo, word);
  if (r.hi === r.lo + 1) return `${r.lo} or ${plural(r.hi, word)}`;
  return `${r.lo} to ${r.hi} ${word}s`;
}

/** What a class allows, in words: "1 input and 1 or 2 outputs". */
export function describePortCount(spec: PortCountSpec): string {
  const ins = describeRange(spec.inputs, 'input');
  if (spec.outputs) return `${ins} and ${describeRange(spec.outputs, 'output')}`;
  const outs = spec.extraOutputs === 0 ? 'as many outputs as inputs' : `${spec.extraOutputs} more output${spec.extraOutputs === 1 ? '' : 's'} than inputs`;
  return `${ins} and ${outs}`;
}
