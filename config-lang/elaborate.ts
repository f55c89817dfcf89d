// Elaboration: a parsed configuration becomes the flat RouterGraph. Phase 1
// (compile.ts) resolves names and classes in source order and builds element
// tables; phase 2 (expand.ts) substitutes variables, instantiates compound
// elements with Click's `outer/inner` names and connects through their
// `input`/`output` pseudo-elements. Every error of both phases is reported
// together in one ClickError.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { KNOWN_PACKAGES, lookupClass, registry } from '../elements/registry.js';
import type { RouterGraph } from '../graph/router-graph.js';
import type { ConfigAST } from './ast.js';
import { BodyCompiler, ClassScope, type CompileContext } from './compile.js';
import { ClickError, DiagnosticBag, type Diagnostic } from './diagnostics.js';
import { Expander } from './expand.js';
import { parse } from './parser.js';
import { SourceFile, syntheticSpan } from './source.js';
import { ElementTable, type Define } from './table.js';
import { VariableScope } from './variables.js';

export interface ElaborateOptions {
  /**
   * Command-line `NAME=VALUE` definitions (with or without `$`). They
   * override the file's own `define`s, like Click's driver.
   */
  defines?: Record<string, string>;
  /** Which names are primitive element classes; default: the element registry. */
  isPrimitiveClass?: (name: string) => boolean;
  /** Class names offered in "did you mean" hints; default: the registry's. */
  knownClasses?: Iterable<string>;
  /**
   * Reads a `require(library FILE)` file given its resolved path (relative
   * paths resolve against the requiring file's directory); default: the disk.
   */
  readLibrary?: (path: string) => string | undefined;
}

function readFromDisk(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Diagnostics in source order, the main file first. */
function sorted(diags: readonly Diagnostic[], main: SourceFile): Diagnostic[] {
  const rank = (d: Diagnostic): number => (d.span.file === main ? 0 : 1);
  return [...diags].sort((a, b) => rank(a) - rank(b) || a.span.start - b.span.start);
}

export function elaborate(ast: ConfigAST, opts: ElaborateOptions = {}): RouterGraph {
  const diags = new DiagnosticBag();
  const readLibrary = opts.readLibrary ?? readFromDisk;
  const cx: CompileContext = {
    diags,
    isPrimitive: opts.isPrimitiveClass ?? ((name) => lookupClass(name) !== undefined),
    primitiveNames: () => opts.knownClasses ?? registry.keys(),
    loadLibrary: (path, from) => {
      const full = isAbsolute(path) ? path : resolve(dirname(from.name), path);
      const text = readLibrary(full);
      return text === undefined ? undefined : new SourceFile(full, text);
    },
    requirements: [],
    requireUses: [],
    provided: new Set(),
    libraries: new Set(),
  };

  const table = new ElementTable(0);
  const defines: Define[] = [];
  new BodyCompiler(cx, table, new ClassScope(), 0, defines, []).statements(ast.statements);
  table.deanonymize();

  for (const use of cx.requireUses) {
    if (!KNOWN_PACKAGES.has(use.name) && !cx.provided.has(use.name)) {
      diags.error(
        use.span,
        `unknown package '${use.name}'`,
        `known packages: ${[...KNOWN_PACKAGES].join(', ')}; a configuration can also provide(${use.name}) itself`,
      );
    }
  }

  const scope = new VariableScope(undefined, 0);
  for (const d of defines) scope.set(d.name, d.value);
  for (const [key, value] of Object.entries(opts.defines ?? {})) {
    const name = key.startsWith('$') ? key.slice(1) : key;
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      diags.error(
        syntheticSpan('<command line>'),
        `bad definition '${key}=${value}': '${key}' is not a variable name`,
        'variable names are letters, digits and underscores, as in NAME=value',
      );
      continue;
    }
    scope.set(name, value);
  }

  const graph = new Expander(diags).run(table, scope, cx.requirements);
  if (diags.hasErrors) throw new ClickError(sorted(diags.items, ast.file));
  return graph;
}

/** Parse and elaborate configuration text in one call. */
export function parseConfigText(text: string, fileName: string, opts?: ElaborateOptions): RouterGraph {
  return elaborate(parse(new SourceFile(fileName, text)), opts);
}
