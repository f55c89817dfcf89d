// The Click lexer (Click 2.x lib/lexer.cc rules, our own code). Tokens are
// produced on demand because configuration strings are not tokens: after a
// `(` in element position the parser asks for `readConfig`, which scans raw
// text up to the balancing `)`. Whitespace and comments separate tokens; a
// `#` at the start of a line is a C preprocessor line directive.

import type { ConfigString } from './ast.js';
import type { DiagnosticBag } from './diagnostics.js';
import type { SourceFile, SourceSpan } from './source.js';

export type TokenKind =
  | 'ident'
  | 'variable'
  | '->'
  | '=>'
  | '::'
  | '||'
  | '...'
  | 'elementclass'
  | 'require'
  | 'provide'
  | 'define'
  | '('
  | ')'
  | '['
  | ']'
  | '{'
  | '}'
  | ','
  | ';'
  | '|'
  | 'other'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Source text; for a variable, the name without `$`. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** True when only whitespace or comments precede the token on its line (error recovery uses it). */
  readonly lineStart: boolean;
}

const KEYWORDS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['elementclass', 'elementclass'],
  ['require', 'require'],
  ['provide', 'provide'],
  ['define', 'define'],
]);

const SINGLE: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>(
  (['(', ')', '[', ']', '{', '}', ',', ';', '|'] as const).map((c) => [c, c]),
);

export function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Letters, digits, `_` and `@` make identifiers. */
export function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64;
}

function isVariableCode(c: number): boolean {
  return isWordCode(c) && c !== 64;
}

/** How a Click token is described in messages: `'->'`, `identifier 'foo'`, `end of file`. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of file';
    case 'ident':
      return `'${t.text}'`;
    case 'variable':
      return `'$${t.text}'`;
    default:
      return `'${t.text}'`;
  }
}

export class Lexer {
  private pos = 0;
  private readonly text: string;
  private readonly buffer: Token[] = [];

  constructor(
    readonly file: SourceFile,
    private readonly diags: DiagnosticBag,
  ) {
    this.text = file.text;
  }

  span(start: number, end: number): SourceSpan {
    return this.file.span(start, end);
  }

  /** The next token without consuming it. */
  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) this.buffer.push(this.scan());
    return this.buffer[ahead]!;
  }

  next(): Token {
    const t = this.peek();
    this.buffer.shift();
    return t;
  }

  /**
   * Read the configuration string that follows the `(` token `open`, up to
   * the balancing `)`, which is left as the next token. Parentheses inside
   * quotes, comments and `\<...>` data do not count. Lexical errors are
   * reported; the returned string then runs to the end of the file.
   */
  readConfig(open: Token): ConfigString {
    this.buffer.length = 0;
    const text = this.text;
    const start = open.end;
    let depth = 1;
    let i = start;
    let cooked = '';
    let cookedFrom = start;
    let failed = false;
    scan: while (i < text.length) {
      const c = text.charCodeAt(i);
      switch (c) {
        case 40: // (
          depth++;
          i++;
          break;
        case 41: // )
          if (--depth === 0) break scan;
          i++;
          break;
        case 35: // '#' at line start: a line directive, removed from the string
          if (i > start && (text.charCodeAt(i - 1) === 10 || text.charCodeAt(i - 1) === 13)) {
            cooked += text.slice(cookedFrom, i);
            i = this.lineDirective(i);
            cookedFrom = i;
          } else i++;
          break;
        case 47: // '/'
          if (text.charCodeAt(i + 1) === 47) i = this.lineEnd(i + 2);
          else if (text.charCodeAt(i + 1) === 42) {
            const j = this.commentEnd(i);
            if (j < 0) {
              failed = true;
              i = text.length;
            } else i = j;
          } else i++;
          break;
        case 34: // '"'
        case 39: {
          // '\''
          const j = this.quoteEnd(i);
          if (j < 0) {
            failed = true;
            i = text.length;
          } else i = j;
          break;
        }
        case 92: // backslash: only `\<` is special outside quotes
          if (text.charCodeAt(i + 1) === 60) {
            const j = this.hexEnd(i);
            if (j < 0) {
              failed = true;
              i = text.length;
            } else i = j;
          } else i++;
          break;
        default:
          i++;
      }
    }
    if (i >= text.length && !failed) {
      this.diags.error(
        this.span(open.start, open.end),
        "unterminated configuration string: missing ')'",
        'parentheses inside a configuration string must balance (those inside quotes or comments do not count)',
      );
    }
    this.pos = Math.min(i, text.length);
    const raw = text.slice(start, this.pos);
    cooked += text.slice(cookedFrom, this.pos);
    return { raw, text: cooked, span: this.span(start, this.pos) };
  }

  // --- scanning helpers -------------------------------------------------

  /** Index of the newline ending the line that contains i (or the end). */
  private lineEnd(i: number): number {
    const text = this.text;
    while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    return i;
  }

  /** Index after the `*` `/` closing the comment at i, or -1 (reported). */
  private commentEnd(i: number): number {
    const j = this.text.indexOf('*/', i + 2);
    if (j < 0) {
      this.diags.error(this.span(i, i + 2), "unterminated comment: missing '*/'");
      return -1;
    }
    return j + 2;
  }

  /** Index after the quote closing the string at i, or -1 (reported). */
  private quoteEnd(i: number): number {
    const text = this.text;
    const q = text[i];
    let j = i + 1;
    while (j < text.length) {
      const c = text[j];
      if (c === q) return j + 1;
      if (c === '\\' && q === '"' && j + 1 < text.length) {
        if (text[j + 1] === '<') {
          const k = this.hexEnd(j);
          if (k < 0) return -1;
          j = k;
          continue;
        }
        j += 2;
        continue;
      }
      j++;
    }
    this.diags.error(this.span(i, i + 1), `unterminated string: missing closing ${q}`);
    return -1;
  }

  /** Index after the `>` closing `\<` hex data at i, or -1 (reported). Comments may appear inside. */
  private hexEnd(i: number): number {
    const text = this.text;
    let j = i + 2;
    while (j < text.length) {
      const c = text[j];
      if (c === '>') return j + 1;
      if (c === '/' && text[j + 1] === '/') j = this.lineEnd(j + 2);
      else if (c === '/' && text[j + 1] === '*') {
        const k = this.commentEnd(j);
        if (k < 0) return -1;
        j = k;
      } else j++;
    }
    this.diags.error(this.span(i, i + 2), "unterminated '\\<' data: missing '>'");
    return -1;
  }

  /**
   * A `#` line: `# 12 "file"` or `#line 12 "file"`. Valid directives are
   * accepted (positions stay those of this file); anything else is an error.
   * Returns the index of the line's end.
   */
  private lineDirective(i: number): number {
    const end = this.lineEnd(i);
    const body = this.text.slice(i + 1, end);
    if (!/^[ \t]*(line[ \t]+)?\d/.test(body)) {
      this.diags.error(
        this.span(i, end),
        'unknown preprocessor directive',
        "a '#' at the start of a line must be a line directive like '# 12 \"file.click\"'; use '//' for comments",
      );
    }
    return end;
  }

  private scan(): Token {
    const text = this.text;
    let i = this.pos;
    let lineStart = i === 0 || this.atLineStart(i);
    // Skip whitespace, comments and line directives.
    for (;;) {
      while (i < text.length && isSpaceCode(text.charCodeAt(i))) {
        const c = text.charCodeAt(i);
        if (c === 10 || c === 13) lineStart = true;
        i++;
      }
      if (i >= text.length) break;
      const c = text.charCodeAt(i);
      if (c === 47 && text.charCodeAt(i + 1) === 47) i = this.lineEnd(i + 2);
      else if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const j = this.commentEnd(i);
        i = j < 0 ? text.length : j;
      } else if (c === 35 && (i === 0 || text.charCodeAt(i - 1) === 10 || text.charCodeAt(i - 1) === 13)) {
        i = this.lineDirective(i);
      } else break;
    }
    if (i >= text.length) {
      this.pos = text.length;
      return { kind: 'eof', text: '', start: text.length, end: text.length, lineStart: true };
    }
    const start = i;
    const c = text.charCodeAt(i);
    const make = (kind: TokenKind, end: number, tokText = text.slice(start, end)): Token => {
      this.pos = end;
      return { kind, text: tokText, start, end, lineStart };
    };
    if (isWordCode(c)) {
      // Identifiers may contain single slashes between word characters.
      i++;
      for (;;) {
        while (i < text.length && isWordCode(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) === 47 && i + 1 < text.length && isWordCode(text.charCodeAt(i + 1))) i++;
        else break;
      }
      const word = text.slice(start, i);
      return make(KEYWORDS.get(word) ?? 'ident', i);
    }
    if (c === 36 && i + 1 < text.length && isVariableCode(text.charCodeAt(i + 1))) {
      i++;
      while (i < text.length && isVariableCode(text.charCodeAt(i))) i++;
      return make('variable', i, text.slice(start + 1, i));
    }
    const two = text.slice(i, i + 2);
    if (two === '->' || two === '=>' || two === '::' || two === '||') return make(two, i + 2);
    if (text.startsWith('...', i)) return make('...', i + 3);
    const ch = text[i]!;
    return make(SINGLE.get(ch) ?? 'other', i + 1);
  }

  /** Whether only spaces and tabs separate i from the previous newline. */
  private atLineStart(i: number): boolean {
    let j = i - 1;
    while (j >= 0 && (this.text[j] === ' ' || this.text[j] === '\t')) j--;
    return j < 0 || this.text[j] === '\n' || this.text[j] === '\r';
  }
}
