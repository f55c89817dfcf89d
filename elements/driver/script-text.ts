// Text processing of Click's Script language: words, quoting, and `$`
// expansion of variables and handler calls (Click's cp_shift_spacevec,
// cp_quote, cp_expand).

import { splitWords, unquote } from '../../config-lang/args/split.js';

/** The first space-separated word (quotes kept) and the rest, leading spaces removed. */
export function shiftWord(text: string): [string, string] {
  const words = splitWords(text);
  if (words.length === 0) return ['', ''];
  const w = words[0]!;
  return [w.text, text.slice(w.offset + w.text.length).replace(/^\s+/, '')];
}

/** All space-separated words, quotes kept. */
export function words(text: string): string[] {
  return splitWords(text).map((w) => w.text);
}

export { unquote };

/** A double-quoted form that unquotes to `s` (Click's cp_quote; never empty). */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"' || ch === '$') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (c < 32 || (c >= 127 && c < 256)) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * Looks up `$name`, `${name}` and `$(handler args)` references; returns
 * undefined for an unknown one, which then stays in the text as written.
 */
export type Expander = (name: string, kind: 'var' | 'brace' | 'call') => string | undefined;

/**
 * Expand `$` references outside single quotes. Inside double quotes the
 * value is inserted escaped, as it would be written in quotes; with
 * `quoteBare`, a value at top level is inserted as a quoted string (so that
 * a later unquote gives it back exactly).
 */
export function expand(text: string, lookup: Expander, quoteBare = false, depth = 0): string {
  if (!text.includes('$')) return text;
  let out = '';
  let copied = 0;
  let q = '';
  let i = 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      if (q === '"' && i + 1 < text.length) i++;
      continue;
    }
    if (c === "'" || c === '"') {
      if (q === '') q = c;
      else if (q === c) q = '';
      continue;
    }
    if (c === '/' && q === '' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : text[i + 1] === '/' ? end - 1 : end + 1;
      continue;
    }
    if (c !== '$' || i + 1 >= text.length || q === "'" || depth > 10) continue;

    const before = i;
    let name: string;
    let kind: 'var' | 'brace' | 'call';
    let nested = false;
    const next = text[i + 1]!;
    if (next === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) break;
      name = text.slice(i + 2, close);
      nested = name.includes('$');
      kind = 'brace';
      i = close + 1;
    } else if (next === '(') {
      let level = 1;
      let nq = '';
      let j = i + 2;
      for (; j < text.length && level; j++) {
        const d = text[j]!;
        if (d === '(' && !nq) level++;
        else if (d === ')' && !nq) level--;
        else if (d === '"' || d === "'") nq = !nq ? d : nq === d ? '' : nq;
        else if (d === '\\' && nq !== "'" && j + 1 < text.length) j++;
        else if (d === '$' && nq !== "'") nested = true;
      }
      if (level) break;
      name = text.slice(i + 2, j - 1);
      kind = 'call';
      i = j;
    } else if (/[A-Za-z0-9_]/.test(next)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      name = text.slice(i + 1, j);
      kind = 'var';
      i = j;
    } else if (next === '?' || next === '#' || next === '$') {
      name = next;
      kind = 'var';
      i += 2;
    } else continue;

    if (nested) name = expand(name, lookup, false, depth + 1);
    const value = lookup(name, kind);
    out += text.slice(copied, before);
    if (value === undefined) {
      out += nested ? text.slice(before, before + 2) + name + text[i - 1] : text.slice(before, i);
    } else if (q === '"') out += quote(value).slice(1, -1);
    else if (quoteBare) out += quote(value);
    else out += value;
    copied = i;
    i--;
  }
  return out + text.slice(copied);
}
