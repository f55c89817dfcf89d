// IP and TCP options in Click's IP summary dump text: `mss1460;wscale7;sackok`,
// `rr{10.0.0.1}+5`, `.` for none, `?` for malformed options.

const ip4 = (o: Uint8Array, i: number) => `${o[i]}.${o[i + 1]}.${o[i + 2]}.${o[i + 3]}`;
const u32 = (o: Uint8Array, i: number) => ((o[i]! << 24) | (o[i + 1]! << 16) | (o[i + 2]! << 8) | o[i + 3]!) >>> 0;

/**
 * The options in `opt` up to an end-of-list option, no-ops skipped: type,
 * offset and the length the option claims (callers check that it fits and
 * stop at a bad one; the walk goes on by that length).
 */
function* options(opt: Uint8Array): Generator<{ type: number; i: number; len: number }> {
  let i = 0;
  while (i < opt.length) {
    const type = opt[i]!;
    if (type === 0) return;
    if (type === 1) {
      i++;
      continue;
    }
    const len = opt[i + 1] ?? 0;
    yield { type, i, len };
    i += Math.max(len, 1);
  }
}

/** IP options (Click's unparse_ip_opt, all options except padding). */
export function formatIPOptions(opt: Uint8Array): string {
  let s = '';
  let sep = '';
  for (const { type, i, len } of options(opt)) {
    if (i + len > opt.length || len < 2) return '?';
    if (type === 7 || type === 131 || type === 137) {
      if (len < 3 || (opt[i + 2] ?? 0) < 4) return '?';
      const name = type === 7 ? 'rr' : type === 131 ? 'lsrr' : 'ssrr';
      const end = i + len;
      const ptr = i + opt[i + 2]! - 1;
      s += `${sep}${name}{`;
      let inner = '';
      let o = i + 3;
      for (; o + 4 <= end; o += 4) {
        if (o === ptr) {
          if (type === 7) break;
          inner = '^';
        }
        s += inner + ip4(opt, o);
        inner = ',';
      }
      if (o === end && o === ptr && type !== 7) s += '^';
      s += '}';
      if (o + 4 <= end && o === ptr && type === 7) s += `+${Math.floor((end - o) / 4)}`;
      sep = ';';
      continue;
    }
    if (type === 68) {
      if (len < 4 || (opt[i + 2] ?? 0) < 5) return '?';
      const end = i + len;
      const ptr = i + opt[i + 2]! - 1;
      const flag = opt[i + 3]! & 15;
      const size = flag >= 1 && flag <= 3 ? 8 : 4;
      s += `${sep}ts${flag === 1 ? '.ip' : flag === 3 ? '.preip' : flag !== 0 ? `.${flag}` : ''}{`;
      let inner = '';
      let o = i + 4;
      for (; o + size <= end; o += 4) {
        if (o === ptr) {
          if (flag !== 3) break;
          inner = '^';
        }
        if (flag !== 0) {
          s += `${inner}${ip4(opt, o)}=`;
          o += 4;
        } else s += inner;
        if (flag === 3 && o > ptr) s = s.slice(0, -1);
        else {
          const v = u32(opt, o);
          s += `${v & 0x80000000 ? '!' : ''}${v & 0x7fffffff}`;
        }
        inner = ',';
      }
      if (o === end && o === ptr) s += '^';
      s += '}';
      if (o + size <= end && o === ptr) s += `+${Math.floor((end - o) / size)}`;
      if (opt[i + 3]! & 0xf0) s += `++${opt[i + 3]! >> 4}`;
      sep = ';';
      continue;
    }
    s += `${sep}${type}`;
    for (let k = 2; k < len; k++) s += `${k === 2 ? '=' : ':'}${opt[i + k]}`;
    sep = ';';
  }
  return s || '.';
}

export type TCPOptionSet = 'all' | 'nontimestamp' | 'sack';

/** TCP options (Click's unparse_tcp_opt): all, all but timestamps, or only SACK. */
export function formatTCPOptions(opt: Uint8Array, which: TCPOptionSet): string {
  let s = '';
  let sep = '';
  const want = (kind: 'mss' | 'wscale' | 'sack' | 'ts' | 'other') =>
    which === 'all' || (which === 'nontimestamp' && kind !== 'ts') || (which === 'sack' && kind === 'sack');
  for (const { type, i, len } of options(opt)) {
    const fits = i + len <= opt.length;
    if (type === 2) {
      if (!fits || len !== 4) return '?';
      if (want('mss')) (s += `${sep}mss${(opt[i + 2]! << 8) | opt[i + 3]!}`), (sep = ';');
    } else if (type === 3) {
      if (!fits || len !== 3) return '?';
      if (want('wscale')) (s += `${sep}wscale${opt[i + 2]}`), (sep = ';');
    } else if (type === 4) {
      if (!fits || len !== 2) return '?';
      if (want('sack')) (s += `${sep}sackok`), (sep = ';');
    } else if (type === 5) {
      if (!fits || len % 8 !== 2) return '?';
      if (want('sack')) for (let k = i + 2; k < i + len; k += 8) (s += `${sep}sack${u32(opt, k)}-${u32(opt, k + 4)}`), (sep = ';');
    } else if (type === 8) {
      if (!fits || len !== 10) return '?';
      if (want('ts')) (s += `${sep}ts${u32(opt, i + 2)}:${u32(opt, i + 6)}`), (sep = ';');
    } else {
      if (!fits || len < 2) return '?';
      if (want('other')) {
        s += `${sep}${type}`;
        for (let k = 2; k < len; k++) s += `${k === 2 ? '=' : ':'}${opt[i + k]}`;
        sep = ';';
      }
    }
  }
  return s || '.';
}

/** TCP option text back to bytes (unpadded), or undefined if malformed. `.` is no options. */
export function parseTCPOptions(text: string): Uint8Array | undefined {
  if (text === '.' || text === '') return new Uint8Array(0);
  const out: number[] = [];
  const push32 = (v: number) => out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  let sackAt = -1; // where the SACK option being built starts, while parts are SACK blocks
  for (const part of text.split(/[;,]/)) {
    let m: RegExpExecArray | null;
    const isSack = /^sack\d/.test(part);
    if (!isSack) sackAt = -1;
    if ((m = /^mss(\d+)$/.exec(part)) && Number(m[1]) <= 0xffff) out.push(2, 4, Number(m[1]) >> 8, Number(m[1]) & 255);
    else if ((m = /^wscale(\d+)$/.exec(part)) && Number(m[1]) <= 255) out.push(3, 3, Number(m[1]));
    else if (part === 'sackok') out.push(4, 2);
    else if ((m = /^sack(\d+)[-:](\d+)$/.exec(part))) {
      // adjacent SACK blocks make one option
      if (sackAt < 0) {
        sackAt = out.length;
        out.push(5, 2);
      }
      push32(Number(m[1]));
      push32(Number(m[2]));
      out[sackAt + 1] += 8;
    } else if ((m = /^ts(\d+):(\d+)$/.exec(part))) {
      if (out.length === 0) out.push(1, 1);
      out.push(8, 10);
      push32(Number(m[1]));
      push32(Number(m[2]));
    } else if (part === 'nop') out.push(1);
    else if (part === 'eol') out.push(0);
    else if ((m = /^(\d+)(?:=([\d:]+))?$/.exec(part)) && Number(m[1]) < 256) {
      const data = m[2] ? m[2].split(':').map(Number) : [];
      if (data.some((b) => b > 255)) return undefined;
      out.push(Number(m[1]));
      if (m[2]) out.push(data.length + 2, ...data);
    } else return undefined;
  }
  if (out.length > 40) return undefined;
  return Uint8Array.from(out);
}

/**
 * Click's cp_integer on `s` from `i`: an unsigned number in `base` (0: a
 * `0x` prefix is hex, a leading 0 octal, else decimal), saturating at
 * 2^32 - 1. Returns the value and the index after its digits; no digits
 * leave the index where it was and the value undefined.
 */
function clickInteger(s: string, i: number, base: number): { v: number | undefined; i: number } {
  let b = base;
  let j = i;
  if (b === 0) {
    if (s[j] === '0' && (s[j + 1] === 'x' || s[j + 1] === 'X') && /[0-9a-fA-F]/.test(s[j + 2] ?? '')) (b = 16), (j += 2);
    else b = s[j] === '0' ? 8 : 10;
  }
  const start = j;
  let v = 0;
  for (; j < s.length; j++) {
    const d = parseInt(s[j]!, 36);
    if (Number.isNaN(d) || d >= b) break;
    v = Math.min(v * b + d, 0xffffffff);
  }
  return j === start ? { v: undefined, i } : { v, i: j };
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * IP option text back to bytes (unpadded), as Click's FromIPSummaryDump
 * reads `ip_opt`: `rr{A,^B}+N`, `lsrr{...}`, `ssrr{...}`, `ts{...}`,
 * `ts.ip{A=T,...}`, `ts.preip{...}`, `ts.N{...}`, `TYPE=B:B...`, `nop`,
 * `eol`, separated by `,` or `;`. null for none (`.`), undefined if malformed.
 */
export function parseIPOptions(text: string): Uint8Array | null | undefined {
  if (text === '' || text === '.') return null;
  if (text === '-') return undefined;
  const s = text;
  const end = s.length;
  const out: number[] = [];
  let i = 0;
  /** Four dotted octets at i; false if malformed. */
  const address = (): boolean => {
    for (let k = 0; k < 4; k++) {
      const r = clickInteger(s, i, 10);
      i = r.i + (k < 3 ? 1 : 0);
      if (r.v === undefined || r.v > 255 || (k < 3 && (i > end || s[i - 1] !== '.'))) return false;
      out.push(r.v);
    }
    return true;
  };
  const push32 = (v: number) => out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  for (;;) {
    const at = (w: string, more = true) => (more ? i + w.length < end : i + w.length <= end) && s.startsWith(w, i);
    const route = at('rr{') ? 7 : at('ssrr{') ? 137 : at('lsrr{') ? 131 : 0;
    if (route) {
      const pos = out.length;
      out.push(route, 0, 0);
      i += route === 7 ? 3 : 5;
      let pointer = -1;
      for (;;) {
        if (s[i] === '^' && pointer < 0) (pointer = out.length - pos + 1), i++;
        if (!isDigit(s[i])) break;
        if (!address()) return undefined;
        if (s[i] === ',') i++;
      }
      if (s[i] !== '}') return undefined;
      out[pos + 2] = pointer >= 0 ? pointer : out.length - pos + 1;
      if (i + 2 < end && s[i + 1] === '+' && isDigit(s[i + 2])) {
        const r = clickInteger(s, i + 2, 10);
        i = r.i;
        if (r.v! < 64) out.push(...new Array<number>(r.v! * 4).fill(0));
      } else i++;
      if (out.length - pos > 255) return undefined;
      out[pos + 1] = out.length - pos;
    } else if (at('ts{') || at('ts.')) {
      const pos = out.length;
      out.push(68, 0, 0, 0);
      let flag = -1;
      if (s[i + 2] === '.') {
        let r: { v: number | undefined; i: number };
        if (i + 6 < end && s.startsWith('ip{', i + 3)) (flag = 1), (i += 6);
        else if (i + 9 < end && s.startsWith('preip{', i + 3)) (flag = 3), (i += 9);
        else if (isDigit(s[i + 3]) && (r = clickInteger(s, i + 3, 0)).v! <= 15 && r.i < end && s[r.i] === '{') (flag = r.v!), (i = r.i + 1);
        else return undefined;
      } else i += 3;
      let pointer = -1;
      for (;;) {
        if (s[i] === '^' && pointer < 0) (pointer = out.length - pos + 1), i++;
        if (i >= end || (!isDigit(s[i]) && s[i] !== '!')) break;
        const entry = i;
        const mark = out.length;
        let done = false;
        for (let retry = true; retry; ) {
          retry = false;
          if (flag === 1 || flag === 3 || flag === -2) {
            if (!address()) return undefined;
            if (pointer >= 0 && flag === -2) flag = 3;
            // A value follows `=`; past the pointer it may be missing (or `?`).
            if (i + 1 < end && s[i] === '=') {
              if (isDigit(s[i + 1]) || s[i + 1] === '!') i++;
              else if (s[i + 1] === '?' && pointer >= 0) {
                out.push(0, 0, 0, 0);
                i += 2;
                done = true;
              } else return undefined;
            } else if (pointer >= 0) {
              out.push(0, 0, 0, 0);
              done = true;
            } else return undefined;
          }
          if (done) break;
          let top = 0;
          if (s[i] === '!') (top = 0x80000000), i++;
          if (!isDigit(s[i])) return undefined;
          const r = clickInteger(s, i, 0);
          i = r.i;
          if (s[i] === '.' && flag === -1) {
            // An address after all: timestamps with addresses.
            flag = -2;
            i = entry;
            out.length = mark;
            retry = true;
            continue;
          }
          if (flag === -1) flag = 0;
          push32((r.v! | top) >>> 0);
        }
        if (s[i] === ',') i++;
      }
      if (i < end && s[i++] !== '}') return undefined;
      if (flag === -2) flag = 1;
      out[pos + 2] = pointer >= 0 ? pointer : out.length - pos + 1;
      let r: { v: number | undefined; i: number };
      if (i + 1 < end && s[i] === '+' && isDigit(s[i + 1]) && ((r = clickInteger(s, i + 1, 0)), (i = r.i), r.v! < 64)) {
        out.push(...new Array<number>(r.v! * (flag === 1 || flag === 3 ? 8 : 4)).fill(0));
      }
      let overflow = 0;
      if (i + 2 < end && s[i] === '+' && s[i + 1] === '+' && isDigit(s[i + 2]) && ((r = clickInteger(s, i + 2, 0)), (i = r.i), r.v! < 16)) overflow = r.v!;
      out[pos + 3] = ((overflow << 4) | flag) & 255;
      if (out.length - pos > 255) return undefined;
      out[pos + 1] = out.length - pos;
    } else if (isDigit(s[i])) {
      const r = clickInteger(s, i, 0);
      i = r.i;
      if (r.v! >= 256) return undefined;
      out.push(r.v!);
      if (i + 1 < end && s[i] === '=' && isDigit(s[i + 1])) {
        const pos = out.length;
        out.push(0);
        do {
          const b = clickInteger(s, i + 1, 0);
          i = b.i;
          if (b.v! >= 256) return undefined;
          out.push(b.v!);
        } while (i + 1 < end && s[i] === ':' && isDigit(s[i + 1]));
        if (out.length > pos + 254) return undefined;
        out[pos] = (out.length - pos + 1) & 255;
      }
    } else if (at('nop', false)) {
      out.push(1);
      i += 3;
    } else if (at('eol', false) && (i + 3 === end || s[i + 3] !== ',')) {
      out.push(0);
      i += 3;
    } else return undefined;

    if (i >= end) {
      // Leading no-ops beyond the 40 bytes an IP header holds go.
      while (out.length > 40 && out[0] === 1) out.shift();
      return out.length > 40 ? undefined : Uint8Array.from(out);
    }
    if (s[i] !== ',' && s[i] !== ';') return undefined;
    i++;
  }
}
