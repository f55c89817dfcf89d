// One primitive of the IPFilter language (`src host 10.0.0.1`, `tcp dst port
// > 1023`, `ip ttl & 0xf0 == 0x40`, `icmp type echo`...): completing it from
// the previous primitive where Click lets a bare value inherit its type, the
// checks Click makes, and its meaning as word tests.
//
// Offsets: network-header tests read the IP header; transport-header tests
// read the header after it and, like Click's, only hold for first fragments
// of the right protocol (the primitive tests the protocol and a zero fragment
// offset as well).

import { type Expr, TRUE, and, or, wordTest, flipNegate } from './expr.js';
import { type FieldDef, type PrimType, type ValueKind, FIELDS, PROTO, UNKNOWN_PROTO, protoName, sameField, typeName } from './ip-filter-names.js';
import type { Base } from './program.js';

/** An error in a pattern; the element reports it as `pattern N: message`, with the hint if any. */
export class PatternError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export type DataKind = 'none' | 'int' | 'host' | 'net' | ValueKind;
export type Op = 'eq' | 'gt' | 'lt';
export type SrcDst = 'none' | 'src' | 'dst' | 'src and dst' | 'src or dst';
/** Kind of an `& MASK` given with the primitive. */
export type MaskKind = 'none' | 'int' | 'host';

function isField(t: PrimType | DataKind | 'none'): t is FieldDef {
  return typeof t === 'object';
}

/** Highest set bit's index (0-based); x must be nonzero. */
function topBit(x: number): number {
  return 31 - Math.clz32(x);
}

/** The n lowest bits set. */
function lowBits(n: number): number {
  return n >= 32 ? 0xffffffff : 2 ** n - 1;
}

export class Primitive {
  type: PrimType | 'none' = 'none';
  data: DataKind = 'none';
  op: Op = 'eq';
  opNegated = false;
  srcdst: SrcDst = 'none';
  transpProto: number = UNKNOWN_PROTO;
  /** The value: an integer (possibly negative until checked), an address as a host-order number, a protocol. */
  u = 0;
  mask = 0;

  copy(): Primitive {
    return Object.assign(new Primitive(), this);
  }

  setType(t: PrimType): void {
    if (this.type !== 'none') throw new PatternError(`type specified twice ('${typeName(this.type)}' and '${typeName(t)}')`);
    this.type = t;
  }

  setSrcDst(sd: SrcDst): void {
    if (this.srcdst !== 'none') throw new PatternError(`'src' or 'dst' specified twice`);
    this.srcdst = sd;
  }

  setTranspProto(p: number): void {
    if (this.transpProto !== UNKNOWN_PROTO && this.transpProto !== p) {
      throw new PatternError(`transport protocol specified twice ('${protoName(this.transpProto)}' and '${protoName(p)}')`);
    }
    this.transpProto = p;
  }

  /** `src host`, `tcp opt`...: how messages name the primitive. */
  describe(): string {
    const sd = this.srcdst === 'none' ? '' : `${this.srcdst} `;
    return `${sd}${this.type === 'none' ? '<none>' : typeName(this.type)}`;
  }

  private opText(): string {
    if (this.op === 'gt') return this.opNegated ? '<=' : '>';
    if (this.op === 'lt') return this.opNegated ? '>=' : '<';
    return this.opNegated ? '!=' : '==';
  }

  private fail(msg: string): never {
    throw new PatternError(`'${this.describe()}': ${msg}`);
  }

  /**
   * Set value and mask for a field `full` bits wide, turning `<` into a
   * negated `>` and relations that cannot vary into constants (with a
   * warning), as Click does.
   */
  private setMask(full: number, provided: number, warn: (m: string) => void): void {
    const data = this.u >>> 0;
    const thisMask = (provided || full) >>> 0;
    if ((thisMask & ~full) >>> 0) this.fail(`mask out of range, bound 0x${full.toString(16).toUpperCase()}`);
    if (this.op !== 'eq') {
      const lt = this.op === 'lt';
      if ((lt && (data === 0 || data > thisMask)) || (!lt && data >= thisMask)) {
        const willBe = lt && data > thisMask ? !this.opNegated : this.opNegated;
        warn(`relation '${this.opText()} ${data}' is always ${willBe} (range 0-${thisMask})`);
        this.u = 0;
        this.mask = 0;
        this.opNegated = !willBe;
        this.op = 'eq';
        return;
      }
      let u = data;
      if (lt) {
        // x < U  is  !(x > U-1)
        u--;
        this.opNegated = !this.opNegated;
        this.op = 'gt';
      }
      this.mask = thisMask;
      if (((u & thisMask) >>> 0) !== u) {
        // Bits of U outside the mask: use the largest value under the mask
        // that is at most U, so `x & 5 > 2` becomes `x & 5 > 1`.
        const missing = ((u & thisMask) ^ (u & full)) >>> 0;
        u = ((u | lowBits(topBit(missing))) & thisMask) >>> 0;
      }
      this.u = u;
      return;
    }
    if (data > full) this.fail(`value ${data} out of range, bound ${full}`);
    this.u = data;
    this.mask = thisMask;
  }

  /**
   * Complete and check the primitive: a bare value takes its type (and
   * src/dst, protocol) from `prev`, the previous primitive of the pattern.
   */
  check(prev: Primitive, maskKind: MaskKind, provided: number, warn: (m: string) => void): void {
    const oldSrcDst = this.srcdst;
    if (this.type === 'none') {
      for (let guard = 0; ; guard++) {
        const d = this.data;
        if (d === 'host' || d === 'net' || d === 'tcpopt') {
          this.type = d;
          if (this.srcdst === 'none') this.srcdst = prev.srcdst;
        } else if (d === 'proto') {
          this.type = 'proto';
        } else if (d === 'port') {
          this.type = 'port';
          if (this.srcdst === 'none') this.srcdst = prev.srcdst;
          if (this.transpProto === UNKNOWN_PROTO) this.transpProto = prev.transpProto;
        } else if (d === 'int') {
          const pt = prev.type;
          if (guard > 0 || !(isField(pt) || pt === 'proto' || pt === 'port')) throw new PatternError(`specify header field or 'port'`, `a bare value needs a type first, e.g. 'dst port 80' or 'ip ttl 5'; later values may repeat it: 'dst port 80 or 443'`);
          this.data = pt;
          continue;
        } else if (d === 'none') {
          if (this.transpProto === UNKNOWN_PROTO) throw new PatternError('partial directive');
          this.type = 'proto';
        } else {
          this.type = d;
          if (d.proto && this.transpProto === UNKNOWN_PROTO) this.transpProto = d.proto;
        }
        break;
      }
    }

    const badMask = (ok: boolean) => {
      if (maskKind !== 'none' && !ok) this.fail('bad mask');
    };
    const t = this.type;
    switch (t) {
      case 'host':
      case 'net':
        if (this.data !== t) this.fail('address missing');
        if (this.op !== 'eq') this.fail('operator not supported');
        if (t === 'host') this.mask = 0xffffffff;
        this.type = 'host';
        badMask(maskKind === 'int' || maskKind === 'host');
        if (maskKind !== 'none') this.mask = provided >>> 0;
        break;
      case 'proto':
        if (this.data === 'int' || this.data === 'proto') {
          if (this.transpProto !== UNKNOWN_PROTO && this.transpProto !== this.u) this.fail('specified twice');
          this.data = 'none';
        } else {
          this.u = this.transpProto;
        }
        this.transpProto = UNKNOWN_PROTO;
        if (this.data !== 'none' || this.u === UNKNOWN_PROTO) this.fail('value missing');
        if (this.u >= 256) {
          if (this.op !== 'eq' || maskKind !== 'none') throw new PatternError(`'${protoName(this.u)}': operator or mask not supported`);
          this.mask = 0xff;
        } else {
          badMask(maskKind === 'int');
          this.setMask(0xff, provided, warn);
        }
        if (this.op === 'eq' && this.mask === 0xff && !this.opNegated) this.transpProto = this.u;
        break;
      case 'port':
        if (this.data === 'int') this.data = 'port';
        if (this.data !== 'port') this.fail('value missing');
        if (this.transpProto === UNKNOWN_PROTO) this.transpProto = PROTO.TCP_OR_UDP;
        else if (![PROTO.TCP, PROTO.UDP, PROTO.TCP_OR_UDP, PROTO.DCCP].includes(this.transpProto as 6)) {
          throw new PatternError(`'port': bad protocol ${this.transpProto}`);
        }
        badMask(maskKind === 'int');
        this.setMask(0xffff, provided, warn);
        break;
      case 'tcpopt':
        if (this.data === 'int') this.data = 'tcpopt';
        if (this.data !== 'tcpopt') this.fail('value missing');
        if (this.transpProto === UNKNOWN_PROTO) this.transpProto = PROTO.TCP;
        else if (this.transpProto !== PROTO.TCP) throw new PatternError(`'tcp opt': bad protocol ${this.transpProto}`);
        if (this.op !== 'eq' || this.opNegated || maskKind !== 'none') this.fail('operator or mask not supported');
        if (this.u < 0 || this.u > 255) throw new PatternError(`'tcp opt': value ${this.u} out of range`);
        this.mask = this.u;
        break;
      case 'ect':
        if (this.data !== 'none' && this.data !== 'int') this.fail('value missing');
        if (this.data === 'none') {
          this.mask = 3;
          this.u = 0;
          this.opNegated = true;
        } else {
          badMask(maskKind === 'int');
        }
        this.setMask(3, maskKind !== 'none' ? provided : 0, warn);
        this.type = FIELDS.tos;
        break;
      case 'ce':
        if (this.data !== 'none' || maskKind !== 'none') this.fail('value not supported');
        this.mask = 3;
        this.u = 3;
        this.type = FIELDS.tos;
        break;
      case 'frag':
      case 'unfrag':
        if (this.data !== 'none' || maskKind !== 'none') this.fail('value not supported');
        if (t === 'unfrag') this.opNegated = true;
        this.mask = 1;
        this.type = 'frag';
        break;
      default: {
        if (this.data !== 'int' && !(isField(this.data) && sameField(this.data, t))) this.fail('value missing');
        badMask(maskKind === 'int');
        this.setMask(lowBits(t.bits), provided, warn);
        break;
      }
    }

    if (this.type === 'host' || this.type === 'port') {
      if (this.srcdst === 'none') this.srcdst = 'src or dst';
    } else if (oldSrcDst !== 'none') {
      warn(`'${this.describe()}': 'src' or 'dst' ignored`);
    }
  }

  /** The primitive's meaning as word tests (after check). */
  compile(): Expr {
    const parts: Expr[] = [];
    if (this.transpProto !== UNKNOWN_PROTO) parts.push(protoTest(this.transpProto));
    const t = this.type;
    if (t === 'port' || t === 'tcpopt' || (isField(t) && t.proto)) parts.push(FIRST_FRAGMENT);
    parts.push(this.body());
    const real = parts.filter((p) => !(p.kind === 'const' && p.value));
    return real.length === 0 ? TRUE : and(...real);
  }

  private body(): Expr {
    const t = this.type;
    const sd = this.srcdst;
    const pair = (src: () => Expr, dst: () => Expr): Expr => {
      const parts: Expr[] = [];
      if (sd !== 'dst') parts.push(src());
      if (sd !== 'src') parts.push(dst());
      const group = sd === 'src or dst' ? or(...parts) : and(...parts);
      return this.opNegated ? flipNegate(group) : group;
    };
    switch (t) {
      case 'host':
        return pair(() => this.comparison('network', 12, 0, false), () => this.comparison('network', 16, 0, false));
      case 'port':
        return pair(() => this.comparison('transport', 0, 16, false), () => this.comparison('transport', 0, 0, false));
      case 'proto':
        // Protocols beyond 255 (tcpudp, transp) were handled by protoTest.
        return this.transpProto < 256 ? this.comparison('network', 8, 16, true) : TRUE;
      case 'frag': {
        const unfragmented = wordTest('network', 4, 0x3fff, 0);
        return this.opNegated ? unfragmented : flipNegate(unfragmented);
      }
      case 'tcpopt':
        return wordTest('transport', 12, (this.u << 16) >>> 0, (this.u << 16) >>> 0);
      case 'none':
      case 'net':
      case 'unfrag':
      case 'ect':
      case 'ce':
        throw new Error(`unchecked primitive type ${typeName(t)}`);
      default: {
        const word = (t.bitOffset >> 3) & ~3;
        const bit = t.bitOffset & 31;
        return this.comparison(t.proto ? 'transport' : 'network', word, 32 - (bit + t.bits), true);
      }
    }
  }

  /**
   * `word >> shift & mask OP u` as word tests. Equality is one test; `x > U`
   * walks the mask from its top bit: where U has a run of zeros, any set bit
   * there decides "greater"; where U has a run of ones, all must be set to
   * stay in the race; lower bits decide ties.
   */
  private comparison(base: Base, offset: number, shift: number, applyNegation: boolean): Expr {
    let mask = this.mask >>> 0;
    let u = (this.u & mask) >>> 0;
    const test = (m: number, v: number) => wordTest(base, offset, (m * 2 ** shift) >>> 0, (v * 2 ** shift) >>> 0);
    let e: Expr;
    if (this.op === 'eq') {
      e = test(mask, u);
    } else {
      const steps: { test: Expr; high: boolean }[] = [];
      while (u < mask) {
        const high = u > mask >>> 1;
        const deciding = high ? (~(u + 1) & mask) >>> 0 : u;
        const upper = deciding === 0 ? mask : (mask & ~lowBits(topBit(deciding) + 1)) >>> 0;
        const step = test(upper, high ? upper : 0);
        steps.push({ test: high ? step : flipNegate(step), high });
        mask = (mask & ~upper) >>> 0;
        u = (u & mask) >>> 0;
      }
      e = steps.length ? steps[steps.length - 1]!.test : TRUE;
      for (let i = steps.length - 2; i >= 0; i--) e = steps[i]!.high ? and(steps[i]!.test, e) : or(steps[i]!.test, e);
    }
    return this.opNegated && applyNegation ? flipNegate(e) : e;
  }
}

/** The packet is the first fragment (or not fragmented): fragment offset zero. */
const FIRST_FRAGMENT = wordTest('network', 4, 0x1fff, 0);

/** The IP protocol test of a primitive whose transport protocol is known. */
function protoTest(proto: number): Expr {
  const is = (p: number) => wordTest('network', 8, 0x00ff0000, p << 16);
  if (proto === PROTO.TCP_OR_UDP) return or(is(PROTO.TCP), is(PROTO.UDP));
  if (proto >= 256) return TRUE;
  return is(proto);
}
