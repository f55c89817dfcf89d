// Configuration variables: `define($X ...)`, compound parameters and
// command-line overrides, and their substitution into configuration strings
// (Click's cp_expand and VariableEnvironment). Undefined variables stay as
// literal text, exactly as in Click; single quotes and comments protect `$`.

import { splitWords } from './args/split.js';

/** Substitution stops this many levels deep (a variable defined in terms of itself). */
const MAX_DEPTH = 10;

/**
 * One scope of variables. Scopes nest like compound definitions: the file is
 * depth 0, a compound defined at file level has depth 1, and so on. A value
 * is substituted again when it is used, so definitions in one scope may
 * refer to each other in any order.
 */
export class VariableScope {
  private readonly vars = new Map<string, string>();

  constructor(
    readonly parent: VariableScope | undefined,
    readonly depth: number,
  ) {}

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  lookup(name: string): string | undefined {
    for (let s: VariableScope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /**
   * The nearest enclosing scope shallower than `depth`: a compound instance
   * sees its caller's variables only down to its own definition's nesting,
   * which gives lexical scoping for compounds defined inside compounds.
   */
  ancestorBelow(depth: number): VariableScope | undefined {
    let s: VariableScope | undefined = this;
    while (s && s.depth >= depth) s = s.parent;
    return s;
  }
}

function isVarChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

/** Skip whitespace and comments starting at i (Click's cp_skip_comment_space). */
function skipCommentSpace(s: string, i: number): number {
  for (;;) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (s[i] === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++;
    } else if (s[i] === '/' && s[i + 1] === '*') {
      const j = s.indexOf('*/', i + 2);
      i = j < 0 ? s.length : j + 2;
    } else return i;
  }
}

/**
 * Escape a value substituted inside double quotes so that unquoting gives
 * the value back (Click's cp_quote without the surrounding quotes).
 */
export function escapeInDoubleQuotes(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"' || ch === '$') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 32 || code === 127) out += '\\' + code.toString(8).padStart(3, '0');
    else out += ch;
  }
  return out;
}

/**
 * Look a variable reference up: `name`, or the inside of `${...}` which may
 * be `name`, `name[index]` (a space-separated word of the value) or
 * `name-default`. Returns undefined when it stays literal.
 */
function lookupReference(ref: string, braced: boolean, scope: VariableScope | undefined, depth: number): string | undefined {
  let name = ref;
  let index = -1;
  let fallback: string | undefined;
  if (braced) {
    const m = /^\s*([A-Za-z0-9_]*)\s*(?:\[\s*(\d+)\s*\]\s*)?(-(.*))?$/s.exec(ref);
    if (!m) {
      // Something else in braces: only a trailing '-default' can apply.
      return undefined;
    }
    name = m[1]!;
    if (m[2] !== undefined) index = parseInt(m[2], 10);
    if (m[3] !== undefined) fallback = m[4] ?? '';
  }
  const raw = scope?.lookup(name);
  if (raw !== undefined) {
    const value = expandVariables(raw, scope, depth + 1);
    if (index < 0) return value;
    const words = splitWords(value);
    return words[index]?.text ?? '';
  }
  if (fallback !== undefined) return expandVariables(fallback, scope, depth + 1);
  return undefined;
}

/**
 * Substitute `$name`, `${name}`, `${name[i]}` and `${name-default}` in a
 * configuration string. Inside double quotes the value is escaped; inside
 * single quotes and comments nothing is substituted.
 */
export function expandVariables(text: string, scope: VariableScope | undefined, depth = 0): string {
  if (!text.includes('$')) return text;
  let out = '';
  let copied = 0;
  let quote = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      i += quote === '"' ? 2 : 1;
      continue;
    }
    if (c === '"' || c === "'") {
      if (quote === '') quote = c;
      else if (quote === c) quote = '';
      i++;
      continue;
    }
    if (c === '/' && quote === '' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      i = skipCommentSpace(text, i);
      continue;
    }
    if (c !== '$' || i + 1 >= text.length || quote === "'" || depth > MAX_DEPTH) {
      i++;
      continue;
    }
    // A variable reference starts at i.
    const start = i;
    let ref: string;
    let braced = false;
    let end: number;
    const d = text[i + 1]!;
    if (d === '{') {
      const close = text.indexOf('}', i + 2);
      if (close < 0) break; // unterminated: the rest stays literal
      ref = text.slice(i + 2, close);
      braced = true;
      end = close + 1;
      if (ref.includes('$')) ref = expandVariables(ref, scope, depth + 1);
    } else if (d === '(') {
      // `$(...)` is not a variable here; keep it, substituting inside it.
      const close = matchingParen(text, i + 1);
      if (close < 0) break;
      const inner = text.slice(i + 2, close);
      out += text.slice(copied, start) + '$(' + expandVariables(inner, scope, depth + 1) + ')';
      copied = i = close + 1;
      continue;
    } else if (isVarChar(d)) {
      end = i + 1;
      while (end < text.length && isVarChar(text[end])) end++;
      ref = text.slice(i + 1, end);
    } else {
      i++;
      continue;
    }
    const value = lookupReference(ref, braced, scope, depth);
    if (value === undefined) {
      if (braced && text.slice(i + 2, end - 1) !== ref) {
        out += text.slice(copied, start) + '${' + ref + '}';
        copied = end;
      }
      i = end;
      continue;
    }
    out += text.slice(copied, start) + (quote === '"' ? escapeInDoubleQuotes(value) : value);
    copied = i = end;
  }
  if (copied === 0) return text;
  return out + text.slice(copied);
}

/** Index of the `)` matching the `(` at `open`, respecting quotes; -1 if none. */
function matchingParen(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quote !== "'") {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}
