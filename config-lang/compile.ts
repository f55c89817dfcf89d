// Elaboration, phase 1: walk the statements of a scope in order, the way
// Click's lexer does while parsing, and build element tables. Class names
// are resolved here, at the point of use, which gives Click's lexical
// scoping: a class defined later does not affect earlier uses, and inside
// `elementclass Queue { ... }` the name `Queue` still means the older class.
// Compound definitions are compiled into their own tables; expansion
// (expand.ts) instantiates them.

import type {
  ClassExpr,
  CompoundBody,
  CompoundClass,
  ConfigString,
  ConnectionStmt,
  DirectiveStmt,
  ElementNode,
  NamedRef,
  PortList,
  Statement,
} from './ast.js';
import { splitArgs, splitWords, unquote } from './args/split.js';
import { REST_KEYWORD } from './compound-args.js';
import { pairPorts, portVector } from './connect.js';
import { closestName, type DiagnosticBag, type RelatedNote } from './diagnostics.js';
import { parseInto } from './parser.js';
import { joinSpans, type SourceFile, type SourceSpan } from './source.js';
import {
  ElementTable,
  type ClassRef,
  type CompiledBody,
  type CompiledFormal,
  type CompoundClassRef,
  type Define,
  type PrimitiveClassRef,
} from './table.js';

/** Everything phase 1 shares across scopes. */
export interface CompileContext {
  readonly diags: DiagnosticBag;
  readonly isPrimitive: (name: string) => boolean;
  /** Class names offered in "did you mean" hints. */
  readonly primitiveNames: () => Iterable<string>;
  /** Read a `require(library FILE)` file; `undefined` if it cannot be read. */
  readonly loadLibrary: (path: string, from: SourceFile) => SourceFile | undefined;
  readonly requirements: string[];
  readonly requireUses: { readonly name: string; readonly span: SourceSpan }[];
  readonly provided: Set<string>;
  readonly libraries: Set<string>;
}

/** Variables scoped like compounds: lookups go outwards through enclosing scopes. */
export class ClassScope {
  private readonly map = new Map<string, ClassRef>();

  constructor(readonly parent?: ClassScope) {}

  lookup(name: string): ClassRef | undefined {
    for (let s: ClassScope | undefined = this; s; s = s.parent) {
      const c = s.map.get(name);
      if (c) return c;
    }
    return undefined;
  }

  define(name: string, cls: ClassRef): void {
    this.map.set(name, cls);
  }

  *names(): Iterable<string> {
    for (let s: ClassScope | undefined = this; s; s = s.parent) yield* s.map.keys();
  }
}

/** An element of a connection after resolution: its table index and ports. */
interface Endpoint {
  readonly idx: number;
  readonly inPorts?: PortList;
  readonly outPorts?: PortList;
  readonly span: SourceSpan;
}

/** A standalone `a, b, c :: Class(config)` gives every name the class and configuration. */
interface SpreadDeclaration {
  readonly cls: ClassRef;
  readonly config?: ConfigString;
}

const NAME_ALL_DIGITS = /(^|\/)\d+(\/|$)/;

function configSpanOf(config: ConfigString | undefined): SourceSpan | undefined {
  return config && config.text === config.raw ? config.span : undefined;
}

/** A span inside a configuration string, when offsets there are still source offsets. */
function spanInConfig(config: ConfigString, offset: number, length: number): SourceSpan {
  if (config.text !== config.raw) return config.span;
  const start = config.span.start + offset;
  return config.span.file.span(start, start + Math.max(1, length));
}

export class BodyCompiler {
  private readonly primitives = new Map<string, PrimitiveClassRef>();
  private groupDepth = 0;

  constructor(
    private readonly cx: CompileContext,
    readonly table: ElementTable,
    private readonly classes: ClassScope,
    /** 0 at file scope, n inside a compound defined n levels deep. */
    private readonly depth: number,
    readonly defines: Define[],
    /** Names of the compounds being defined around this scope, outermost first. */
    private readonly defining: readonly string[],
    /** The compound's formals (their names clash with `define`s). */
    private readonly formals: readonly CompiledFormal[] = [],
  ) {}

  statements(stmts: readonly Statement[]): void {
    for (const s of stmts) this.statement(s);
  }

  private statement(s: Statement): void {
    switch (s.kind) {
      case 'connection':
        return this.connection(s);
      case 'elementclass': {
        const name = s.name.name;
        if (s.body.kind === 'name') {
          this.classes.define(name, this.resolveClassName(s.body.name, s.body.span));
        } else {
          this.classes.define(name, this.compileCompound(name, s.body, s.name.span));
        }
        return;
      }
      case 'define':
        return this.define(s);
      case 'require':
        return this.require(s);
      case 'provide':
        return this.provide(s);
    }
  }

  // --- classes ------------------------------------------------------------

  private primitive(name: string): PrimitiveClassRef {
    let p = this.primitives.get(name);
    if (!p) this.primitives.set(name, (p = { kind: 'primitive', name }));
    return p;
  }

  /** The class an identifier names here, if any. */
  private lookupClass(name: string): ClassRef | undefined {
    return this.classes.lookup(name) ?? (this.cx.isPrimitive(name) ? this.primitive(name) : undefined);
  }

  private classHint(name: string): string | undefined {
    const all = new Set<string>(this.cx.primitiveNames());
    for (const n of this.classes.names()) all.add(n);
    const best = closestName(name, all);
    return best ? `did you mean '${best}'?` : undefined;
  }

  private resolveClassName(name: string, span: SourceSpan): ClassRef {
    const c = this.lookupClass(name);
    if (c) return c;
    if (this.defining.includes(name)) this.reportRecursion(name, span);
    else this.cx.diags.error(span, `unknown element class '${name}'`, this.classHint(name));
    return { kind: 'error', name };
  }

  private resolveClassExpr(expr: ClassExpr): ClassRef {
    return expr.kind === 'name' ? this.resolveClassName(expr.name, expr.span) : this.compileCompound('', expr, undefined);
  }

  private reportRecursion(name: string, span: SourceSpan): void {
    this.cx.diags.error(
      span,
      `compound element class '${name}' cannot be used inside its own definition`,
      "a class becomes visible only after its closing '}', so compound elements cannot be recursive",
    );
  }

  private compileCompound(name: string, expr: CompoundClass, nameSpan: SourceSpan | undefined): CompoundClassRef {
    const span = nameSpan ?? expr.span.file.span(expr.span.start, expr.span.start + 1);
    let extension: ClassRef | undefined;
    if (expr.extendsSpan) {
      if (!name) {
        this.cx.diags.error(expr.extendsSpan, "an anonymous compound element cannot extend a class with '...'");
      } else {
        extension = this.lookupClass(name);
        if (!extension) {
          this.cx.diags.error(
            expr.extendsSpan,
            `cannot extend unknown element class '${name}'`,
            "'...' adds these definitions to an element class defined earlier",
          );
        }
      }
    }
    const def: CompoundClassRef = { kind: 'compound', name, overloads: [], span };
    for (const body of expr.overloads) def.overloads.push(this.compileBody(def, body));
    def.extension = extension;
    return def;
  }

  private compileBody(def: CompoundClassRef, body: CompoundBody): CompiledBody {
    const table = new ElementTable(2);
    const pseudoSpan = body.span.file.span(body.span.start, body.span.start);
    table.add({ name: 'input', kind: 'pseudo', config: '', span: pseudoSpan });
    table.add({ name: 'output', kind: 'pseudo', config: '', span: pseudoSpan });
    const formals = this.checkFormals(body);
    const defines: Define[] = [];
    const inner = new BodyCompiler(
      this.cx,
      table,
      new ClassScope(this.classes),
      this.depth + 1,
      defines,
      [...this.defining, def.name],
      formals,
    );
    inner.statements(body.statements);
    const label = def.name ? `compound '${def.name}'` : 'anonymous compound';
    const ninputs = inner.pseudoPorts(0, 'input', label, def.span);
    const noutputs = inner.pseudoPorts(1, 'output', label, def.span);
    table.deanonymize();
    return { owner: def, formals, defines, table, ninputs, noutputs, depth: this.depth + 1, span: body.span };
  }

  /** Click's rules: unique names and keywords; positional, then keywords, then `__REST__`. */
  private checkFormals(body: CompoundBody): CompiledFormal[] {
    const seenNames = new Set<string>();
    const seenKeywords = new Set<string>();
    let orderReported = false;
    body.formals.forEach((f, i) => {
      if (seenNames.has(f.name)) this.cx.diags.error(f.span, `parameter '$${f.name}' is declared twice`);
      seenNames.add(f.name);
      if (f.keyword !== undefined) {
        if (seenKeywords.has(f.keyword)) this.cx.diags.error(f.span, `keyword '${f.keyword}' is used by two parameters`);
        seenKeywords.add(f.keyword);
      }
      const prev = body.formals[i - 1];
      const outOfOrder = prev && (prev.keyword === REST_KEYWORD || (f.keyword === undefined && prev.keyword !== undefined));
      if (outOfOrder && !orderReported) {
        orderReported = true;
        this.cx.diags.error(
          f.span,
          'compound element parameters out of order',
          'write positional parameters first, then keyword parameters, then __REST__',
        );
      }
    });
    return body.formals.map((f) => ({ keyword: f.keyword, name: f.name, span: f.span }));
  }

  /**
   * Check how a compound's or group's pseudo-element is used and return its
   * port count: `input` may only send, `output` only receive, and the ports
   * used must be 0..n-1 without gaps.
   */
  pseudoPorts(idx: number, which: 'input' | 'output', label: string, defSpan: SourceSpan): number {
    const e = this.table.entries[idx]!;
    const wrongWay = which === 'input' ? e.firstInSpan : e.firstOutSpan;
    if (wrongWay) {
      this.cx.diags.error(
        wrongWay,
        which === 'input' ? `'input' of ${label} cannot receive connections` : `'output' of ${label} cannot send connections`,
        which === 'input'
          ? "'input' stands for the ports coming in from outside: connect from it, as in 'input -> x'"
          : "'output' stands for the ports going out: connect to it, as in 'x -> output'",
      );
    }
    const used = which === 'input' ? e.usedOut : e.usedIn;
    if (!used || used.size === 0) return 0;
    const count = Math.max(...used) + 1;
    for (let p = 0; p < count; p++) {
      if (!used.has(p)) {
        this.cx.diags.error(
          defSpan,
          `${label} uses ${which} ${count - 1} but not ${which} ${p}`,
          `number the ports of '${which}' consecutively from 0`,
        );
        break;
      }
    }
    return count;
  }

  // --- connections ----------------------------------------------------------

  private connection(s: ConnectionStmt): void {
    const spread = this.spreadDeclaration(s);
    const sections = s.sections.map((set) => {
      const out: (Endpoint | undefined)[] = set.map(() => undefined);
      // Click builds groups while reading the list and the other elements at its end.
      set.forEach((node, i) => {
        if (node.ref.kind === 'group') out[i] = this.group(node);
      });
      set.forEach((node, i) => {
        if (node.ref.kind !== 'group') out[i] = this.element(node, spread && i < set.length - 1 ? spread : undefined);
      });
      return out as Endpoint[];
    });
    s.arrows.forEach((arrow, k) => {
      const left = sections[k]!;
      const right = sections[k + 1]!;
      const { pairs, problems } = pairPorts(
        left.map((e) => portVector(e.outPorts)),
        right.map((e) => portVector(e.inPorts)),
        arrow.arrow,
      );
      const whole = joinSpans(left[0]!.span, right[right.length - 1]!.span);
      for (const p of problems) this.cx.diags.error(arrow.span, p.message, p.hint);
      for (const p of pairs) {
        const from = left[p.outItem]!;
        const to = right[p.inItem]!;
        const span = left.length === 1 && right.length === 1 ? whole : joinSpans(from.span, to.span);
        this.table.connect({ idx: from.idx, port: p.outPort }, { idx: to.idx, port: p.inPort }, span);
      }
    });
  }

  /** `a, b, c :: Class(config);` alone declares all three with the class and configuration. */
  private spreadDeclaration(s: ConnectionStmt): SpreadDeclaration | undefined {
    if (s.sections.length !== 1) return undefined;
    const set = s.sections[0]!;
    if (set.length < 2) return undefined;
    if (set.some((n) => n.inPorts || n.outPorts || n.ref.kind !== 'named')) return undefined;
    const bare = set.slice(0, -1).every((n) => n.ref.kind === 'named' && !n.ref.declClass && !n.ref.config);
    const last = set[set.length - 1]!.ref as NamedRef;
    if (!bare || !last.declClass) return undefined;
    // Resolve the class once; the last element gets it from the same object.
    const cls = this.resolveClassExpr(last.declClass);
    this.spreadClass = { expr: last.declClass, cls };
    return { cls, config: last.config };
  }

  /** The class of the declaration being spread, so its last element does not compile it twice. */
  private spreadClass: { expr: ClassExpr; cls: ClassRef } | undefined;

  private declaredClass(expr: ClassExpr): ClassRef {
    if (this.spreadClass?.expr === expr) {
      const cls = this.spreadClass.cls;
      this.spreadClass = undefined;
      return cls;
    }
    return this.resolveClassExpr(expr);
  }

  private element(node: ElementNode, spread: SpreadDeclaration | undefined): Endpoint {
    const ref = node.ref;
    const ports = { inPorts: node.inPorts, outPorts: node.outPorts, span: node.span };
    switch (ref.kind) {
      case 'implicit': {
        const idx = this.table.names.get(ref.pseudo)!;
        return { idx, ...ports };
      }
      case 'compound-element': {
        const cls = this.compileCompound('', ref.compound, undefined);
        const idx = this.table.add({
          name: this.table.anonymousName(''),
          kind: 'element',
          cls,
          config: ref.config?.text ?? '',
          configSpan: configSpanOf(ref.config),
          span: ref.span,
        });
        return { idx, ...ports };
      }
      case 'named':
        return { idx: this.named(ref, spread), ...ports };
      case 'group':
        throw new Error('groups are built by group()');
    }
  }

  private errorEntry(name: string, span: SourceSpan): number {
    return this.table.add({ name: this.table.anonymousName(name), kind: 'error', config: '', span });
  }

  private named(ref: NamedRef, spread: SpreadDeclaration | undefined): number {
    const name = ref.name.name;
    const cls = this.lookupClass(name);
    const declared = this.table.names.get(name);
    if (ref.declClass || spread) {
      if (cls) {
        this.cx.diags.error(ref.name.span, `'${name}' is an element class, not an element name`, 'choose another name for the element');
        if (ref.declClass) this.declaredClass(ref.declClass);
        return this.errorEntry(name, ref.name.span);
      }
      const declCls = spread ? spread.cls : this.declaredClass(ref.declClass!);
      const config = spread ? spread.config : ref.config;
      if (declared !== undefined) {
        const prev = this.table.entries[declared]!;
        const related: RelatedNote[] =
          prev.kind === 'pseudo' || prev.kind === 'group-pseudo' ? [] : [{ span: prev.span, message: `'${name}' previously declared here` }];
        this.cx.diags.error(ref.name.span, `redeclaration of element '${name}'`, undefined, related);
        return declared;
      }
      if (NAME_ALL_DIGITS.test(name)) {
        this.cx.diags.error(ref.name.span, `element name '${name}' has an all-digit component`, 'element names need a letter, as in q1');
      }
      return this.table.add({
        name,
        kind: declCls.kind === 'error' ? 'error' : 'element',
        cls: declCls,
        config: config?.text ?? '',
        configSpan: configSpanOf(config),
        span: ref.name.span,
      });
    }
    if (cls) {
      return this.table.add({
        name: this.table.anonymousName(name),
        kind: cls.kind === 'error' ? 'error' : 'element',
        cls,
        config: ref.config?.text ?? '',
        configSpan: configSpanOf(ref.config),
        span: ref.span,
      });
    }
    if (declared !== undefined) {
      if (ref.config) {
        this.cx.diags.error(
          ref.config.span,
          `configuration string on a reference to element '${name}'`,
          `'${name}' is already declared; give its configuration in the declaration`,
        );
      }
      return declared;
    }
    this.reportUnknownName(ref);
    return this.errorEntry(name, ref.span);
  }

  private reportUnknownName(ref: NamedRef): void {
    const name = ref.name.name;
    const span = ref.name.span;
    if (this.defining.includes(name)) this.reportRecursion(name, span);
    else if ((name === 'input' || name === 'output') && this.depth === 0 && this.groupDepth === 0) {
      this.cx.diags.error(span, `'${name}' is not defined outside compound elements and element groups`);
    } else if (ref.config || /^[A-Z]/.test(name)) {
      this.cx.diags.error(span, `unknown element class '${name}'`, this.classHint(name));
    } else {
      const similar = closestName(name, [...this.table.names.keys()].filter((n) => !n.startsWith(';')));
      this.cx.diags.error(
        span,
        `undeclared element '${name}'`,
        similar ? `did you mean '${similar}'?` : `declare it before using it, as in '${name} :: Counter'`,
      );
    }
  }

  /**
   * An element group: three pass-through entries (the group, its input and
   * its output), then its statements in this same scope with `input` and
   * `output` meaning the group's own. Its ports default to all of them.
   */
  private group(node: ElementNode): Endpoint {
    if (node.ref.kind !== 'group') throw new Error('not a group');
    const name = this.table.anonymousName('');
    const span = node.ref.span;
    const g = this.table.add({ name, kind: 'group', config: '', span });
    this.table.add({ name: `${name}/input`, kind: 'group-pseudo', config: '', span });
    this.table.add({ name: `${name}/output`, kind: 'group-pseudo', config: '', span });
    const names = this.table.names;
    const saved = [names.get('input'), names.get('output')] as const;
    names.set('input', g + 1);
    names.set('output', g + 2);
    this.groupDepth++;
    this.statements(node.ref.statements);
    this.groupDepth--;
    for (const [i, key] of (['input', 'output'] as const).entries()) {
      if (saved[i] === undefined) names.delete(key);
      else names.set(key, saved[i]!);
    }
    const open = span.file.span(span.start, span.start + 1);
    const nin = this.pseudoPorts(g + 1, 'input', 'element group', open);
    const nout = this.pseudoPorts(g + 2, 'output', 'element group', open);
    const implied = (n: number): PortList | undefined =>
      n > 0 ? { ports: Array.from({ length: n }, (_, i) => i), expandable: false, span } : undefined;
    return { idx: g, inPorts: node.inPorts ?? implied(nin), outPorts: node.outPorts ?? implied(nout), span };
  }

  // --- define, require, provide ---------------------------------------------

  private define(s: DirectiveStmt): void {
    for (const piece of splitArgs(s.config.text)) {
      if (piece.text === '') continue;
      const first = splitWords(piece.text)[0]!;
      const variable = first.text;
      const value = piece.text.slice(first.offset + variable.length).trimStart();
      const span = spanInConfig(s.config, piece.offset, variable.length);
      if (!/^\$[A-Za-z0-9_]+$/.test(variable)) {
        this.cx.diags.error(span, `bad 'define': '${variable}' is not a variable`, "write define($NAME value, ...)");
        continue;
      }
      const name = variable.slice(1);
      const previous = this.defines.find((d) => d.name === name);
      const formal = this.formals.find((f) => f.name === name);
      if (previous || formal) {
        const note = previous
          ? { span: previous.span, message: `'$${name}' first defined here` }
          : { span: formal!.span, message: `'$${name}' is a parameter of this compound` };
        this.cx.diags.error(span, `'$${name}' is defined twice in the same scope`, undefined, [note]);
        continue;
      }
      this.defines.push({ name, value, span });
    }
  }

  private require(s: DirectiveStmt): void {
    for (const piece of splitArgs(s.config.text)) {
      const words = splitWords(piece.text);
      if (words.length === 0) continue;
      const span = spanInConfig(s.config, piece.offset, piece.text.length);
      const kind = unquote(words[0]!.text);
      if (words.length === 1 && kind !== 'package' && kind !== 'library' && kind !== 'compact_config') {
        this.requirePackage(kind, span);
      } else if (words.length === 1 && kind === 'compact_config') {
        // Only changes how Click stores configuration strings in memory.
      } else if (words.length === 2 && kind === 'package') {
        this.requirePackage(unquote(words[1]!.text), span);
      } else if (words.length === 2 && kind === 'library') {
        this.requireLibrary(unquote(words[1]!.text), span);
      } else {
        this.cx.diags.error(
          span,
          `bad requirement '${piece.text}'`,
          "write a package name, 'package NAME' or 'library FILE'",
        );
      }
    }
  }

  private requirePackage(name: string, span: SourceSpan): void {
    if (!this.cx.requirements.includes(name)) this.cx.requirements.push(name);
    this.cx.requireUses.push({ name, span });
  }

  private requireLibrary(path: string, span: SourceSpan): void {
    if (this.depth > 0) {
      this.cx.diags.error(span, "'require(library ...)' may only be used at file scope, not inside a compound element");
      return;
    }
    const lib = this.cx.loadLibrary(path, span.file);
    if (!lib) {
      this.cx.diags.error(span, `library '${path}' not found`, 'library paths are relative to the directory of the configuration that requires them');
      return;
    }
    if (this.cx.libraries.has(lib.name)) return;
    this.cx.libraries.add(lib.name);
    const ast = parseInto(lib, this.cx.diags);
    this.statements(ast.statements);
  }

  private provide(s: DirectiveStmt): void {
    for (const piece of splitArgs(s.config.text)) {
      const words = splitWords(piece.text);
      if (words.length === 0) continue;
      if (words.length > 1) {
        this.cx.diags.error(spanInConfig(s.config, piece.offset, piece.text.length), `bad provide '${piece.text}': expected one package name`);
        continue;
      }
      this.cx.provided.add(unquote(words[0]!.text));
    }
  }
}
