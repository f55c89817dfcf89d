// What a configuration may not do inside the VM image: there is no file
// system, so the elements that read or write files cannot work there. They
// are rejected before anything is built, with the positioned diagnostics
// the rest of the front end prints.

import type { Diagnostic } from '../config-lang/diagnostics.js';
import type { CheckedGraph } from '../graph/router-graph.js';

/** Classes that always open a file (their C code calls open/fopen on their configuration's file). */
export const FILE_CLASSES: ReadonlySet<string> = new Set(['FromDump', 'ToDump', 'FromIPSummaryDump', 'ToIPSummaryDump']);

/**
 * Classes whose C code opens a file only when a keyword asks for it; they
 * are fine in the VM without it. (Script's file commands fail at run time
 * with the error a missing file gives, as they would on a host.)
 */
export const FILE_KEYWORDS: ReadonlyMap<string, { keyword: string; conf: (conf: unknown) => boolean }> = new Map([
  ['IPPrint', { keyword: 'OUTFILE', conf: (c: unknown) => (c as { outfile?: string }).outfile !== undefined }],
]);

/** Classes whose native code can open files (Script and DriverManager share its file commands) but needs no file system to run. */
export const FILE_OPTIONAL: ReadonlySet<string> = new Set(['Script', 'DriverManager', 'IPPrint']);

const HINT =
  'the VM image has no file system: feed packets through FromDevice(N) or an in-memory source (InfiniteSource, RatedSource), ' +
  'or run this configuration on the host with `clickvm run` or `clickvm compile`';

/** Errors for every element that needs files; empty when the configuration can become an image. */
export function imageDiagnostics(graph: CheckedGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of graph.elements) {
    if (FILE_CLASSES.has(e.className)) {
      out.push({
        severity: 'error',
        message: `${e.className} '${e.name}' reads or writes files, which a VM image cannot`,
        span: e.span,
        hint: HINT,
        related: e.context,
      });
      continue;
    }
    const kw = FILE_KEYWORDS.get(e.className);
    if (kw && kw.conf(e.conf)) {
      out.push({
        severity: 'error',
        message: `${e.className} '${e.name}' writes to a file (${kw.keyword}), which a VM image cannot`,
        span: e.configSpan ?? e.span,
        hint: `leave ${kw.keyword} out: the lines then go to the VM's console`,
        related: e.context,
      });
    }
  }
  return out;
}

/** Element classes and how many of each (compound elements counted by what they expand to). */
export function classCounts(graph: CheckedGraph): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of graph.elements) m.set(e.className, (m.get(e.className) ?? 0) + 1);
  return m;
}
