/**
 * ControlSocket — lets other programs call the router's handlers over a socket.
 *
 * Synopsis:   ControlSocket(TCP, PORT [, KEYWORDS])
 *             ControlSocket(UNIX, FILENAME [, KEYWORDS])
 * Ports:      none.
 * Processing: listens on TCP port PORT or the UNIX-domain socket FILENAME and speaks
 *             Click's ControlSocket protocol 1.3 with every client that connects
 *             (host-engine/control/protocol.ts, dataplane-native/runtime/control.c):
 *             READ, READDATA, READUNTIL, WRITE, WRITEDATA, WRITEUNTIL, CHECKREAD,
 *             CHECKWRITE, LLRPC (refused: there are no LLRPCs), HELP, QUIT. Handlers are
 *             `element.handler`, `N.handler` (the Nth element, from 1) or `handler`.
 *             The listener keeps an otherwise idle router running (the run waits for
 *             clients); clients never hold up the dataplane: sockets are non-blocking,
 *             replies are buffered, and a client that leaves more than 4 MiB of replies
 *             unread is disconnected. PORT may end in `+` (Click's `41930+`): if PORT is
 *             taken, the next ports up to PORT+10 are tried. PORT 0 lets the system
 *             choose; read the `port` handler for it.
 *             Not available in the VM image, which has no sockets (its serial control
 *             channel speaks the same protocol): there the element fails to initialize.
 *             The host engine's sockets are node:net's, so there a failed bind is
 *             reported when it happens (the element warns and stops the router, as
 *             when RETRIES run out) rather than failing initialization.
 * Keywords:
 *   READONLY        refuse write handlers (530), default false
 *   VERBOSE         report connections opening and closing, default false
 *   LOCALHOST       TCP: listen on 127.0.0.1 only. Default true, where Click's default is
 *                   false: a control socket open to every network is rarely meant
 *   RETRIES         if the socket cannot be opened, try again once a second this many
 *                   times before stopping the router (default 0: fail at once)
 *   RETRY_WARNINGS  warn at every failed try (default true), else only at the last
 * Handlers:   port (r, TCP: the port listened on), filename (r, UNIX: the socket's path).
 * Hot reconfiguration (`clickvm run -R`, the `hotconfig` handler): a ControlSocket of the
 *             new configuration with the same name, type and address takes over the old
 *             one's listening socket and its open connections, which from then on call the
 *             new router's handlers (the client that wrote `hotconfig` stays connected).
 */

import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type HandlerAccess, type IoSource } from '../../host-engine/element.js';
import { ControlProtocol } from '../../host-engine/control/protocol.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { defineElement, type HandlerDef } from '../spec.js';
import { fileErrorText } from '../io/file-errors.js';

export interface ControlSocketConf {
  readonly type: 'TCP' | 'UNIX';
  readonly port: number;
  /** More ports to try after PORT when it is taken (`PORT+`). */
  readonly portTries: number;
  readonly path: string;
  readonly readOnly: boolean;
  readonly verbose: boolean;
  readonly localhost: boolean;
  readonly retries: number;
  readonly retryWarnings: boolean;
}

/** Unread replies past which a client is dropped (as control-posix.c). */
export const CONTROL_OUT_LIMIT = 4 << 20;
/** How long a connection the protocol closed waits for the client to close (as control-posix.c). */
const CONTROL_LINGER_MS = 5000;
/** Ports tried after PORT for `PORT+` (Click tries ten). */
const PORT_PLUS_TRIES = 10;
/** The longest UNIX socket path (sockaddr_un). */
const UNIX_PATH_MAX = 107;

export class ControlSocketElement extends HostElement<ControlSocketConf> {
  private server: Server | undefined;
  private io: IoSource | undefined;
  private readonly clients = new Set<Socket>();
  private connections = 0;
  private retriesLeft = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** A failed accept was reported and no client accepted since. */
  private acceptWarned = false;
  /** The element of the next configuration that took this one's socket over (hot reconfiguration). */
  private successor: ControlSocketElement | undefined;
  /** The port bound (TCP; 0 until listening). */
  port = 0;
  private resolveListening!: () => void;
  /** Settles when the socket listens (tests and tools connecting to PORT 0). */
  readonly listening: Promise<void> = new Promise((r) => (this.resolveListening = r));

  override initialize(): void {
    if (!this.env.ioSource || !this.env.handlerAccess) throw new Error('this engine cannot serve a ControlSocket');
    this.io = this.env.ioSource();
    this.retriesLeft = this.conf.retries;
    // Replacing a router whose ControlSocket holds this very socket: takeState will hand it over.
    if (this.canTake(this.env.hotswapElement?.())) return;
    this.listen(this.conf.port, 0);
  }

  private canTake(old: unknown): old is ControlSocketElement {
    if (!(old instanceof ControlSocketElement) || !old.server || old.successor) return false;
    const same = old.conf.type === this.conf.type && (this.conf.type === 'UNIX' ? old.conf.path === this.conf.path : old.conf.port === this.conf.port);
    return same;
  }

  /** The element now serving this socket: itself, or the last one that took it over. */
  private get current(): ControlSocketElement {
    let e: ControlSocketElement = this;
    while (e.successor) e = e.successor;
    return e;
  }

  /** Hot reconfiguration: take the old element's listening socket and connections (see the header). */
  override takeState(old: HostElement): void {
    if (!this.canTake(old) || this.server) return;
    this.server = old.server;
    this.port = old.port;
    this.connections = old.connections;
    for (const s of old.clients) this.clients.add(s);
    old.clients.clear();
    old.server = undefined;
    old.successor = this;
    this.resolveListening();
  }

  private listen(port: number, tries: number): void {
    const server = createServer({ allowHalfOpen: true }, (sock) => this.accept(sock));
    this.server = server;
    const bindFailed = (err: NodeJS.ErrnoException) => {
      if (this.closed) return;
      if (err.code === 'EADDRINUSE' && this.conf.type === 'TCP' && tries < this.conf.portTries && port < 65535) {
        this.listen(port + 1, tries + 1);
        return;
      }
      const msg = `bind: ${err.message.replace(/^listen /, '')}`;
      if (this.retriesLeft > 0) {
        if (this.conf.retryWarnings) this.env.chatter(`${msg} (${this.retriesLeft} ${this.retriesLeft === 1 ? 'try' : 'tries'} left)`);
        this.retriesLeft--;
        this.retryTimer = setTimeout(() => this.listen(this.conf.port, 0), 1000);
        return;
      }
      // Click: the socket cannot be opened and no retries are left: the router stops.
      this.env.chatter(msg);
      this.io!.live = false;
      this.env.requestStop();
      this.io!.wake();
    };
    server.once('error', bindFailed);
    server.once('listening', () => {
      // From now on an error is a failed accept (libuv closes what it cannot
      // accept when out of descriptors, and passes up what it cannot handle):
      // said once, and the socket goes on serving; unhandled, it would end the process.
      server.off('error', bindFailed);
      server.on('error', (err: NodeJS.ErrnoException) => this.current.acceptFailed(err));
      if (this.successor) return;
      const addr = server.address();
      if (addr && typeof addr === 'object') this.port = addr.port;
      this.resolveListening();
    });
    if (this.conf.type === 'UNIX') server.listen(this.conf.path);
    else server.listen({ port, host: this.conf.localhost ? '127.0.0.1' : undefined, exclusive: true });
  }

  /** A failed accept: said once until a client is accepted again (as control-posix.c). */
  private acceptFailed(err: NodeJS.ErrnoException): void {
    if (this.closed || this.acceptWarned) return;
    this.acceptWarned = true;
    this.env.chatter(`accept: ${fileErrorText(err)} (accepting again when descriptors free up)`);
  }

  private accept(sock: Socket): void {
    if (this.successor) return this.current.accept(sock);
    if (this.closed) {
      sock.destroy();
      return;
    }
    this.acceptWarned = false;
    const id = ++this.connections;
    this.clients.add(sock);
    sock.setNoDelay(true);
    if (this.conf.verbose) {
      this.env.chatter(this.conf.type === 'TCP' ? `opened connection ${id} from ${sock.remoteAddress}.${sock.remotePort}` : `opened connection ${id}`);
    }
    let dropped = false;
    // Handlers are looked up in whichever router serves the socket now, so a
    // connection lives through hot reconfigurations.
    const access = (): HandlerAccess => this.current.env.handlerAccess!();
    const proto = new ControlProtocol(
      {
        get elementNames() {
          return access().elementNames;
        },
        handler: (element, name) => access().handler(element, name),
      },
      (data) => {
        if (dropped || sock.destroyed) return;
        sock.write(data);
        // A client that does not read its replies is dropped, not buffered for without end.
        if (sock.writableLength > CONTROL_OUT_LIMIT) {
          dropped = true;
          sock.destroy();
        }
      },
      { readOnly: this.conf.readOnly },
    );
    // Once the protocol is done, our side is shut and the client's input is
    // read and dropped until it closes (or CONTROL_LINGER_MS passes):
    // closing with unread input would reset the connection and could
    // destroy replies still in flight.
    let done = false;
    let linger: NodeJS.Timeout | undefined;
    const finish = () => {
      done = true;
      sock.end();
      linger = setTimeout(() => sock.destroy(), CONTROL_LINGER_MS);
    };
    sock.on('data', (d: Buffer) => {
      if (done) return;
      if (!proto.input(d)) finish();
      this.current.io?.wake();   // a write may have scheduled work or asked to stop
    });
    sock.on('end', () => {
      if (!done) {
        proto.input(null);   // run what the client left, then close our side
        finish();
      }
      this.current.io?.wake();
    });
    sock.on('close', () => clearTimeout(linger));
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      const cur = this.current;
      cur.clients.delete(sock);
      if (cur.conf.verbose) cur.env.chatter(`closed connection ${id}`);
    });
  }

  override cleanup(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const s of this.clients) s.destroy();
    this.clients.clear();
    const listening = this.server?.listening ?? false;
    this.server?.close();
    this.server = undefined;
    if (listening && this.conf.type === 'UNIX') {
      try {
        unlinkSync(this.conf.path);
      } catch {
        // node removed it already
      }
    }
    this.io?.close();
    this.io = undefined;
  }
}

type E = ControlSocketElement;

const args = {
  TYPE: a.mp(T.word),
  ADDRESS: a.mp(T.string),
  READONLY: a.kw(T.bool, false),
  VERBOSE: a.kw(T.bool, false),
  LOCALHOST: a.kw(T.bool, true),
  RETRIES: a.kw(T.int, 0),
  RETRY_WARNINGS: a.kw(T.bool, true),
};

const portHandler: HandlerDef<E> = { read: (e: E) => String(e.port) };
const filenameHandler: HandlerDef<E> = { read: (e: E) => e.conf.path };

export const spec = defineElement<typeof args, ControlSocketConf, E>({
  name: 'ControlSocket',
  ports: '0/0',
  processing: 'a/a',
  args,
  configure: (v): ControlSocketConf => {
    const type = v.TYPE.toUpperCase();
    const common = { readOnly: v.READONLY, verbose: v.VERBOSE, localhost: v.LOCALHOST, retries: Math.max(0, v.RETRIES), retryWarnings: v.RETRY_WARNINGS };
    if (type === 'TCP') {
      const m = /^\s*(\d+)(\+?)\s*$/.exec(v.ADDRESS);
      const port = m ? Number(m[1]) : NaN;
      if (!m || port > 65535 || (m[2] && port === 0)) throw new ConfigError('PORT requires TCP port');
      return { type, port, portTries: m[2] ? PORT_PLUS_TRIES : 0, path: '', ...common };
    }
    if (type === 'UNIX') {
      if (!v.ADDRESS) throw new ConfigError('FILENAME requires a file name');
      if (Buffer.byteLength(v.ADDRESS) > UNIX_PATH_MAX) throw new ConfigError('filename too long');
      return { type, port: 0, portTries: 0, path: v.ADDRESS, ...common };
    }
    throw new ConfigError(`unknown socket type '${v.TYPE}'`);
  },
  host: (init) => new ControlSocketElement(init),
  instanceHandlers: (c: ControlSocketConf): { readonly [name: string]: HandlerDef<E> } => (c.type === 'TCP' ? { port: portHandler } : { filename: filenameHandler }),
  native: {
    source: nativeSource(import.meta.url, 'control-socket.c'),
    prefix: 'control_socket',
    hooks: { init: true, cleanup: true, takeState: true },
    init: (c, ctx) =>
      [
        `.unix_socket = ${+(c.type === 'UNIX')}, .port = ${c.port}, .port_tries = ${c.portTries}, .localhost = ${+c.localhost}`,
        `.path = ${ctx.cString(c.path)}, .flags = ${(c.readOnly ? 1 : 0) | (c.verbose ? 2 : 0)}u, .retries = ${c.retries}, .retry_warnings = ${+c.retryWarnings}`,
      ].join(', '),
    // `port` or `filename`, whichever this socket's type has
    instanceCode: (c, _ctx, inst) =>
      c.type === 'TCP'
        ? `static void ${inst}_read_port(struct control_socket *e, CvmStr *o) { control_socket_read_port(e, o); }`
        : `static void ${inst}_read_filename(struct control_socket *e, CvmStr *o) { cvm_str_printf(o, "%s", e->path); }`,
  },
});
