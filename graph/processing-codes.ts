// Click's processing codes (which ports are push, pull or agnostic) and flow
// codes (which inputs' packets may leave on which outputs).
//
// Processing: `h` push, `l` pull, `a` agnostic, one letter per port, the last
// letter of a side repeating for the remaining ports; without a slash the
// same letters serve both sides (`a` is `a/a`). Extra letters are ignored.
//
// Flow: a sequence of port codes per side, the last repeating. A code is a
// letter, `#` (matches only the same-numbered port on the other side), or a
// bracket group `[xy#]`, optionally negated `[^x]`. An input's packets may
// leave on an output when their codes share a letter (or a matching `#`).

export type Processing = 'push' | 'pull' | 'agnostic';

export class CodeError extends Error {}

function sides(code: string): [string, string] {
  const slash = code.indexOf('/');
  return slash < 0 ? [code, code] : [code.slice(0, slash), code.slice(slash + 1)];
}

const PROCESSING: Record<string, Processing> = { h: 'push', H: 'push', l: 'pull', L: 'pull', a: 'agnostic', A: 'agnostic' };

function processingSide(text: string, n: number, code: string): Processing[] {
  for (const c of text) if (!PROCESSING[c]) throw new CodeError(`bad processing code '${code}'`);
  const out: Processing[] = [];
  // Click starts from agnostic when a side is empty.
  let last: Processing = 'agnostic';
  for (let i = 0; i < n; i++) {
    if (i < text.length) last = PROCESSING[text[i]!]!;
    out.push(last);
  }
  return out;
}

/** Each input's and output's processing for an element with the given counts. */
export function processingVector(code: string, ninputs: number, noutputs: number): { inputs: Processing[]; outputs: Processing[] } {
  const [i, o] = sides(code);
  return { inputs: processingSide(i, ninputs, code), outputs: processingSide(o, noutputs, code) };
}

/** One flow port code: a set of letters and `#` (this port), possibly negated. */
interface FlowPortCode {
  readonly letters: ReadonlySet<string>;
  readonly hash: boolean;
  readonly negated: boolean;
}

function parseFlowSide(text: string, code: string): FlowPortCode[] {
  const out: FlowPortCode[] = [];
  let i = 0;
  const isLetter = (c: string) => /^[A-Za-z]$/.test(c);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) throw new CodeError(`flow code '${code}': missing ']'`);
      let body = text.slice(i + 1, end);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      const letters = new Set<string>();
      let hash = false;
      for (const d of body) {
        if (isLetter(d)) letters.add(d);
        else if (d === '#') hash = true;
        else throw new CodeError(`flow code '${code}': invalid character '${d}'`);
      }
      out.push({ letters, hash, negated });
      i = end + 1;
    } else if (isLetter(c)) {
      out.push({ letters: new Set([c]), hash: false, negated: false });
      i++;
    } else if (c === '#') {
      out.push({ letters: new Set(), hash: true, negated: false });
      i++;
    } else {
      throw new CodeError(`flow code '${code}': invalid character '${c}'`);
    }
  }
  if (out.length === 0) throw new CodeError(`flow code '${code}': missing or bad '/'`);
  return out;
}

export interface FlowCode {
  readonly inputs: readonly FlowPortCode[];
  readonly outputs: readonly FlowPortCode[];
}

export function parseFlowCode(code: string): FlowCode {
  const [i, o] = sides(code);
  return { inputs: parseFlowSide(i, code), outputs: parseFlowSide(o, code) };
}

const codeAt = (codes: readonly FlowPortCode[], port: number): FlowPortCode => codes[Math.min(port, codes.length - 1)]!;

/** Whether two port codes share a member; `#` members are the port numbers. */
function intersects(a: FlowPortCode, aPort: number, b: FlowPortCode, bPort: number): boolean {
  const hashMatch = aPort === bPort;
  if (a.negated && b.negated) return true; // both complements always share non-letters
  if (a.negated || b.negated) {
    const [neg, pos] = a.negated ? [a, b] : [b, a];
    for (const l of pos.letters) if (!neg.letters.has(l)) return true;
    // pos's `#` is pos's port number; neg excludes only its own port's `#`.
    return pos.hash && !(neg.hash && hashMatch);
  }
  for (const l of a.letters) if (b.letters.has(l)) return true;
  return a.hash && b.hash && hashMatch;
}

/** Whether packets arriving on `input` may leave on `output`. */
export function flows(flow: FlowCode, input: number, output: number): boolean {
  return intersects(codeAt(flow.inputs, input), input, codeAt(flow.outputs, output), output);
}

export const COMPLETE_FLOW = 'x/x';
