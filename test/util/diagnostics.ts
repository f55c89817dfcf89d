// Diagnostics as tests compare them: `LINE:COL: MESSAGE`, the position of
// the span's start.

import { ClickError, type Diagnostic } from '../../config-lang/diagnostics.js';

export function diagnosticLine(d: Diagnostic): string {
  const { line, col } = d.span.file.position(d.span.start);
  return `${line}:${col}: ${d.message}`;
}

/** The diagnostics `f` throws (as a ClickError) as lines; none if it succeeds. Other errors propagate. */
export function errorLines(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ClickError)) throw e;
    return e.diagnostics.map(diagnosticLine);
  }
  return [];
}
