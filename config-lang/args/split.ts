// Splitting configuration strings the way Click does: arguments at top-level
// commas, words at top-level spaces. Quotes ("..." with backslash escapes,
// '...' literal), `\<hex>` byte strings, comments and bracket nesting all
// protect the separators inside them.

/** One piece of a split string, with its offset in the original text. */
export interface Piece {
  readonly text: string;
  readonly offset: number;
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Scan `s` from `i`, returning the index just past a protected construct that
 * starts at i (quote, hex string, comment, bracket group), or i if none.
 */
function skipProtected(s: string, i: number): number {
  const c = s[i];
  if (c === '"') {
    let j = i + 1;
    while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
    return Math.min(j + 1, s.length);
  }
  if (c === "'") {
    const j = s.indexOf("'", i + 1);
    return j < 0 ? s.length : j + 1;
  }
  if (c === '\\' && s[i + 1] === '<') {
    const j = s.indexOf('>', i + 2);
    return j < 0 ? s.length : j + 1;
  }
  if (c === '/' && s[i + 1] === '/') {
    const j = s.indexOf('\n', i + 2);
    return j < 0 ? s.length : j;
  }
  if (c === '/' && s[i + 1] === '*') {
    const j = s.indexOf('*/', i + 2);
    return j < 0 ? s.length : j + 2;
  }
  if (c !== undefined && OPEN[c]) {
    const stack = [OPEN[c]];
    let j = i + 1;
    while (j < s.length && stack.length) {
      const k = skipProtected(s, j);
      if (k > j && !OPEN[s[j]!]) {
        j = k;
        continue;
      }
      const d = s[j]!;
      if (OPEN[d]) stack.push(OPEN[d]);
      else if (d === stack[stack.length - 1]) stack.pop();
      j++;
    }
    return j;
  }
  return i;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}

function trimPiece(s: string, start: number, end: number): Piece {
  while (start < end && isSpace(s[start])) start++;
  while (end > start && isSpace(s[end - 1])) end--;
  return { text: s.slice(start, end), offset: start };
}

/**
 * Split a configuration string into arguments at top-level commas. Comments
 * are blanked first (keeping offsets), arguments are trimmed, and a final
 * empty argument is dropped (`Classifier(12/0800, -, )` has two arguments).
 */
export function splitArgs(config: string): Piece[] {
  const s = blankComments(config);
  const out: Piece[] = [];
  let start = 0;
  let i = 0;
  while (i < s.length) {
    const j = skipProtected(s, i);
    if (j > i) {
      i = j;
    } else if (s[i] === ',') {
      out.push(trimPiece(s, start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  const last = trimPiece(s, start, s.length);
  if (last.text !== '' || out.length > 0) out.push(last);
  if (out.length > 0 && out[out.length - 1]!.text === '') out.pop();
  return out;
}

/** Split an argument into words at top-level whitespace (Click's cp_spacevec). */
export function splitWords(arg: string, baseOffset = 0): Piece[] {
  const s = blankComments(arg);
  const out: Piece[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) break;
    const start = i;
    while (i < s.length && !isSpace(s[i])) {
      const j = skipProtected(s, i);
      i = j > i ? j : i + 1;
    }
    out.push({ text: s.slice(start, i), offset: baseOffset + start });
  }
  return out;
}

/** Replace comments by spaces of equal length, so offsets stay valid. */
function blankComments(s: string): string {
  if (!s.includes('/')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '/' && (s[i + 1] === '/' || s[i + 1] === '*')) {
      const j = skipProtected(s, i);
      out += s.slice(i, j).replace(/[^\n]/g, ' ');
      i = j;
    } else if (c === '"' || c === "'" || (c === '\\' && s[i + 1] === '<')) {
      const j = skipProtected(s, i);
      out += s.slice(i, j);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Click's keyword test: a leading word of letters, digits and `_:.?!`,
 * followed by whitespace and then more text. Returns the keyword's length,
 * or 0 if the argument does not look like `KEYWORD value`.
 */
export function keywordLength(arg: string): number {
  let i = 0;
  while (i < arg.length && /[A-Za-z0-9_:.?!]/.test(arg[i]!)) i++;
  let j = i;
  while (j < arg.length && isSpace(arg[j])) j++;
  if (i === 0 || i === j || j === arg.length) return 0;
  return i;
}

/**
 * Remove one level of quoting: "..." with C escapes and `\<hex>`, '...'
 * verbatim; unquoted text is kept, and quoted and unquoted parts of one word
 * are concatenated (Click's cp_unquote).
 */
export function unquote(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      const end = j < 0 ? s.length : j;
      out += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length) {
          const [text, next] = unescape(s, i);
          out += text;
          i = next;
        } else {
          out += s[i++];
        }
      }
      i++;
    } else if (c === '\\' && s[i + 1] === '<') {
      const [text, next] = unescape(s, i);
      out += text;
      i = next;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Decode one backslash escape at s[i] === '\\'; returns [text, next index]. Bytes map to chars 0-255. */
function unescape(s: string, i: number): [string, number] {
  const d = s[i + 1]!;
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", '$': '$', '\n': '' };
  if (d in simple) return [simple[d]!, i + 2];
  if (d === '<') {
    const end = s.indexOf('>', i + 2);
    const hex = s.slice(i + 2, end < 0 ? s.length : end).replace(/[\s]/g, '');
    let text = '';
    for (let k = 0; k + 1 < hex.length; k += 2) text += String.fromCharCode(parseInt(hex.slice(k, k + 2), 16));
    return [text, end < 0 ? s.length : end + 1];
  }
  if (d === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2));
    if (m) return [String.fromCharCode(parseInt(m[0], 16)), i + 2 + m[0].length];
  }
  if (/[0-7]/.test(d)) {
    const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))!;
    return [String.fromCharCode(parseInt(m[0], 8) & 255), i + 1 + m[0].length];
  }
  return [d, i + 2];
}

/** Whether a `\<...>` hex string is well-formed: hex digit pairs and spaces only. */
export function checkHexStrings(s: string): string | undefined {
  const re = /\\<([^>]*)(>|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[2] !== '>') return 'unterminated \\< hex string';
    const hex = m[1]!.replace(/\s/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) return `bad hex digit in \\<${m[1]}>`;
    if (hex.length % 2) return `odd number of hex digits in \\<${m[1]}>`;
  }
  return undefined;
}
