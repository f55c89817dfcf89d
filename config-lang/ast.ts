// The syntax tree of a Click configuration, as written: nothing is resolved
// yet. Whether an identifier names an element or a class depends on lexical
// scope, so a reference keeps just its name; elaboration decides. Every node
// carries the span of its text so later errors can point at it.

import type { SourceFile, SourceSpan } from './source.js';

/** An identifier (element name, class name, keyword of a formal). */
export interface Ident {
  readonly name: string;
  readonly span: SourceSpan;
}

/**
 * A configuration string: the text between `(` and the balancing `)`.
 * `raw` is verbatim; `text` is what Click passes on (equal to `raw` unless a
 * `#` line directive inside it was removed).
 */
export interface ConfigString {
  readonly raw: string;
  readonly text: string;
  /** The characters between the parentheses. */
  readonly span: SourceSpan;
}

/**
 * A bracketed port list `[0]`, `[0, 1]`, `[]` or `[2,]`. A trailing comma or
 * an empty list makes it expandable (Click numbers further ports upwards).
 */
export interface PortList {
  readonly ports: readonly number[];
  readonly expandable: boolean;
  readonly span: SourceSpan;
}

/** `KEYWORD $name` or `$name` (keyword is `__REST__` for the rest formal). */
export interface Formal {
  readonly keyword?: string;
  /** Variable name without the `$`. */
  readonly name: string;
  readonly span: SourceSpan;
}

/** One definition of a compound class: `formals | statements`. */
export interface CompoundBody {
  readonly formals: readonly Formal[];
  readonly statements: readonly Statement[];
  readonly span: SourceSpan;
}

/** `{ body || body ... }`, optionally ending in `|| ...` (extend the previous class). */
export interface CompoundClass {
  readonly kind: 'compound';
  readonly overloads: readonly CompoundBody[];
  /** Span of `...` when the class extends an earlier class of the same name. */
  readonly extendsSpan?: SourceSpan;
  readonly span: SourceSpan;
}

/** A class as written after `::` or in `elementclass`: a name or a compound. */
export type ClassExpr = ({ readonly kind: 'name' } & Ident) | CompoundClass;

/**
 * An identifier in element position: `x`, `x :: Class(config)` or
 * `Class(config)`. Elaboration decides whether `name` is an element or a class.
 */
export interface NamedRef {
  readonly kind: 'named';
  readonly name: Ident;
  readonly declClass?: ClassExpr;
  readonly config?: ConfigString;
  readonly span: SourceSpan;
}

/** An anonymous compound class used as an anonymous element: `{ ... }(config)`. */
export interface CompoundRef {
  readonly kind: 'compound-element';
  readonly compound: CompoundClass;
  readonly config?: ConfigString;
  readonly span: SourceSpan;
}

/** An element group `( statements )`: a detour that shares the enclosing scope. */
export interface GroupRef {
  readonly kind: 'group';
  readonly statements: readonly Statement[];
  readonly span: SourceSpan;
}

/**
 * A port with no element name inside a compound or group: Click infers
 * `input` at the start of a chain and `output` at its end.
 */
export interface ImplicitRef {
  readonly kind: 'implicit';
  readonly pseudo: 'input' | 'output';
  readonly span: SourceSpan;
}

export type ElementRef = NamedRef | CompoundRef | GroupRef | ImplicitRef;

/**
 * One element of a connection with its ports. For an implicit `input` the
 * port written before the (missing) name is its output port, so it is stored
 * in `outPorts`, as Click does.
 */
export interface ElementNode {
  readonly inPorts?: PortList;
  readonly ref: ElementRef;
  readonly outPorts?: PortList;
  readonly span: SourceSpan;
}

export type Arrow = '->' | '=>';

/**
 * A connection chain `a, b -> c => d, e`; a lone declaration is a chain of
 * one section. sections[i] and sections[i+1] are joined by arrows[i].
 */
export interface ConnectionStmt {
  readonly kind: 'connection';
  readonly sections: readonly (readonly ElementNode[])[];
  readonly arrows: readonly { readonly arrow: Arrow; readonly span: SourceSpan }[];
  readonly span: SourceSpan;
}

export interface ElementclassStmt {
  readonly kind: 'elementclass';
  readonly name: Ident;
  /** A compound, or the name of the class this one is a synonym of. */
  readonly body: ClassExpr;
  readonly span: SourceSpan;
}

/** `require(...)`, `provide(...)` and `define(...)`: a keyword and a configuration string. */
export interface DirectiveStmt {
  readonly kind: 'require' | 'provide' | 'define';
  readonly config: ConfigString;
  readonly keywordSpan: SourceSpan;
  readonly span: SourceSpan;
}

export type Statement = ConnectionStmt | ElementclassStmt | DirectiveStmt;

export interface ConfigAST {
  readonly file: SourceFile;
  readonly statements: readonly Statement[];
}
