// A ControlSocket client: talks Click's ControlSocket protocol 1.3 to
// either engine's ControlSocket (TCP or UNIX) or to any byte stream that
// speaks it, such as a VM's serial control channel.
//
// A serial channel may be opened before the guest boots, so the client is
// tolerant of what comes before the banner: by default it sends nothing
// until it sees `Click::ControlSocket/1.x` (skipping other lines, such as
// boot messages), failing after a timeout; with waitBanner false it sends at
// once and skips a banner that arrives later. Requests may be pipelined;
// replies are matched to them in order.

import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';

export type ControlEndpoint = { readonly host?: string; readonly port: number } | { readonly path: string } | { readonly stream: Duplex };

export interface ControlConnectOptions {
  /** Wait for the server's banner before sending anything (default true). */
  readonly waitBanner?: boolean;
  /** How long to wait for the connection and the banner (ms, default 10000). */
  readonly timeoutMs?: number;
  /**
   * How long one request may wait for its reply (ms; default: forever). When
   * it runs out the connection is closed, since a late reply would be taken
   * for the next request's.
   */
  readonly replyTimeoutMs?: number;
  /**
   * A channel without connections (a VM's serial line): one protocol session
   * serves every client in turn. The client then says no QUIT when it closes
   * (that would end the session under the next client) and, before its first
   * request, skips whatever an earlier client left unread (see `resync`).
   */
  readonly sharedSession?: boolean;
}

/** One reply: the last line's code, every message line's text, and the data of a successful read. */
export interface ControlReply {
  readonly code: number;
  readonly lines: readonly string[];
  readonly data?: Buffer;
}

/** A reply with a failure code (5xx), or a connection that ended before its reply. */
export class ControlError extends Error {
  override name = 'ControlError';
  constructor(
    /** Click's reply code (0: no reply, the connection failed). */
    readonly code: number,
    readonly lines: readonly string[],
  ) {
    super(code ? `${code} ${lines.join('\n')}` : lines.join('\n'));
  }
}

interface Pending {
  readonly expectsData: boolean;
  resolve(r: ControlReply): void;
  reject(e: Error): void;
}

const BANNER = /^Click::ControlSocket\/(\d+)\.(\d+)/;
const REPLY_LINE = /^(\d{3})([ -])(.*)$/;

export class ControlClient {
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private lines: string[] = [];
  private code = 0;
  /** Set once the reply header is complete and DATA is expected. */
  private dataLeft: number | undefined;
  private awaitingDataLine = false;
  private ended: Error | undefined;
  private bannerSeen = false;
  private onBanner: (() => void) | undefined;
  /** While resynchronising: every line is skipped up to the one that names this token. */
  private syncToken: string | undefined;
  private onSynced: (() => void) | undefined;
  /** The protocol version the banner announced (undefined until seen). */
  version: string | undefined;

  private constructor(
    private readonly stream: Duplex,
    private readonly replyTimeoutMs?: number,
    private readonly sharedSession = false,
  ) {
    stream.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.parse();
    });
    const fail = (e: Error) => {
      if (this.ended) return;
      this.ended = e;
      for (const p of this.pending.splice(0)) p.reject(e);
    };
    stream.on('error', (e) => fail(new ControlError(0, [`connection failed: ${e.message}`])));
    stream.on('close', () => fail(new ControlError(0, ['connection closed'])));
    stream.on('end', () => fail(new ControlError(0, ['connection closed'])));
  }

  /**
   * Connect to a router that is still starting: retry every `delayMs` while
   * nothing listens yet, up to `tries` times, then fail with the last error.
   */
  static async connectWhenUp(ep: ControlEndpoint, opts: ControlConnectOptions = {}, tries = 100, delayMs = 50): Promise<ControlClient> {
    for (let k = 0; ; k++) {
      try {
        return await ControlClient.connect(ep, opts);
      } catch (e) {
        if (k + 1 >= tries) throw e;
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }

  /** Connect to a TCP `host:port` (default host 127.0.0.1), a UNIX socket path, or an open stream. */
  static async connect(ep: ControlEndpoint, opts: ControlConnectOptions = {}): Promise<ControlClient> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    let stream: Duplex;
    if ('stream' in ep) stream = ep.stream;
    else {
      const sock = 'path' in ep ? netConnect(ep.path) : netConnect({ host: ep.host ?? '127.0.0.1', port: ep.port });
      sock.setNoDelay?.(true);
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          sock.once('connect', resolve);
          sock.once('error', reject);
        }),
        timeoutMs,
        () => sock.destroy(),
        'connecting',
      ).catch((e: Error) => {
        throw new ControlError(0, [`cannot connect: ${e.message}`]);
      });
      stream = sock;
    }
    const client = new ControlClient(stream, opts.replyTimeoutMs, opts.sharedSession);
    if (opts.sharedSession) {
      await withTimeout(client.resync(), timeoutMs, () => stream.destroy(), 'resynchronising with the server');
    } else if (opts.waitBanner !== false) {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          if (client.bannerSeen) return resolve();
          if (client.ended) return reject(client.ended);
          client.onBanner = resolve;
          stream.once('close', () => reject(new ControlError(0, ['connection closed before the banner'])));
        }),
        timeoutMs,
        () => stream.destroy(),
        'waiting for the ControlSocket banner',
      );
    }
    return client;
  }

  private parse(): void {
    for (;;) {
      if (this.dataLeft !== undefined) {
        if (this.buf.length < this.dataLeft) return;
        const data = Buffer.from(this.buf.subarray(0, this.dataLeft));
        this.buf = this.buf.subarray(this.dataLeft);
        this.dataLeft = undefined;
        this.finish({ code: this.code, lines: this.lines, data });
        continue;
      }
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const line = this.buf.toString('latin1', 0, nl).replace(/\r$/, '');
      this.buf = this.buf.subarray(nl + 1);
      if (this.syncToken !== undefined) {
        const b = BANNER.exec(line);
        if (b) this.version = `${b[1]}.${b[2]}`;
        if (line.includes(this.syncToken)) {
          this.syncToken = undefined;
          this.bannerSeen = true;
          this.onSynced?.();
        }
        continue;
      }
      if (this.awaitingDataLine) {
        const m = /^DATA (\d+)$/.exec(line);
        if (!m) {
          this.protocolError(`expected DATA, got '${line}'`);
          return;
        }
        this.awaitingDataLine = false;
        this.dataLeft = Number(m[1]);
        continue;
      }
      const b = BANNER.exec(line);
      if (b && this.lines.length === 0) {
        // the banner, maybe late (waitBanner false): not a reply
        this.version = `${b[1]}.${b[2]}`;
        if (!this.bannerSeen) {
          this.bannerSeen = true;
          this.onBanner?.();
        }
        continue;
      }
      const m = REPLY_LINE.exec(line);
      if (!m || (!this.bannerSeen && this.pending.length === 0)) continue;   // noise before the banner (a booting guest's console)
      this.lines.push(m[3]!);
      if (m[2] === '-') continue;
      this.code = Number(m[1]);
      const p = this.pending[0];
      if (p?.expectsData && this.code >= 200 && this.code < 300) {
        this.awaitingDataLine = true;
        continue;
      }
      this.finish({ code: this.code, lines: this.lines });
    }
  }

  private finish(r: ControlReply): void {
    this.lines = [];
    const p = this.pending.shift();
    if (!p) return;   // a reply nobody asked for
    if (r.code >= 200 && r.code < 300) p.resolve(r);
    else p.reject(new ControlError(r.code, r.lines));
  }

  private protocolError(what: string): void {
    const e = new ControlError(0, [`protocol error: ${what}`]);
    this.ended = e;
    for (const p of this.pending.splice(0)) p.reject(e);
    this.stream.destroy();
  }

  /**
   * Bring a shared session to a known point: an empty line ends whatever
   * partial command an earlier client left, and a READ of a handler named by
   * a fresh token fails with a message that names it; every line before that
   * one (late replies meant for an earlier client, a banner) is skipped.
   */
  private resync(): Promise<void> {
    const token = `clickvm-sync-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    this.syncToken = token;
    return new Promise<void>((resolve, reject) => {
      this.onSynced = resolve;
      this.stream.once('close', () => reject(new ControlError(0, ['connection closed while resynchronising'])));
      this.stream.write(Buffer.from(`\r\nREAD ${token}\r\n`, 'latin1'));
    });
  }

  /** Send one command (and its data bytes); resolves with a 2xx reply, rejects with ControlError otherwise. */
  request(line: string, data?: Uint8Array, expectsData = false): Promise<ControlReply> {
    if (this.ended) return Promise.reject(this.ended);
    const reply = new Promise<ControlReply>((resolve, reject) => {
      this.pending.push({ expectsData, resolve, reject });
      this.stream.write(Buffer.from(`${line}\r\n`, 'latin1'));
      if (data && data.length) this.stream.write(data);
    });
    if (this.replyTimeoutMs === undefined) return reply;
    const verb = line.split(' ', 1)[0];
    return withTimeout(reply, this.replyTimeoutMs, () => this.protocolError(`no reply to ${verb}`), `waiting for the reply to ${verb}`);
  }

  /** Read handler `handler` (with an optional parameter, sent as READDATA so any bytes may be in it). */
  async read(handler: string, param?: string): Promise<string> {
    return (await this.readBytes(handler, param)).toString('latin1');
  }

  async readBytes(handler: string, param?: string): Promise<Buffer> {
    checkName(handler);
    const r =
      param === undefined
        ? await this.request(`READ ${handler}`, undefined, true)
        : await this.request(`READDATA ${handler} ${Buffer.byteLength(param, 'latin1')}`, Buffer.from(param, 'latin1'), true);
    return r.data ?? Buffer.alloc(0);
  }

  /** Write `value` to `handler` (as WRITEDATA: exact bytes, newlines allowed). */
  async write(handler: string, value = ''): Promise<void> {
    checkName(handler);
    await this.request(`WRITEDATA ${handler} ${Buffer.byteLength(value, 'latin1')}`, Buffer.from(value, 'latin1'));
  }

  /** Whether the handler exists and is readable (false for 511/530; other failures throw). */
  checkRead(handler: string): Promise<boolean> {
    return this.check(handler, false);
  }

  checkWrite(handler: string): Promise<boolean> {
    return this.check(handler, true);
  }

  private async check(handler: string, write: boolean): Promise<boolean> {
    checkName(handler);
    try {
      await this.request(`${write ? 'CHECKWRITE' : 'CHECKREAD'} ${handler}`);
      return true;
    } catch (e) {
      if (e instanceof ControlError && (e.code === 511 || e.code === 530)) return false;
      throw e;
    }
  }

  /** The router's element names (the global `list` handler). */
  async list(): Promise<string[]> {
    const text = await this.read('list');
    const [count, ...names] = text.split('\n');
    return names.slice(0, Number(count));
  }

  /**
   * Say QUIT and wait (up to 2 s) for the server to close. Requests still
   * waiting for replies fail: QUIT is not sent then, since the server may
   * still be reading one of their data bytes.
   */
  async close(): Promise<void> {
    if (!this.ended) {
      const closed = new Promise<void>((r) => this.stream.once('close', () => r()));
      if (this.pending.length) {
        const e = new ControlError(0, ['connection closed by the client']);
        this.ended = e;
        for (const p of this.pending.splice(0)) p.reject(e);
      } else if (!this.sharedSession) {
        this.request('QUIT').catch(() => undefined);
      }
      this.stream.end();
      await withTimeout(closed, 2000, () => this.stream.destroy(), 'closing').catch(() => undefined);
    }
    this.stream.destroy();
  }
}

/** Handler names are one word: a space would be taken as a parameter, a newline as another command. */
function checkName(h: string): void {
  if (!h || /\s/.test(h)) throw new ControlError(500, [`bad handler name '${h}'`]);
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => void, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      onTimeout();
      reject(new ControlError(0, [`timed out ${what} (${ms} ms)`]));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
