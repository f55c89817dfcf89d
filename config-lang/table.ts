// The element table of one scope (the file or one compound definition), the
// way Click's lexer keeps it: elements in creation order, with the `input`
// and `output` pseudo-elements first in a compound and three pass-through
// entries per element group. Anonymous elements get `Class@N` names where N
// counts the scope's entries, so numbering matches Click's exactly.

import type { SourceSpan } from './source.js';

export interface PrimitiveClassRef {
  readonly kind: 'primitive';
  readonly name: string;
}

/** A class that could not be resolved; its elements are dropped without further errors. */
export interface ErrorClassRef {
  readonly kind: 'error';
  readonly name: string;
}

/** A compound class: its definitions in overload order, and what `|| ...` extends. */
export interface CompoundClassRef {
  readonly kind: 'compound';
  /** '' for an anonymous compound. */
  readonly name: string;
  readonly overloads: CompiledBody[];
  extension?: ClassRef;
  /** Where the class is defined (its name in `elementclass`, or its `{`). */
  readonly span: SourceSpan;
}

export type ClassRef = PrimitiveClassRef | ErrorClassRef | CompoundClassRef;

export interface Define {
  readonly name: string;
  readonly value: string;
  readonly span: SourceSpan;
}

export interface CompiledFormal {
  readonly keyword?: string;
  readonly name: string;
  readonly span: SourceSpan;
}

/** One definition of a compound class, compiled into an element table. */
export interface CompiledBody {
  readonly owner: CompoundClassRef;
  readonly formals: readonly CompiledFormal[];
  readonly defines: readonly Define[];
  readonly table: ElementTable;
  readonly ninputs: number;
  readonly noutputs: number;
  /** Lexical nesting depth of the definition: 1 for a compound defined at file level. */
  readonly depth: number;
  readonly span: SourceSpan;
}

/**
 * `element`: a real element (primitive or compound class); `pseudo`: a
 * compound's `input`/`output`; `group` and `group-pseudo`: an element
 * group's pass-through entry and its `input`/`output`; `error`: a
 * placeholder for something already reported.
 */
export type EntryKind = 'element' | 'pseudo' | 'group' | 'group-pseudo' | 'error';

export interface TableEntry {
  /** Anonymous names start with ';' until `deanonymize` (as in Click). */
  name: string;
  readonly kind: EntryKind;
  readonly cls?: ClassRef;
  readonly config: string;
  /** The configuration's source span when `config` is verbatim source text. */
  readonly configSpan?: SourceSpan;
  readonly span: SourceSpan;
  /** Highest input and output port used by connections in this table (-1: none). */
  maxIn: number;
  maxOut: number;
  /** For pseudo-elements: ports used as a connection source, and the first wrong-way use. */
  usedOut?: Set<number>;
  usedIn?: Set<number>;
  firstInSpan?: SourceSpan;
  firstOutSpan?: SourceSpan;
}

export interface PortRef {
  readonly idx: number;
  readonly port: number;
}

export interface TableConnection {
  readonly from: PortRef;
  readonly to: PortRef;
  readonly span: SourceSpan;
}

export class ElementTable {
  readonly entries: TableEntry[] = [];
  readonly names = new Map<string, number>();
  readonly connections: TableConnection[] = [];

  /** `anonymousOffset` is 2 in compounds, whose numbering skips `input` and `output`. */
  constructor(readonly anonymousOffset: number) {}

  add(entry: Omit<TableEntry, 'maxIn' | 'maxOut'>): number {
    const idx = this.entries.length;
    // One object shape for every entry keeps large configurations fast.
    this.entries.push({
      name: entry.name,
      kind: entry.kind,
      cls: entry.cls,
      config: entry.config,
      configSpan: entry.configSpan,
      span: entry.span,
      maxIn: -1,
      maxOut: -1,
      usedOut: undefined,
      usedIn: undefined,
      firstInSpan: undefined,
      firstOutSpan: undefined,
    });
    this.names.set(entry.name, idx);
    return idx;
  }

  /** The provisional name of the next anonymous element of class `cls`. */
  anonymousName(cls: string): string {
    return `;${cls}@${this.entries.length - this.anonymousOffset + 1}`;
  }

  connect(from: PortRef, to: PortRef, span: SourceSpan): void {
    this.connections.push({ from, to, span });
    const f = this.entries[from.idx]!;
    const t = this.entries[to.idx]!;
    if (from.port > f.maxOut) f.maxOut = from.port;
    if (to.port > t.maxIn) t.maxIn = to.port;
    if (f.kind === 'pseudo' || f.kind === 'group-pseudo') {
      (f.usedOut ??= new Set()).add(from.port);
      f.firstOutSpan ??= span;
    }
    if (t.kind === 'pseudo' || t.kind === 'group-pseudo') {
      (t.usedIn ??= new Set()).add(to.port);
      t.firstInSpan ??= span;
    }
  }

  /**
   * Give anonymous entries their final names: `Class@N`, or the next free
   * number when a user already declared that name.
   */
  deanonymize(): void {
    this.entries.forEach((e, idx) => {
      if (!e.name.startsWith(';')) return;
      let name = e.name.slice(1);
      if (this.names.has(name)) {
        const at = name.lastIndexOf('@');
        const prefix = name.slice(0, at + 1);
        let n = parseInt(name.slice(at + 1), 10) || 0;
        do name = `${prefix}${++n}`;
        while (this.names.has(name));
      }
      this.names.set(name, idx);
      e.name = name;
    });
  }
}
