// Matching a compound element's arguments to its formal parameters (Click's
// cp_assign_arguments). Positional formals take arguments in order; keyword
// formals (`COUNT $c`) take an argument that starts with their keyword and
// are mandatory; `__REST__ $r` collects whatever is left, joined by ", ".

import type { Formal } from './ast.js';
import { keywordLength } from './args/split.js';

export const REST_KEYWORD = '__REST__';

export type Assignment =
  | { readonly ok: true; readonly values: readonly string[] }
  | { readonly ok: false; readonly reason: string };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Assign `args` (already split at commas) to `formals`. */
export function assignArguments(formals: readonly Formal[], args: readonly string[]): Assignment {
  const last = formals[formals.length - 1];
  if (!last || last.keyword === undefined) {
    // Only positional formals: the counts must agree exactly.
    if (args.length === formals.length) return { ok: true, values: args };
    const names = formals.map((f) => `$${f.name}`).join(', ');
    return {
      ok: false,
      reason: `expected ${plural(formals.length, 'argument')}${names ? ` (${names})` : ''}, got ${args.length}`,
    };
  }
  const values: (string | undefined)[] = formals.map(() => undefined);
  const keywordIndex = new Map<string, number>();
  const positional: number[] = [];
  let restIndex = -1;
  formals.forEach((f, i) => {
    if (f.keyword === undefined) positional.push(i);
    else if (f.keyword === REST_KEYWORD) restIndex = i;
    else keywordIndex.set(f.keyword, i);
  });
  const rest: string[] = [];
  let nextPositional = 0;
  for (const arg of args) {
    const klen = keywordLength(arg);
    const k = klen > 0 ? keywordIndex.get(arg.slice(0, klen)) : undefined;
    if (k !== undefined) {
      values[k] = arg.slice(klen).trimStart();
    } else if (nextPositional < positional.length) {
      values[positional[nextPositional++]!] = arg;
    } else if (restIndex >= 0) {
      rest.push(arg);
    } else {
      return { ok: false, reason: `too many arguments: '${arg}' matches no parameter` };
    }
  }
  if (nextPositional < positional.length) {
    const missing = positional.slice(nextPositional).map((i) => `$${formals[i]!.name}`);
    return { ok: false, reason: `missing ${missing.length === 1 ? 'argument' : 'arguments'} ${missing.join(', ')}` };
  }
  for (const [kw, i] of keywordIndex) {
    if (values[i] === undefined) return { ok: false, reason: `missing keyword argument '${kw}'` };
  }
  if (restIndex >= 0) values[restIndex] = rest.join(', ');
  return { ok: true, values: values.map((v) => v ?? '') };
}

/** `Foo($a, COUNT $c, ...)` for messages; `...` stands for `__REST__`. */
export function formalsSignature(formals: readonly Formal[]): string {
  if (formals.length === 0) return '';
  const parts = formals.map((f) =>
    f.keyword === undefined ? `$${f.name}` : f.keyword === REST_KEYWORD ? '...' : `${f.keyword} $${f.name}`,
  );
  return `(${parts.join(', ')})`;
}

export function portCountText(ninputs: number, noutputs: number): string {
  return `${plural(ninputs, 'input')}, ${plural(noutputs, 'output')}`;
}

export { plural };
