// Compiler-quality diagnostics: `file:line:col: error: message`, the source
// line, a caret under the span, an optional hint, and related notes (for
// example the compound element definition behind an error at its use).

import { SourceSpan, spanLocation } from './source.js';

export type Severity = 'error' | 'warning' | 'note';

export interface RelatedNote {
  readonly span: SourceSpan;
  readonly message: string;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  readonly span: SourceSpan;
  readonly hint?: string;
  readonly related?: readonly RelatedNote[];
  /**
   * Click's own wording and place for this error, where they differ from ours
   * (Click reports some errors at the element's declaration): what
   * --click-diagnostics prints instead, without the related notes.
   */
  readonly click?: { readonly span: SourceSpan; readonly message: string };
}

/** Collects diagnostics so that one run reports every error of a file. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  error(span: SourceSpan, message: string, hint?: string, related?: readonly RelatedNote[], click?: Diagnostic['click']): void {
    this.items.push({ severity: 'error', message, span, hint, related, ...(click ? { click } : {}) });
  }

  warning(span: SourceSpan, message: string, hint?: string): void {
    this.items.push({ severity: 'warning', message, span, hint });
  }

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/**
 * Thrown when a stage cannot continue; carries every diagnostic gathered so
 * far. The CLI prints them and exits 1; nothing ever shows a stack trace.
 */
export class ClickError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => `${spanLocation(d.span)}: ${d.severity}: ${d.message}`).join('\n'));
    this.name = 'ClickError';
  }
}

/** Throw a ClickError if the bag holds any error. */
export function throwIfErrors(bag: DiagnosticBag): void {
  if (bag.hasErrors) throw new ClickError(bag.items);
}

function caretLine(lineText: string, col: number, width: number): string {
  // Reproduce tabs so the caret lines up under the same characters.
  let prefix = '';
  for (let i = 0; i < col - 1 && i < lineText.length; i++) prefix += lineText[i] === '\t' ? '\t' : ' ';
  return prefix + '^' + '~'.repeat(Math.max(0, width - 1));
}

function renderSpan(out: string[], span: SourceSpan): void {
  if (span.file.text.length === 0 && span.start === 0) return;
  const { line, col } = span.file.position(span.start);
  const end = span.file.position(Math.max(span.start, span.end - 1));
  const text = span.file.lineText(line);
  const width = end.line === line ? Math.max(1, end.col - col + 1) : Math.max(1, text.length - col + 1);
  // ` 12 | text` puts the bar after the number and a space on each side.
  const pad = ' '.repeat(String(line).length + 2);
  out.push(`${pad}|`);
  out.push(` ${line} | ${text}`);
  out.push(`${pad}| ${caretLine(text, col, width)}`);
}

/** Render one diagnostic as the multi-line text the CLI prints. */
export function formatDiagnostic(d: Diagnostic): string {
  const out: string[] = [`${spanLocation(d.span)}: ${d.severity}: ${d.message}`];
  renderSpan(out, d.span);
  if (d.hint) out.push(`  = hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    out.push(`${spanLocation(r.span)}: note: ${r.message}`);
    renderSpan(out, r.span);
  }
  return out.join('\n');
}

export function formatDiagnostics(ds: readonly Diagnostic[]): string {
  return ds.map(formatDiagnostic).join('\n') + '\n';
}

/** Levenshtein-based suggestion for "did you mean" hints. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return best !== undefined && bestDist <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * The message of an error about an element's configuration as clickvm words
 * it: `'NAME' :: CLASS: what is wrong`.
 */
const ELEMENT_MESSAGE = /^'([^']*)' :: ([^\s:']+): ([\s\S]*)$/;

/**
 * Diagnostics as Click's own tools print them, for programs (Click's
 * regression tests among them) that compare error text: `FILE:LINE: message`
 * with no column, source line or hint; `warning: ` before warnings; related
 * notes as plain lines at their own location; an element's configuration
 * errors under one `While configuring 'NAME :: CLASS':` line, each indented;
 * and `'NAME' :: CLASS` elsewhere written `'NAME :: CLASS'`. A configuration
 * given with -e is called `config`, as Click calls it.
 */
export function formatClickDiagnostics(ds: readonly Diagnostic[]): string {
  const where = (span: SourceSpan): string => {
    const name = span.file.name === '<expr>' ? 'config' : span.file.name;
    return `${name}:${span.file.position(span.start).line}: `;
  };
  const out: string[] = [];
  let context = '';
  for (const d of ds) {
    const prefix = d.severity === 'warning' ? 'warning: ' : '';
    // Click's wording and place where they differ from ours; then our notes are left out.
    const span = d.click?.span ?? d.span;
    const message = d.click?.message ?? d.message;
    const m = ELEMENT_MESSAGE.exec(message);
    if (m) {
      const header = `${where(span)}While configuring '${m[1]} :: ${m[2]}':`;
      if (header !== context) out.push(header);
      context = header;
      // An element may report several errors at once, one a line (a rewriter's input specs).
      for (const line of m[3]!.split('\n')) out.push(`  ${prefix}${line}`);
    } else {
      context = '';
      out.push(where(span) + prefix + message.replace(/'([^']*)' :: ([^\s:']+)/g, "'$1 :: $2'"));
    }
    if (d.click) continue;
    for (const r of d.related ?? []) {
      context = '';
      out.push(where(r.span) + r.message);
    }
  }
  return out.map((l) => l + '\n').join('');
}
