// The whole front end in one call: configuration text → AST → flat
// RouterGraph → CheckedGraph. Every failure is a ClickError whose
// diagnostics point into the text (or name the file that could not be read).

import { readFileSync } from 'node:fs';
import { lookupClass as registryLookup, registry } from '../elements/registry.js';
import type { AnyElementSpec } from '../elements/spec.js';
import { checkGraph, type CheckResult } from '../graph/check.js';
import type { RouterGraph } from '../graph/router-graph.js';
import { ClickError } from './diagnostics.js';
import { elaborate } from './elaborate.js';
import { parse } from './parser.js';
import { SourceFile, syntheticSpan } from './source.js';

/** The name `-e EXPR` configurations carry in messages. */
export const EXPR_FILE_NAME = '<expr>';
/** The name of a configuration read from standard input. */
export const STDIN_FILE_NAME = '<stdin>';

export interface LoadOptions {
  /** `$NAME` values that override the configuration's own `define`s. */
  readonly defines?: Record<string, string>;
  /** Element classes; default: the element library's registry. */
  readonly lookupClass?: (name: string) => AnyElementSpec | undefined;
  /** Class names for "did you mean" hints (default: the registry's). */
  readonly knownClasses?: Iterable<string>;
}

function knownClassNames(opts: LoadOptions): string[] {
  return [...(opts.knownClasses ?? (opts.lookupClass ? [] : registry.keys()))];
}

/** Parse and elaborate: text → flat RouterGraph (not yet checked). */
export function elaborateConfig(text: string, fileName: string, opts: LoadOptions = {}): RouterGraph {
  const lookup = opts.lookupClass ?? registryLookup;
  const ast = parse(new SourceFile(fileName, text));
  return elaborate(ast, {
    defines: opts.defines,
    isPrimitiveClass: (n) => lookup(n) !== undefined,
    knownClasses: knownClassNames(opts),
  });
}

/** Parse, elaborate and check a configuration. */
export function loadConfig(text: string, fileName: string, opts: LoadOptions = {}): CheckResult {
  const graph = elaborateConfig(text, fileName, opts);
  return checkGraph(graph, { lookupClass: opts.lookupClass ?? registryLookup, knownClasses: knownClassNames(opts) });
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

/** Read a configuration file (`-` is standard input); a ClickError if it cannot be read. */
export function readConfigFile(path: string): { text: string; fileName: string } {
  const fileName = path === '-' ? STDIN_FILE_NAME : path;
  try {
    return { text: readFileSync(path === '-' ? 0 : path, 'utf8'), fileName };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const reason = typeof code === 'string' ? (FILE_ERRORS[code] ?? code) : String(e);
    throw new ClickError([{ severity: 'error', message: `cannot read '${path}': ${reason}`, span: syntheticSpan(fileName) }]);
  }
}

export function loadFile(path: string, opts: LoadOptions = {}): CheckResult {
  const { text, fileName } = readConfigFile(path);
  return loadConfig(text, fileName, opts);
}
