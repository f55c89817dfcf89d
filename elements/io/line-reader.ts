// Reading a text file line by line in chunks, keeping the byte position and
// line number (for FromIPSummaryDump's filepos handler and messages).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK = 1 << 16;

export class LineReader {
  private fd: number;
  private buf = '';
  private filePos = 0;
  /** Bytes handed out as lines so far. */
  position = 0;
  lineNumber = 0;
  readonly size: number | undefined;
  private eof = false;

  constructor(fd: number, private readonly ownsFd: boolean) {
    this.fd = fd;
    let size: number | undefined;
    try {
      const st = fstatSync(fd);
      size = st.isFile() ? st.size : undefined;
    } catch {
      size = undefined;
    }
    this.size = size;
  }

  static open(path: string): LineReader {
    return new LineReader(openSync(path, 'r'), true);
  }

  /** A reader over text already in memory (DATA argument, standard input). */
  static fromText(text: string): LineReader {
    const r = new LineReader(-1, false);
    r.buf = text;
    r.eof = true;
    return r;
  }

  private fill(): boolean {
    if (this.eof || this.fd < 0) return false;
    const chunk = Buffer.alloc(CHUNK);
    const got = readSync(this.fd, chunk, 0, CHUNK, this.filePos);
    if (got <= 0) {
      this.eof = true;
      return false;
    }
    this.filePos += got;
    this.buf += chunk.toString('latin1', 0, got);
    return true;
  }

  /** The next line without its line ending, or undefined at the end. */
  next(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.position += nl + 1;
        this.lineNumber++;
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      if (!this.fill()) {
        if (!this.buf) return undefined;
        const line = this.buf;
        this.position += line.length;
        this.buf = '';
        this.lineNumber++;
        return line;
      }
    }
  }

  /** The next line, left in place. */
  peek(): string | undefined {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl);
        return line.endsWith('\r') ? line.slice(0, -1) : line;
      }
      if (!this.fill()) return this.buf || undefined;
    }
  }

  close(): void {
    if (this.ownsFd && this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
