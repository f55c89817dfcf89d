// Plain-data summaries of a parse, one from the production parser's AST and
// one from the tree the `ebnf` package builds from config-lang/click.ebnf.
// The grammar test compares them, so the grammar file cannot drift from the
// hand-written parser.

import type { IToken } from 'ebnf';
import type { ClassExpr, CompoundClass, ElementNode, PortList, Statement } from '../../config-lang/ast.js';

export type PortSummary = { ports: number[]; expandable: boolean };
export type ClassSummary = { name: string } | CompoundSummary;
export type CompoundSummary = {
  bodies: { formals: [string | null, string][]; statements: StatementSummary[] }[];
  extends: boolean;
};
export type RefSummary =
  | { named: string; cls?: ClassSummary; config?: string }
  | { compound: CompoundSummary; config?: string }
  | { group: StatementSummary[] }
  | null;
export type ElementSummary = { in?: PortSummary; ref: RefSummary; out?: PortSummary; ports?: PortSummary };
export type StatementSummary =
  | { connection: ElementSummary[][]; arrows: string[] }
  | { elementclass: string; cls: ClassSummary }
  | { directive: string; config: string };

// --- production AST ----------------------------------------------------------

function ports(p: PortList | undefined): PortSummary | undefined {
  return p ? { ports: [...p.ports], expandable: p.expandable } : undefined;
}

function compound(c: CompoundClass): CompoundSummary {
  return {
    bodies: c.overloads.map((b) => ({
      formals: b.formals.map((f): [string | null, string] => [f.keyword ?? null, f.name]),
      statements: b.statements.map(statement),
    })),
    extends: c.extendsSpan !== undefined,
  };
}

function cls(c: ClassExpr): ClassSummary {
  return c.kind === 'name' ? { name: c.name } : compound(c);
}

function element(e: ElementNode): ElementSummary {
  const r = e.ref;
  switch (r.kind) {
    case 'implicit': {
      // The port as written: before the missing name.
      const written = r.pseudo === 'input' ? e.outPorts : e.inPorts;
      return written ? { ref: null, ports: ports(written) } : { ref: null };
    }
    case 'named':
      return strip({ in: ports(e.inPorts), ref: strip({ named: r.name.name, cls: r.declClass && cls(r.declClass), config: r.config?.raw }), out: ports(e.outPorts) });
    case 'compound-element':
      return strip({ in: ports(e.inPorts), ref: strip({ compound: compound(r.compound), config: r.config?.raw }), out: ports(e.outPorts) });
    case 'group':
      return strip({ in: ports(e.inPorts), ref: { group: r.statements.map(statement) }, out: ports(e.outPorts) });
  }
}

function statement(s: Statement): StatementSummary {
  switch (s.kind) {
    case 'connection':
      return { connection: s.sections.map((set) => set.map(element)), arrows: s.arrows.map((a) => a.arrow) };
    case 'elementclass':
      return { elementclass: s.name.name, cls: cls(s.body) };
    default:
      return { directive: s.kind, config: s.config.raw };
  }
}

export function summarizeAst(statements: readonly Statement[]): StatementSummary[] {
  return statements.map(statement);
}

/** Drop undefined fields so summaries compare structurally. */
function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// --- ebnf tree ---------------------------------------------------------------

function kids(t: IToken, type?: string): IToken[] {
  return type ? t.children.filter((c) => c.type === type) : t.children;
}

function kid(t: IToken, type: string): IToken | undefined {
  return t.children.find((c) => c.type === type);
}

function portNumber(s: string): number {
  if (/^0[xX]/.test(s)) return parseInt(s.slice(2), 16);
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  return parseInt(s, 10);
}

function treePorts(t: IToken): PortSummary {
  const list = kids(t, 'port').map((p) => portNumber(p.text));
  return { ports: list, expandable: list.length === 0 || kid(t, 'expandable') !== undefined };
}

function treeConfig(t: IToken | undefined): string | undefined {
  if (!t) return undefined;
  return kid(t, 'config_text')?.text ?? '';
}

function treeCompound(t: IToken): CompoundSummary {
  const bodies: CompoundSummary['bodies'] = [];
  let ext = false;
  for (const b of t.children) {
    if (b.type !== 'first_body' && b.type !== 'next_body') continue;
    if (kid(b, 'extends')) {
      ext = true;
      continue;
    }
    const formals = kid(b, 'formals');
    bodies.push({
      formals: formals
        ? kids(formals, 'formal').map((f): [string | null, string] => [kid(f, 'ident')?.text ?? null, kid(f, 'variable')!.text.slice(1)])
        : [],
      statements: treeStatements(kid(b, 'statements')),
    });
  }
  return { bodies, extends: ext };
}

function treeClass(t: IToken): ClassSummary {
  const c = t.children[0]!;
  return c.type === 'ident' ? { name: c.text } : treeCompound(c);
}

function treeElement(t: IToken): ElementSummary {
  const ref = kid(t, 'reference');
  const portLists = kids(t, 'ports');
  if (!ref) return portLists[0] ? { ref: null, ports: treePorts(portLists[0]) } : { ref: null };
  // Ports before the reference are input ports, after it output ports.
  const before = portLists.filter((p) => p.start < ref.start);
  const after = portLists.filter((p) => p.start > ref.start);
  const r = ref.children[0]!;
  let summary: RefSummary;
  if (r.type === 'named') {
    const c = kid(r, 'class');
    summary = strip({ named: kid(r, 'ident')!.text, cls: c && treeClass(c), config: treeConfig(kid(r, 'config_string')) });
  } else if (r.type === 'compound_element') {
    summary = strip({ compound: treeCompound(kid(r, 'compound')!), config: treeConfig(kid(r, 'config_string')) });
  } else {
    summary = { group: treeStatements(kid(r, 'statements')) };
  }
  return strip({ in: before[0] && treePorts(before[0]), ref: summary, out: after[0] && treePorts(after[0]) });
}

function treeConnection(t: IToken): StatementSummary {
  const sections: ElementSummary[][] = [];
  const arrows: string[] = [];
  let expectSection = true;
  for (const c of t.children) {
    if (c.type === 'section') {
      sections.push(kids(c, 'element').map(treeElement));
      expectSection = false;
    } else if (c.type === 'arrow') {
      // A bare arrow with no section before it stands for an implicit element.
      if (expectSection) sections.push([{ ref: null }]);
      arrows.push(c.text);
      expectSection = true;
    }
  }
  if (expectSection) sections.push([{ ref: null }]);
  return { connection: sections, arrows };
}

function treeStatements(t: IToken | undefined): StatementSummary[] {
  if (!t) return [];
  const out: StatementSummary[] = [];
  for (const s of kids(t, 'statement')) {
    const c = s.children[0];
    if (!c) continue; // a lone ';'
    if (c.type === 'connection') out.push(treeConnection(c));
    else if (c.type === 'elementclass') {
      const name = kids(c, 'ident')[0]!.text;
      const body = c.children[1]!;
      out.push({ elementclass: name, cls: body.type === 'ident' ? { name: body.text } : treeCompound(body) });
    } else if (c.type === 'directive') {
      out.push({ directive: kid(c, 'directive_keyword')!.text, config: treeConfig(kid(c, 'config_string'))! });
    }
  }
  return out;
}

export function summarizeTree(root: IToken): StatementSummary[] {
  return treeStatements(kid(root, 'statements'));
}
