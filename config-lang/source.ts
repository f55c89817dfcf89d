// Source text and positions. Every AST node, graph element and diagnostic
// carries a SourceSpan so that errors can point at the exact characters.

export class SourceFile {
  /** Offsets at which each line starts; lineStarts[0] is 0. */
  private readonly lineStarts: number[];

  constructor(readonly name: string, readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.lineStarts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  span(start: number, end: number): SourceSpan {
    return { file: this, start, end: Math.max(start, end) };
  }
}

/** A half-open character range [start, end) in a source file. */
export interface SourceSpan {
  readonly file: SourceFile;
  readonly start: number;
  readonly end: number;
}

export function spanText(span: SourceSpan): string {
  return span.file.text.slice(span.start, span.end);
}

/** `file:line:col` of the start of a span. */
export function spanLocation(span: SourceSpan): string {
  const { line, col } = span.file.position(span.start);
  return `${span.file.name}:${line}:${col}`;
}

/** The smallest span covering both spans (which must share a file). */
export function joinSpans(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** A span for text that did not come from a file (defaults, generated names). */
export function syntheticSpan(description: string): SourceSpan {
  return { file: new SourceFile(description, ''), start: 0, end: 0 };
}
