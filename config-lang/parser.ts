// Recursive-descent parser for the Click language, following click.ebnf.
// It reports every syntax error of a file: after an error it skips to a
// statement boundary (`;`, a closing bracket of the enclosing block, or a
// new line that starts a statement) and goes on.
//
// Two rules are Click's, not the grammar's: inside a compound or group a
// port with no element name is the `input` pseudo-element at the start of a
// chain and `output` at its end (Click's lib/lexer.cc inference), and a
// configuration string is raw text read by the lexer on demand.

import type {
  ClassExpr,
  CompoundBody,
  CompoundClass,
  ConfigAST,
  ConfigString,
  ConnectionStmt,
  DirectiveStmt,
  ElementNode,
  ElementRef,
  ElementclassStmt,
  Formal,
  GroupRef,
  NamedRef,
  PortList,
  Statement,
} from './ast.js';
import { ClickError, DiagnosticBag } from './diagnostics.js';
import { Lexer, describeToken, type Token, type TokenKind } from './lexer.js';
import type { SourceFile, SourceSpan } from './source.js';

/** Where statements are being parsed: the file, a compound body, or a group. */
type Context = 'file' | 'compound' | 'group';

/** Thrown after a syntax error is reported, to unwind to the statement loop. */
class SyntaxAbort extends Error {}

/** Compounds and groups nest at most this deep (Click has a similar limit). */
const MAX_NESTING = 100;

/** Largest port number accepted (Click's ports are C ints). */
const MAX_PORT = 0x7fffffff;

/** Tokens that may begin a statement on a new line; recovery stops there. */
const STATEMENT_START: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'ident', 'elementclass', 'require', 'provide', 'define', '[', '{', '(',
]);

/** Tokens that may follow a complete connection without a `;` (Click's connector rule). */
const CHAIN_END: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'ident', '{', '}', '[', ')', '||', 'elementclass', 'require', 'provide', 'define', 'eof',
]);

/** Parse a configuration file; throws ClickError carrying every syntax error. */
export function parse(file: SourceFile): ConfigAST {
  const diags = new DiagnosticBag();
  const ast = parseInto(file, diags);
  if (diags.hasErrors) throw new ClickError(diags.items);
  return ast;
}

/** Parse, adding syntax errors to `diags` instead of throwing. */
export function parseInto(file: SourceFile, diags: DiagnosticBag): ConfigAST {
  const parser = new Parser(file, diags);
  return { file, statements: parser.parseFile() };
}

class Parser {
  private readonly lx: Lexer;
  private nesting = 0;
  /** End offset of the last consumed token, for spans. */
  private lastEnd = 0;

  constructor(
    private readonly file: SourceFile,
    private readonly diags: DiagnosticBag,
  ) {
    this.lx = new Lexer(file, diags);
  }

  parseFile(): Statement[] {
    return this.statements('file');
  }

  // --- token helpers ----------------------------------------------------

  private peek(ahead = 0): Token {
    return this.lx.peek(ahead);
  }

  private next(): Token {
    const t = this.lx.next();
    this.lastEnd = t.end;
    return t;
  }

  private span(start: number, end = this.lastEnd): SourceSpan {
    return this.file.span(start, end);
  }

  private tokenSpan(t: Token): SourceSpan {
    return this.file.span(t.start, t.end);
  }

  private fail(t: Token, message: string, hint?: string): never {
    this.diags.error(this.tokenSpan(t), message, hint);
    throw new SyntaxAbort();
  }

  private failAt(span: SourceSpan, message: string, hint?: string): never {
    this.diags.error(span, message, hint);
    throw new SyntaxAbort();
  }

  private syntaxError(t: Token): never {
    this.fail(t, `syntax error near ${describeToken(t)}`);
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, `expected ${what}, found ${describeToken(t)}`);
    return this.next();
  }

  // --- statements -------------------------------------------------------

  /** Statements until the end of the file or the enclosing block (not consumed). */
  private statements(ctx: Context): Statement[] {
    const out: Statement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return out;
      if ((t.kind === '}' || t.kind === '||') && ctx === 'compound') return out;
      if (t.kind === ')' && ctx === 'group') return out;
      try {
        const s = this.statement(ctx, t);
        if (s) out.push(s);
      } catch (e) {
        if (!(e instanceof SyntaxAbort)) throw e;
        this.recover(ctx, t.start);
      }
    }
  }

  private statement(ctx: Context, t: Token): Statement | undefined {
    switch (t.kind) {
      case ';':
        this.next();
        return undefined;
      case 'elementclass':
        return this.elementclass();
      case 'require':
      case 'provide':
      case 'define':
        return this.directive(t.kind);
      case 'ident':
        if (t.text === 'connectiontunnel' && this.peek(1).kind === 'ident') {
          this.fail(
            t,
            "'connectiontunnel' is not supported",
            'connection tunnels are an obsolete Click 1.x feature; use a compound element or an element group instead',
          );
        }
        return this.connection(ctx);
      case '[':
      case '{':
      case '(':
      case '->':
      case '=>':
        return this.connection(ctx);
      default:
        this.syntaxError(t);
    }
  }

  /**
   * Skip the rest of a broken statement: up to and including `;`, or up to a
   * closer of the enclosing block, or a later line that starts a statement.
   */
  private recover(ctx: Context, statementStart: number): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (depth === 0) {
        if (t.kind === ';') {
          this.next();
          return;
        }
        if ((t.kind === '}' || t.kind === '||') && ctx === 'compound') return;
        if (t.kind === ')' && ctx === 'group') return;
        if (t.lineStart && t.start > statementStart && STATEMENT_START.has(t.kind)) return;
      }
      if (t.kind === '{' || t.kind === '(' || t.kind === '[') depth++;
      else if ((t.kind === '}' || t.kind === ')' || t.kind === ']') && depth > 0) depth--;
      this.next();
    }
  }

  private directive(kind: 'require' | 'provide' | 'define'): DirectiveStmt {
    const kw = this.next();
    const open = this.peek();
    if (open.kind !== '(') this.fail(open, `expected '(' after '${kind}', found ${describeToken(open)}`);
    this.next();
    const config = this.configAfter(open);
    return { kind, config, keywordSpan: this.tokenSpan(kw), span: this.span(kw.start) };
  }

  private elementclass(): ElementclassStmt {
    const kw = this.next();
    const nameTok = this.peek();
    if (nameTok.kind !== 'ident') {
      this.fail(nameTok, `expected element class name after 'elementclass', found ${describeToken(nameTok)}`);
    }
    this.next();
    const t = this.peek();
    let body: ClassExpr;
    if (t.kind === '{') body = this.compoundClass();
    else if (t.kind === 'ident') {
      this.next();
      body = { kind: 'name', name: t.text, span: this.tokenSpan(t) };
    } else {
      this.fail(t, `expected '{' or a class name after 'elementclass ${nameTok.text}', found ${describeToken(t)}`);
    }
    return { kind: 'elementclass', name: { name: nameTok.text, span: this.tokenSpan(nameTok) }, body, span: this.span(kw.start) };
  }

  // --- connections ------------------------------------------------------

  private connection(ctx: Context): ConnectionStmt {
    const start = this.peek().start;
    const sections: ElementNode[][] = [];
    const arrows: { arrow: '->' | '=>'; span: SourceSpan }[] = [];
    const first = this.elementSet(ctx, 0, undefined);
    if (first.length === 0) this.syntaxError(this.peek());
    sections.push(first);
    while (this.peek().kind === '->' || this.peek().kind === '=>') {
      const arrow = this.next();
      const set = this.elementSet(ctx, sections.length, arrow);
      if (set.length === 0) {
        const t = this.peek();
        this.fail(t, `expected an element after '${arrow.text}', found ${describeToken(t)}`);
      }
      arrows.push({ arrow: arrow.kind as '->' | '=>', span: this.tokenSpan(arrow) });
      sections.push(set);
    }
    const end = this.lastEnd;
    const t = this.peek();
    if (t.kind === ';') this.next();
    else if (!CHAIN_END.has(t.kind)) this.syntaxError(t);
    const stmt: ConnectionStmt = { kind: 'connection', sections, arrows, span: this.span(start, end) };
    this.checkChainPorts(stmt);
    return stmt;
  }

  /** Click's checks on ports that cannot connect to anything. */
  private checkChainPorts(stmt: ConnectionStmt): void {
    const firstSet = stmt.sections[0]!;
    const lastSet = stmt.sections[stmt.sections.length - 1]!;
    const firstIn = firstSet.find((e) => e.inPorts !== undefined);
    if (firstIn?.inPorts) {
      this.diags.error(firstIn.inPorts.span, 'input port at the start of a chain connects to nothing', 'write the port after the element to name an output port, or remove it');
    }
    const lastOut = lastSet.find((e) => e.outPorts !== undefined && e.ref.kind !== 'implicit');
    if (lastOut?.outPorts) {
      this.diags.error(lastOut.outPorts.span, 'output port at the end of a chain connects to nothing', "follow it with '->' and an element, or remove it");
    }
    stmt.sections.forEach((set, i) => {
      if (i === 0 || i === stmt.sections.length - 1) return;
      const imp = set.find((e) => e.ref.kind === 'implicit');
      if (imp) this.diags.error(imp.span, 'implicit input/output port used in the middle of a chain', "name the pseudo-element: write 'input [N]' or '[N] output'");
    });
  }

  /** A comma-separated list of elements; empty when no element starts here. */
  private elementSet(ctx: Context, section: number, arrow: Token | undefined): ElementNode[] {
    const set: ElementNode[] = [];
    for (;;) {
      const el = this.element(ctx, section, set.length, arrow);
      if (!el) {
        if (set.length > 0) {
          const t = this.peek();
          this.fail(t, `expected an element after ',', found ${describeToken(t)}`);
        }
        return set;
      }
      set.push(el);
      if (this.peek().kind !== ',') return set;
      this.next();
    }
  }

  private element(ctx: Context, section: number, index: number, arrow: Token | undefined): ElementNode | undefined {
    const start = this.peek().start;
    const inPorts = this.peek().kind === '[' ? this.portList() : undefined;
    const t = this.peek();
    let ref: ElementRef;
    switch (t.kind) {
      case 'ident':
        ref = this.namedRef();
        break;
      case '{': {
        const compound = this.compoundClass();
        const config = this.optionalConfig();
        ref = { kind: 'compound-element', compound, config, span: this.span(t.start) };
        break;
      }
      case '(':
        ref = this.group();
        break;
      default:
        return this.implicitElement(ctx, section, index, inPorts, t, arrow);
    }
    const outPorts = this.peek().kind === '[' ? this.portList() : undefined;
    return { inPorts, ref, outPorts, span: this.span(start) };
  }

  /**
   * A port (or nothing) where an element name should be. Inside compounds
   * and groups Click infers `input` at the start of a chain and `output` at
   * its end; anywhere else it is an error.
   */
  private implicitElement(
    ctx: Context,
    section: number,
    index: number,
    ports: PortList | undefined,
    t: Token,
    arrow: Token | undefined,
  ): ElementNode | undefined {
    const first = section === 0;
    let implicit = false;
    if (ctx !== 'file') {
      if (t.kind === '->' || t.kind === '=>') implicit = first && (ports !== undefined || index === 0);
      else if (t.kind === ',') implicit = ports !== undefined;
      else if (t.kind !== '::') implicit = !first && (ports !== undefined || index === 0);
    }
    if (implicit) {
      const span = ports?.span ?? this.tokenSpan(first ? t : arrow ?? t);
      if (first) return { ref: { kind: 'implicit', pseudo: 'input', span }, outPorts: ports, span };
      return { inPorts: ports, ref: { kind: 'implicit', pseudo: 'output', span }, span };
    }
    if (ports) {
      const hint = ctx === 'file'
        ? "only inside compound elements and groups may a port stand for 'input' or 'output'"
        : undefined;
      this.failAt(ports.span, `port ${this.file.text.slice(ports.span.start, ports.span.end)} is not attached to an element`, hint);
    }
    return undefined;
  }

  private namedRef(): NamedRef {
    const id = this.next();
    let declClass: ClassExpr | undefined;
    if (this.peek().kind === '::') {
      this.next();
      const t = this.peek();
      if (t.kind === 'ident') {
        this.next();
        declClass = { kind: 'name', name: t.text, span: this.tokenSpan(t) };
      } else if (t.kind === '{') declClass = this.compoundClass();
      else this.fail(t, `missing element class after '::', found ${describeToken(t)}`);
    }
    const config = this.optionalConfig();
    return { kind: 'named', name: { name: id.text, span: this.tokenSpan(id) }, declClass, config, span: this.span(id.start) };
  }

  private optionalConfig(): ConfigString | undefined {
    const open = this.peek();
    if (open.kind !== '(') return undefined;
    this.next();
    return this.configAfter(open);
  }

  /** The configuration string after the consumed `(` token, and its `)`. */
  private configAfter(open: Token): ConfigString {
    const config = this.lx.readConfig(open);
    // An unterminated string was reported by the lexer; stop this statement quietly.
    if (this.peek().kind !== ')') throw new SyntaxAbort();
    this.next();
    return config;
  }

  private portList(): PortList {
    const open = this.next();
    const ports: number[] = [];
    let expandable = false;
    if (this.peek().kind === ']') {
      this.next();
      return { ports, expandable: true, span: this.span(open.start) };
    }
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident') this.fail(t, `expected a port number, found ${describeToken(t)}`);
      this.next();
      ports.push(this.portNumber(t));
      const sep = this.peek();
      if (sep.kind === ']') {
        this.next();
        break;
      }
      if (sep.kind !== ',') this.fail(sep, `expected ',' or ']' in port list, found ${describeToken(sep)}`);
      this.next();
      if (this.peek().kind === ']') {
        this.next();
        expandable = true;
        break;
      }
    }
    return { ports, expandable, span: this.span(open.start) };
  }

  /** A port number: decimal, `0x` hex or leading-zero octal, like Click's IntArg. */
  private portNumber(t: Token): number {
    const s = t.text;
    let value = NaN;
    if (/^0[xX][0-9a-fA-F]+$/.test(s)) value = parseInt(s.slice(2), 16);
    else if (/^0[0-7]*$/.test(s)) value = parseInt(s, 8);
    else if (/^[1-9][0-9]*$/.test(s)) value = parseInt(s, 10);
    if (Number.isNaN(value)) {
      this.diags.error(this.tokenSpan(t), `port number '${s}' is not an integer`);
      return 0;
    }
    if (value > MAX_PORT) {
      this.diags.error(this.tokenSpan(t), `port number ${s} is too large`);
      return 0;
    }
    return value;
  }

  // --- compounds and groups ---------------------------------------------

  private enterNesting(open: Token): void {
    if (this.nesting >= MAX_NESTING) {
      this.fail(open, `compound elements and groups are nested more than ${MAX_NESTING} levels deep`);
    }
    this.nesting++;
  }

  private compoundClass(): CompoundClass {
    const open = this.next();
    this.enterNesting(open);
    try {
      return this.compoundRest(open);
    } finally {
      this.nesting--;
    }
  }

  private compoundRest(open: Token): CompoundClass {
    const overloads: CompoundBody[] = [];
    let extendsSpan: SourceSpan | undefined;
    for (;;) {
      const t = this.peek();
      if (t.kind === '...') {
        this.next();
        if (overloads.length === 0 || this.peek().kind !== '}') {
          this.fail(t, "'...' must come last, after '||' and at least one definition");
        }
        extendsSpan = this.tokenSpan(t);
        break;
      }
      const bodyStart = t.start;
      const formals = this.formals();
      const statements = this.statements('compound');
      overloads.push({ formals, statements, span: this.span(bodyStart, Math.max(bodyStart, this.lastEnd)) });
      if (this.peek().kind !== '||') break;
      this.next();
    }
    const close = this.peek();
    if (close.kind !== '}') {
      if (close.kind === 'eof') this.fail(open, "unterminated compound element: missing '}'");
      this.fail(close, `expected '}' to close the compound element, found ${describeToken(close)}`);
    }
    this.next();
    return { kind: 'compound', overloads, extendsSpan, span: this.span(open.start) };
  }

  /** `$a, KEYWORD $b, __REST__ $c |` at the start of a compound body, if present. */
  private formals(): Formal[] {
    const out: Formal[] = [];
    const t0 = this.peek();
    if (t0.kind === '|') {
      this.next();
      return out;
    }
    if (!(t0.kind === 'variable' || (t0.kind === 'ident' && this.peek(1).kind === 'variable'))) return out;
    for (;;) {
      const start = this.peek();
      let keyword: string | undefined;
      if (start.kind === 'ident') {
        keyword = start.text;
        this.next();
      }
      const v = this.peek();
      if (v.kind !== 'variable') this.fail(v, `expected a parameter like '$name', found ${describeToken(v)}`);
      this.next();
      out.push({ keyword, name: v.text, span: this.span(start.start) });
      const sep = this.peek();
      if (sep.kind === '|') {
        this.next();
        return out;
      }
      if (sep.kind !== ',') this.fail(sep, `expected ',' or '|' after a compound parameter, found ${describeToken(sep)}`);
      this.next();
    }
  }

  private group(): GroupRef {
    const open = this.next();
    this.enterNesting(open);
    try {
      const statements = this.statements('group');
      if (this.peek().kind !== ')') this.fail(open, "unterminated element group: missing ')'");
      this.next();
      return { kind: 'group', statements, span: this.span(open.start) };
    } finally {
      this.nesting--;
    }
  }
}
