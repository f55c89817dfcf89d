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
