// The IPFilter/IPClassifier pattern language (tcpdump-like), parsed the way
// Click's IPFilter parses it:
//
//   expr   ::= orexpr | orexpr ? expr : expr      (the colon needs spaces)
//   orexpr ::= term { (or | ||) term }
//   term   ::= factor { [and | &&] factor }      (juxtaposition means and)
//   factor ::= (not | !) factor | ( expr ) | test
//   test   ::= true | false | QUALIFIERS [ [POS[:LEN]] ] [& MASK] [RELOP] [VALUE]
//
// QUALIFIERS are `src`, `dst`, `src and dst`, `src or dst`, `ip`, protocol
// names (`tcp`, `udp`, `icmp`...) and type words (`host`, `net`, `port`, `proto`,
// `opt`, `type`, `ttl`, `tos`, `dscp`, `len`, `id`, `vers`, `hl`, `win`, `frag`,
// `unfrag`, `ect`, `ce`). A test with no qualifiers inherits the previous
// test's type (`host 1.2.3.4 or 5.6.7.8`, `src port 80 or 81`).

import { unquote } from '../../config-lang/args/split.js';
import { parseInteger, parseIPv4, parseIPPrefix, parseEther } from '../../config-lang/args/types.js';
import { type Expr, FALSE, TRUE, and, or, not, ite } from './expr.js';
import { UNKNOWN_PROTO, lookupWord } from './ip-filter-names.js';
import { type MaskKind, PatternError, Primitive } from './ip-filter-primitive.js';

export { PatternError };

/** Split a pattern into Click's words: operators, brackets, and runs of name characters. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    while (pos < n && /\s/.test(text[pos]!)) pos++;
    if (pos >= n) break;
    const c = text[pos]!;
    const next = text[pos + 1];
    if ((c === '&' || c === '|') && next === c) {
      words.push(c + c);
      pos += 2;
    } else if ('<>!='.includes(c) && next === '=') {
      words.push(c + '=');
      pos += 2;
    } else if ('&|<>!=()[],;?'.includes(c)) {
      words.push(c);
      pos++;
    } else {
      const start = pos;
      while (pos < n && /[A-Za-z0-9\-./@_:]/.test(text[pos]!)) pos++;
      if (pos === start) pos++;
      words.push(text.slice(start, pos));
    }
  }
  return words;
}

function parseInt32(s: string): number | undefined {
  try {
    const v = parseInteger(s);
    return v >= -(2 ** 31) && v < 2 ** 31 ? v : undefined;
  } catch {
    return undefined;
  }
}

function parseUint32(s: string): number | undefined {
  try {
    const v = parseInteger(s);
    return v >= 0 && v <= 0xffffffff && !s.trim().startsWith('-') ? v : undefined;
  } catch {
    return undefined;
  }
}

function tryIP(s: string): number | undefined {
  try {
    return parseIPv4(s);
  } catch {
    return undefined;
  }
}

function tryPrefix(s: string, allowBare: boolean): { addr: number; mask: number } | undefined {
  try {
    return parseIPPrefix(s, allowBare);
  } catch {
    return undefined;
  }
}

function isEther(s: string): boolean {
  try {
    parseEther(s);
    return true;
  } catch {
    return false;
  }
}

const PRIMITIVES_HINT =
  'primitives: [src|dst] host ADDR, [src|dst] net ADDR/LEN, [tcp|udp] [src|dst] port PORT, ip proto PROTO, tcp, udp, icmp, ' +
  'tcp opt FLAG, icmp type TYPE, ip ttl|tos|dscp|len|id|vers|hl N, ip frag, ip unfrag, ip[POS:LEN], transp[POS:LEN], true, false';

/** Parses the expression of one pattern (the words after the action). */
class Parser {
  private pos = 0;
  private prev = new Primitive();

  constructor(
    private readonly words: readonly string[],
    private readonly warn: (m: string) => void,
  ) {}

  private peek(): string | undefined {
    return this.words[this.pos];
  }

  /** Parse from `start`; the position after the expression. */
  run(start: number): { expr: Expr; end: number } {
    this.pos = start;
    const expr = this.expr() ?? TRUE;
    return { expr, end: this.pos };
  }

  private expr(): Expr | undefined {
    const items: (Expr | undefined)[] = [this.orexpr()];
    while (this.peek() === '?') {
      this.pos++;
      const before = this.pos;
      items.push(this.expr());
      if (this.pos === before || this.peek() !== ':') throw new PatternError(`missing ':' in ternary expression`, `write 'COND ? A : B' with spaces around ':'`);
      this.pos++;
      items.push(this.orexpr());
    }
    // c0 ? t0 : (c1 ? t1 : ... last)
    let e = items[items.length - 1];
    for (let i = items.length - 3; i >= 0; i -= 2) e = ite(items[i] ?? TRUE, items[i + 1] ?? TRUE, e ?? TRUE);
    return e;
  }

  private orexpr(): Expr | undefined {
    const terms: Expr[] = [];
    const first = this.term();
    if (first) terms.push(first);
    while (this.peek() === 'or' || this.peek() === '||') {
      this.pos++;
      const t = this.term();
      if (t) terms.push(t);
    }
    return terms.length ? or(...terms) : undefined;
  }

  private term(): Expr | undefined {
    const factors: Expr[] = [];
    let needFactor = true;
    for (;;) {
      const before = this.pos;
      const f = this.factor(false);
      if (this.pos === before) {
        if (needFactor) {
          const w = this.peek();
          throw new PatternError(w === undefined ? 'missing expression' : `missing expression before '${w}'`);
        }
        break;
      }
      if (f) factors.push(f);
      if (this.peek() === 'and' || this.peek() === '&&') {
        this.pos++;
        needFactor = true;
      } else {
        needFactor = false;
      }
    }
    return factors.length ? and(...factors) : undefined;
  }

  private factor(negated: boolean): Expr | undefined {
    const w = this.peek();
    if (w === 'not' || w === '!') {
      this.pos++;
      const before = this.pos;
      const f = this.factor(!negated);
      if (this.pos === before) throw new PatternError(`missing expression after '${w}'`);
      return f;
    }
    if (w === '(') {
      this.pos++;
      const before = this.pos;
      const e = this.expr();
      if (this.pos === before) throw new PatternError(`missing expression after '('`);
      if (this.peek() === ')') this.pos++;
      else throw new PatternError(`missing ')'${this.peek() === undefined ? '' : ` before '${this.peek()}'`}`);
      const inner = e ?? TRUE;
      return negated ? not(inner) : inner;
    }
    return this.test(negated);
  }

  private test(negatedIn: boolean): Expr | undefined {
    let negated = negatedIn;
    const words = this.words;
    let pos = this.pos;
    const first = words[pos];
    if (first === undefined || [')', '||', 'or', '?', ':'].includes(first)) return undefined;
    if (first === 'true' || first === 'false') {
      this.pos = pos + 1;
      return (first === 'true') !== negated ? TRUE : FALSE;
    }

    const firstPos = pos;
    const prim = new Primitive();
    let header = '';

    // Qualifiers.
    for (; pos < words.length; pos++) {
      const wd = words[pos]!;
      const l = lookupWord(wd, 'none', UNKNOWN_PROTO);
      if (l.kind === 'type') {
        prim.setType(l.type);
        if (typeof l.type === 'object' && l.type.proto) prim.setTranspProto(l.type.proto);
      } else if (l.kind === 'value' && l.data === 'proto') {
        prim.setTranspProto(l.value);
      } else if (l.kind !== 'other') {
        break;
      } else if (wd === 'src') {
        const conj = words[pos + 1];
        const third = words[pos + 2];
        if (pos < words.length - 2 && (third === 'dst' || third === 'dest') && (conj === 'and' || conj === '&&')) {
          prim.setSrcDst('src and dst');
          pos += 2;
        } else if (pos < words.length - 2 && (third === 'dst' || third === 'dest') && (conj === 'or' || conj === '||')) {
          prim.setSrcDst('src or dst');
          pos += 2;
        } else {
          prim.setSrcDst('src');
        }
      } else if (wd === 'dst' || wd === 'dest') {
        prim.setSrcDst('dst');
      } else if (wd === 'ip' || wd === 'ether') {
        if (header) break;
        if (wd === 'ether') throw new PatternError(`'ether' primitives are not supported`);
        header = wd;
      } else if (wd === 'not' || wd === '!') {
        negated = !negated;
      } else {
        break;
      }
    }
    if (pos !== firstPos) this.prev = new Primitive();

    // Optional [POS], [POS:LEN] or [POS,END] after a qualifier.
    const lookahead = () => (pos >= words.length - 1 ? '' : words[pos]!);
    let wd = lookahead();
    if (wd === '[' && pos > firstPos && prim.type === 'none') {
      pos = this.brackets(prim, pos);
      wd = lookahead();
    }

    // Optional & MASK.
    let maskKind: MaskKind = 'none';
    let provided = 0;
    if (wd === '&' && pos < words.length - 1) {
      const m = words[pos + 1]!;
      const asInt = parseUint32(m);
      const asIP = asInt === undefined ? tryIP(m) : undefined;
      if (asInt !== undefined || asIP !== undefined) {
        maskKind = asInt !== undefined ? 'int' : 'host';
        provided = (asInt ?? asIP)!;
        pos += 2;
        if (provided === 0) throw new PatternError(`zero mask ignored in '& ${m}'`);
      } else if (isEther(m)) {
        throw new PatternError(`'ether' primitives are not supported`);
      }
      wd = lookahead();
    }

    // Optional relation.
    pos++;
    if (wd === '=' || wd === '==') {
      // equality is the default
    } else if (wd === '!=') prim.opNegated = true;
    else if (wd === '>') prim.op = 'gt';
    else if (wd === '<') prim.op = 'lt';
    else if (wd === '>=') {
      prim.op = 'lt';
      prim.opNegated = true;
    } else if (wd === '<=') {
      prim.op = 'gt';
      prim.opNegated = true;
    } else pos--;

    // The value.
    if (pos < words.length) {
      wd = words[pos]!;
      const l = lookupWord(wd, prim.type, prim.transpProto);
      pos++;
      if (l.kind === 'bad') throw new PatternError(l.message);
      if (l.kind === 'value') {
        prim.data = l.data;
        prim.u = l.value;
      } else if (parseInt32(wd) !== undefined) {
        prim.data = 'int';
        prim.u = parseInt32(wd)!;
      } else if (tryIP(wd) !== undefined) {
        prim.u = tryIP(wd)!;
        const maskWord = words[pos + 1];
        const maskAddr = words[pos] === 'mask' && maskWord !== undefined ? tryIP(maskWord) : undefined;
        if (pos < words.length - 1 && maskAddr !== undefined) {
          pos += 2;
          prim.mask = maskAddr;
          prim.data = 'net';
        } else if (prim.type === 'net') {
          prim.mask = 0xffffffff;
          prim.data = 'net';
        } else {
          prim.data = 'host';
        }
      } else if (tryPrefix(wd, false) !== undefined) {
        const p = tryPrefix(wd, false)!;
        prim.u = p.addr;
        prim.mask = p.mask;
        prim.data = 'net';
      } else if (isEther(wd)) {
        throw new PatternError(`Ethernet address '${wd}': 'ether' primitives are not supported`);
      } else {
        if ((prim.type === 'host' || prim.type === 'net') && /^[0-9.]+(\/[0-9.]*)?$/.test(wd)) {
          throw new PatternError(`'${prim.describe()}': bad ${prim.type === 'net' ? 'IP prefix' : 'IP address'} '${wd}'`);
        }
        if (prim.op !== 'eq' || prim.opNegated) throw new PatternError(`dangling operator near '${wd}'`);
        pos--;
      }
    }

    if (pos === firstPos) {
      if (/^[A-Za-z]/.test(wd)) throw new PatternError(`unknown primitive '${wd}'`, PRIMITIVES_HINT);
      throw new PatternError(`empty term near '${wd}'`, PRIMITIVES_HINT);
    }

    prim.check(this.prev, maskKind, provided, this.warn);
    let e = prim.compile();
    if (negated) e = not(e);
    this.prev = prim;
    this.pos = pos;
    return e;
  }

  /** `[POS]`, `[POS:LEN]` or `[POS,END]` (bytes): make the primitive a header field. */
  private brackets(prim: Primitive, open: number): number {
    const words = this.words;
    let pos = open + 1;
    let inside = '';
    for (; pos < words.length && words[pos] !== ']'; pos++) inside += words[pos];
    if (pos >= words.length) throw new PatternError(`missing ']'`);
    pos++;
    let start: number | undefined;
    let len: number | undefined = 1;
    const colon = inside.indexOf(':');
    const comma = inside.indexOf(',');
    if (colon >= 0 && colon < inside.length - 1) {
      start = parseInt32(inside.slice(0, colon));
      len = parseInt32(inside.slice(colon + 1));
    } else if (comma >= 0 && comma < inside.length - 1) {
      start = parseInt32(inside.slice(0, comma));
      const end = parseInt32(inside.slice(comma + 1));
      len = start !== undefined && end !== undefined ? end - start + 1 : undefined;
    } else {
      start = parseInt32(inside);
    }
    if (start === undefined || len === undefined) throw new PatternError(`syntax error after '[', expected '[POS]' or '[POS:LEN]'`);
    if (len < 1 || len > 4) throw new PatternError('LEN in \'[POS:LEN]\' out of range, should be between 1 and 4');
    if (start < 0 || start > 0x1fff - 4) throw new PatternError(`POS ${start} in '[POS:LEN]' out of range`);
    const bit = start * 8;
    const bits = len * 8;
    if ((bit & ~31) !== ((bit + bits - 1) & ~31)) throw new PatternError(`field [${start}:${len}] does not fit in a single word`);
    const proto = prim.transpProto === UNKNOWN_PROTO ? 0 : prim.transpProto;
    const where = proto ? 'transp' : 'ip';
    prim.setType({ name: `${where}[${start}:${len}]`, proto, bitOffset: bit, bits });
    return pos;
  }
}

/** One parsed pattern: the action's output (-1: drop) and the expression. */
export interface ParsedPattern {
  readonly output: number;
  readonly expr: Expr;
}

/**
 * Parse `ACTION PATTERN` as IPFilter does. `noutputs` bounds numeric actions;
 * errors are PatternErrors (the caller adds "pattern N:").
 */
export function parseFilterPattern(text: string, noutputs: number, warn: (m: string) => void): ParsedPattern {
  const words = tokenize(unquote(text));
  if (words.length === 0) throw new PatternError('empty pattern');
  const action = words[0]!;
  let output: number;
  if (action === 'allow') {
    if (noutputs === 0) throw new PatternError(`'allow' is meaningless, element has zero outputs`);
    output = 0;
  } else if (action === 'deny') {
    if (noutputs > 1) warn(`meaning of 'deny' has changed (now it means 'drop')`);
    output = -1;
  } else if (action === 'drop') {
    output = -1;
  } else {
    const slot = parseInt32(action);
    if (slot === undefined) throw new PatternError(`unknown slot ID '${action}'`);
    if (slot < 0 || slot >= noutputs) throw new PatternError(`slot '${slot}' out of range`);
    output = slot;
  }
  if (words.length === 1 || (words.length === 2 && ['-', 'any', 'all'].includes(words[1]!))) return { output, expr: TRUE };
  const parser = new Parser(words, warn);
  const { expr, end } = parser.run(1);
  if (end < words.length) throw new PatternError(`garbage after expression at '${words[end]}'`);
  return { output, expr };
}
