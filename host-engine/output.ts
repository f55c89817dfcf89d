// Where a router's text goes: standard error for Print lines and chatter,
// standard output for handler values, as in Click. Lines are buffered and
// written synchronously in order (a run is synchronous, and the process may
// exit right after it).

import { writeSync } from 'node:fs';

export type LineWriter = (line: string) => void;

export class FdLineSink {
  private buf: string[] = [];
  private size = 0;

  constructor(
    private readonly fd: number,
    private readonly limit = 64 * 1024,
  ) {}

  readonly write: LineWriter = (line) => {
    this.buf.push(line, '\n');
    this.size += line.length + 1;
    if (this.size >= this.limit) this.flush();
  };

  /** Raw text (no newline added), e.g. handler values that carry their own. */
  writeRaw(text: string): void {
    this.buf.push(text);
    this.size += text.length;
    if (this.size >= this.limit) this.flush();
  }

  flush(): void {
    if (this.buf.length === 0) return;
    const text = this.buf.join('');
    this.buf = [];
    this.size = 0;
    writeAllSync(this.fd, text);
  }
}

/** Write a whole string to a file descriptor, retrying short writes and EAGAIN on non-blocking pipes. */
export function writeAllSync(fd: number, text: string): void {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      const n = writeSync(fd, bytes);
      bytes = bytes.subarray(n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}
