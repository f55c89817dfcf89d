// Click's ControlSocket protocol, version 1.3, over a byte stream: the host
// engine's twin of dataplane-native/runtime/control.c (same commands, reply
// codes and texts, so one conversation script checks both). Bytes in through
// input(), replies out through the write callback; the transport (the
// ControlSocket element over node:net) owns the socket.
//
// Handler values are text with one character per byte (latin1), as the
// engines' handlers see them everywhere else.

import type { HandlerAccess } from '../element.js';
import type { HandlerEntry } from '../handlers.js';

export const CONTROL_BANNER = 'Click::ControlSocket/1.3\r\n';

/** Click's reply codes. */
export const CS = {
  OK: 200,
  OK_WARNINGS: 220,
  SYNTAX: 500,
  UNIMPLEMENTED: 501,
  NO_ELEMENT: 510,
  NO_HANDLER: 511,
  HANDLER_ERROR: 520,
  DATA_TOO_BIG: 521,
  PERMISSION: 530,
  NO_ROUTER: 540,
} as const;

/** The most data one command may carry (as CVM_CONTROL_MAX_DATA). */
export const CONTROL_MAX_DATA = 1 << 20;

export interface ControlOptions {
  /** Refuse write handlers (530). */
  readonly readOnly?: boolean;
}

type Run = 'done' | 'more' | 'close';

interface Target {
  readonly entry: HandlerEntry;
  readonly full: string;
}

/** One client connection's protocol state. */
export class ControlProtocol {
  private buf: Buffer = Buffer.alloc(0);
  private skip = 0;
  private scan = 0;
  private eof = false;
  private crTail = false;
  private closed = false;
  private reply: string[] = [];

  constructor(
    private readonly handlers: HandlerAccess | undefined,
    private readonly write: (data: Buffer) => void,
    private readonly opts: ControlOptions = {},
  ) {
    write(Buffer.from(CONTROL_BANNER, 'latin1'));
  }

  /** Feed received bytes (null: the client closed its side). Returns false once the connection is to close. */
  input(data: Uint8Array | null): boolean {
    if (this.closed) return false;
    if (data === null) this.eof = true;
    else if (data.length) this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : Buffer.from(data);
    this.process();
    return !this.closed;
  }

  private process(): void {
    let pos = 0;
    while (!this.closed) {
      if (this.skip) {
        const k = Math.min(this.skip, this.buf.length - pos);
        pos += k;
        this.skip -= k;
        if (this.skip) break;
        continue;
      }
      if (pos === this.buf.length) break;
      let end = pos;
      while (end < this.buf.length && this.buf[end] !== 13 && this.buf[end] !== 10) end++;
      let body: number;
      this.crTail = end === this.buf.length - 1 && this.buf[end] === 13;
      if (end < this.buf.length) body = end + (this.buf[end] === 13 && this.buf[end + 1] === 10 ? 2 : 1);
      else if (this.eof) body = end;
      else {
        if (this.buf.length - pos > CONTROL_MAX_DATA) {
          this.message(CS.SYNTAX, `Line too long (limit ${CONTROL_MAX_DATA} bytes)`);
          this.closed = true;
        }
        break;
      }
      const r = this.runCommand(this.buf.toString('latin1', pos, end), body);
      if (r.run === 'more') {
        if (this.eof) {
          this.message(CS.SYNTAX, 'Not enough data');
          this.closed = true;
        } else if (this.buf.length - body > CONTROL_MAX_DATA) {
          this.message(CS.DATA_TOO_BIG, `Data too large (limit ${CONTROL_MAX_DATA} bytes)`);
          this.closed = true;
        }
        break;
      }
      pos = r.next ?? body;
      this.scan = 0;
      this.flush();
      if (r.run === 'close') this.closed = true;
    }
    this.flush();
    if (pos) {
      this.scan = Math.max(0, this.scan - pos);
      this.buf = this.buf.subarray(pos);
    }
    if (this.eof) this.closed = true;
  }

  private flush(): void {
    if (this.reply.length) this.write(Buffer.from(this.reply.join(''), 'latin1'));
    this.reply = [];
  }

  /** A message line; bytes that would break the framing are shown as Click's printable() does. */
  private message(code: number, text: string, more = false): void {
    let t = '';
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      if (c >= 32 && c < 127) t += ch;
      else if (c < 32) t += `^${String.fromCharCode(c + 64)}`;
      else t += `\\${(c & 0xff).toString(8).padStart(3, '0')}`;
    }
    this.reply.push(`${code}${more ? '-' : ' '}${t}\r\n`);
  }

  private errorLines(code: number, summary: string, msg: string): void {
    const m = msg.replace(/\n+$/, '');
    if (!m) return this.message(code, summary);
    this.message(code, `${summary}:`, true);
    const lines = m.split('\n');
    lines.forEach((l, i) => this.message(code, l, i < lines.length - 1));
  }

  private parseHandler(name: string): Target | undefined {
    const h = this.handlers;
    if (!h) {
      this.message(CS.NO_ROUTER, 'No router installed');
      return undefined;
    }
    const dot = name.indexOf('.');
    let element: number | undefined;
    // `h`, `.h` and `0.h` are global handlers
    if (dot > 0 && !(dot === 1 && name[0] === '0')) {
      const ename = name.slice(0, dot);
      let e: number | undefined = h.elementNames.indexOf(ename);
      if (e < 0) {
        // Click: an element may be named by its index, from 1
        const v = /^\d+$/.test(ename) ? Number(ename) : 0;
        e = v > 0 && v <= h.elementNames.length ? v - 1 : undefined;
      }
      if (e === undefined) {
        this.message(CS.NO_ELEMENT, `No element named '${ename}'`);
        return undefined;
      }
      element = e;
    }
    const hname = dot >= 0 ? name.slice(dot + 1) : name;
    const entry = h.handler(element, hname);
    if (!entry || (!entry.read && !entry.readParam && !entry.write)) {
      this.message(CS.NO_HANDLER, `No handler named '${name}'`);
      return undefined;
    }
    // messages name the handler as the client wrote it
    return { entry, full: name };
  }

  private readCommand(name: string, param: string | undefined): void {
    const t = this.parseHandler(name);
    if (!t) return;
    const e = t.entry;
    if (!e.read && !e.readParam) return this.message(CS.PERMISSION, `Handler '${name}' write-only`);
    let value: string;
    try {
      if (param !== undefined) {
        // the engines' message for a handler without parameters (host-engine/handlers.ts)
        if (!e.readParam) throw new Error(`read handler '${this.fullName(name)}' does not take parameters`);
        value = e.readParam(param);
      } else value = e.read ? e.read() : e.readParam!('');
    } catch (err) {
      return this.errorLines(CS.HANDLER_ERROR, `Read handler '${name}' error`, err instanceof Error ? err.message : String(err));
    }
    this.message(CS.OK, `Read handler '${name}' OK`);
    this.reply.push(`DATA ${Buffer.byteLength(value, 'latin1')}\r\n${value}`);
  }

  /** The engines' full name in their messages: `e.h` with the element's own name, `h` for globals. */
  private fullName(name: string): string {
    const dot = name.indexOf('.');
    if (dot <= 0 || (dot === 1 && name[0] === '0')) return dot >= 0 ? name.slice(dot + 1) : name;
    const ename = name.slice(0, dot);
    const names = this.handlers?.elementNames ?? [];
    const real = names.includes(ename) ? ename : (names[Number(ename) - 1] ?? ename);
    return `${real}.${name.slice(dot + 1)}`;
  }

  private writeCommand(name: string, value: string): void {
    const t = this.parseHandler(name);
    if (!t) return;
    if (!t.entry.write) return this.message(CS.PERMISSION, `Handler '${name}' read-only`);
    if (this.opts.readOnly) return this.message(CS.PERMISSION, `Permission denied for '${name}'`);
    try {
      t.entry.write(value);
    } catch (err) {
      return this.errorLines(CS.HANDLER_ERROR, `Write handler '${name}' error`, err instanceof Error ? err.message : String(err));
    }
    this.message(CS.OK, `Write handler '${name}' OK`);
  }

  private checkCommand(name: string, write: boolean): void {
    const t = this.parseHandler(name);
    if (!t) return;
    const ok = write ? !!t.entry.write : !!(t.entry.read || t.entry.readParam);
    if (ok && write && this.opts.readOnly) return this.message(CS.PERMISSION, `Permission denied for '${name}'`);
    if (ok) return this.message(CS.OK, `${write ? 'Write' : 'Read'} handler '${name}' OK`);
    this.message(CS.NO_HANDLER, `Handler '${name}' not ${write ? 'writable' : 'readable'}`);
  }

  /** LLRPCs are binary calls into C++ elements; there are none here, so a well-formed one is refused as Click refuses one it cannot marshal. */
  private llrpcCommand(name: string): void {
    const hash = name.indexOf('#');
    if (hash < 0 || !/^[0-9A-Fa-f]{1,8}$/.test(name.slice(hash + 1))) return this.message(CS.SYNTAX, `Syntax error in LLRPC name '${name}'`);
    if (!this.parseHandler(`${name.slice(0, hash)}.name`)) return;
    this.message(CS.UNIMPLEMENTED, `Cannot call LLRPC '${name}' remotely`);
  }

  /** n bytes after the command line, once all are here; refused (and skipped) above the limit. */
  private takeCounted(body: number, n: number, what: string, handler: string): { run: Run; data?: string; next?: number } {
    // a line ended by a CR that ends the input: its LF may still come and is no data byte
    if (n && this.crTail && body === this.buf.length && !this.eof) return { run: 'more' };
    if (n > CONTROL_MAX_DATA) {
      this.skip = n;
      this.message(CS.DATA_TOO_BIG, `Data too large for ${what} '${handler}' (${n} bytes, limit ${CONTROL_MAX_DATA})`);
      return { run: 'done' };
    }
    if (this.buf.length - body < n) return { run: 'more' };
    return { run: 'done', data: this.buf.toString('latin1', body, body + n), next: body + n };
  }

  /** Lines after the command up to the terminator line (trailing blanks ignored). */
  private takeUntil(body: number, term: string): { run: Run; data?: string; next?: number } {
    const b = this.buf;
    let s = Math.max(this.scan, body);
    for (;;) {
      const lb = s;
      let le = s;
      while (s < b.length && b[s] !== 10 && b[s] !== 13) {
        if (!isSpace(b[s]!)) le = s + 1;
        s++;
      }
      if (s === b.length) {
        this.scan = lb;
        return { run: 'more' };
      }
      if (b[s] === 13 && s + 1 < b.length && b[s + 1] === 10) s += 2;
      else if (b[s] === 13 && s + 1 === b.length && !this.eof) {
        this.scan = lb;
        return { run: 'more' };
      } else s++;
      if (b.toString('latin1', lb, le) === term) return { run: 'done', data: b.toString('latin1', body, lb), next: s };
    }
  }

  private runCommand(line: string, body: number): { run: Run; next?: number } {
    // C's isspace in the C locale, as control.c splits (JavaScript's \s would also take U+00A0)
    const trimmed = line.replace(/[ \t\n\v\f\r]+$/, '');
    const words: { text: string; at: number }[] = [];
    for (const m of trimmed.matchAll(/[^ \t\n\v\f\r]+/g)) words.push({ text: m[0], at: m.index });
    if (!words.length) return { run: 'done' };
    // ASCII letters only, as C's toupper does (the text is bytes; toUpperCase would change Latin-1 letters too)
    const cmd = words[0]!.text.replace(/[a-z]+/g, (w) => w.toUpperCase());
    const rest2 = words.length > 2 ? trimmed.slice(words[2]!.at) : undefined;
    const h = words[1]?.text ?? '';
    const done = { run: 'done' as const };
    switch (cmd) {
      case 'READ':
      case 'GET':
      case 'WRITE':
      case 'SET':
        if (words.length < 2) return this.message(CS.SYNTAX, 'Wrong number of arguments'), done;
        if (cmd === 'READ' || cmd === 'GET') this.readCommand(h, rest2);
        else this.writeCommand(h, rest2 ?? '');
        return done;
      case 'READDATA':
      case 'WRITEDATA':
      case 'SETDATA': {
        if (words.length !== 3) return this.message(CS.SYNTAX, 'Wrong number of arguments'), done;
        const count = words[2]!.text;
        if (!/^\d{1,12}$/.test(count)) return this.message(CS.SYNTAX, `Syntax error in '${words[0]!.text}'`), done;
        const reading = cmd === 'READDATA';
        const r = this.takeCounted(body, Number(count), reading ? 'read handler' : 'write handler', h);
        if (r.run !== 'done' || r.data === undefined) return r;
        if (reading) this.readCommand(h, r.data.length ? r.data : undefined);
        else this.writeCommand(h, r.data);
        return r;
      }
      case 'READUNTIL':
      case 'WRITEUNTIL': {
        if (words.length < 2) return this.message(CS.SYNTAX, 'Wrong number of arguments'), done;
        const r = this.takeUntil(body, rest2 ?? '');
        if (r.run !== 'done') return r;
        if (cmd === 'READUNTIL') this.readCommand(h, r.data!.length ? r.data : undefined);
        else this.writeCommand(h, r.data!);
        return r;
      }
      case 'CHECKREAD':
      case 'CHECKWRITE':
        if (words.length !== 2) return this.message(CS.SYNTAX, 'Wrong number of arguments'), done;
        this.checkCommand(h, cmd === 'CHECKWRITE');
        return done;
      case 'LLRPC': {
        if (words.length !== 2 && words.length !== 3) return this.message(CS.SYNTAX, 'Wrong number of arguments'), done;
        const count = words[2]?.text ?? '0';
        if (!/^\d{1,12}$/.test(count)) return this.message(CS.SYNTAX, "Syntax error in 'LLRPC'"), done;
        const r = this.takeCounted(body, Number(count), 'LLRPC', h);
        if (r.run !== 'done' || r.data === undefined) return r;
        this.llrpcCommand(h);
        return r;
      }
      case 'QUIT':
      case 'CLOSE':
        if (words.length !== 1) this.message(CS.SYNTAX, 'Bad command syntax');
        this.message(CS.OK, 'Goodbye!');
        return { run: 'close' };
      case 'HELP': {
        const lines = [
          'Commands:',
          'READ handler [param...]   read a handler, reply DATA n and its value',
          'READDATA handler n        read a handler with the n bytes that follow as parameter',
          'READUNTIL handler [term]  read a handler with the lines up to term as parameter',
          'WRITE handler [value...]  write a handler',
          'WRITEDATA handler n       write the n bytes that follow to a handler',
          'WRITEUNTIL handler [term] write the lines up to term to a handler',
          'CHECKREAD handler         is the handler readable?',
          'CHECKWRITE handler        is the handler writable?',
          'QUIT                      close the connection',
        ];
        lines.forEach((l, i) => this.message(CS.OK, l, i < lines.length - 1));
        return done;
      }
      default: {
        const shown = cmd.length > 31 ? `${cmd.slice(0, 31)}...` : cmd;
        this.message(CS.UNIMPLEMENTED, `Command '${shown}' unimplemented`);
        return done;
      }
    }
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
