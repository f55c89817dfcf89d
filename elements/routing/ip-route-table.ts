// What Click's IPRouteTable superclass gives every routing-table element:
// route arguments, the push path (look up the destination annotation, set
// the gateway, emit on the route's port; drop with a message when there is
// no route), and the add/set/remove/ctrl/table/lookup handlers. The classes
// (LinearIPLookup, StaticIPLookup, RadixIPLookup) supply the table.

import { a, ConfigError, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { HandlerError, type HandlerDef } from '../spec.js';
import { parseClickIP, parseRoute, unparseIP, unparseRoute, type IPRoute } from '../lib/ip-route.js';
import { routerAttachment } from '../lib/router-attachments.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

export interface RouteTableConf {
  /** Routes in argument order; a later route for a prefix already given is left out (Click keeps the first). */
  readonly routes: IPRoute[];
}

export const routeTableArgs = { ROUTES: a.rest(T.raw) };

/** Parse the route arguments as IPRouteTable::configure does. */
export function configureRoutes(args: { ROUTES: string[] }, ctx: ConfigContext): RouteTableConf {
  const routes: IPRoute[] = [];
  let replaced = 0;
  args.ROUTES.forEach((text, i) => {
    const r = parseRoute(text, false);
    if (!r) throw new ConfigError(`argument ${i + 1} should be 'ADDR/MASK [GATEWAY] OUTPUT'`, i);
    if (r.port < 0 || r.port >= ctx.noutputs) throw new ConfigError(`argument ${i + 1} bad OUTPUT`, i, `${ctx.className} has ${ctx.noutputs} output${ctx.noutputs === 1 ? '' : 's'}`);
    if (routes.some((q) => q.addr === r.addr && q.mask === r.mask)) replaced++;
    else routes.push(r);
  });
  if (replaced) ctx.warn(`${replaced} ${replaced > 1 ? 'routes' : 'route'} replaced by later versions`);
  return { routes };
}

/** Result of a table change: 0, or Click's error codes. */
export type ChangeResult = 0 | 'EEXIST' | 'ENOENT' | { error: string };

export interface ChangeOutcome {
  result: ChangeResult;
  /** The route replaced or removed (or found conflicting), if any. */
  old?: IPRoute;
}

type Command = 'add' | 'set' | 'remove';

export abstract class RouteTableElement extends HostElement<RouteTableConf> {
  /** Click prints at most five "no route" lines per class and process; here per class and router. */
  protected abstract readonly noRouteLabel: string;

  constructor(init: ElementInit<RouteTableConf>) {
    super(init);
  }

  /** Build the table from the configuration (call from the subclass constructor once its fields exist). */
  protected loadRoutes(): void {
    for (const r of this.conf.routes) this.addRoute({ ...r }, false);
  }

  abstract addRoute(r: IPRoute, allowReplace: boolean): ChangeOutcome;
  abstract removeRoute(r: IPRoute): ChangeOutcome;
  /** Output port (negative: no route) and gateway (0: none) for a destination. */
  abstract lookupRoute(addr: number): { port: number; gw: number };
  abstract dumpRoutes(): string;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      const { port, gw } = this.lookupRoute(p.dstIP);
      if (port >= 0 && port < this.noutputs) {
        if (gw) p.dstIP = gw;
        out.emit(port, p);
      } else {
        const counter = routerAttachment(this.env, `${this.noRouteLabel}.noRouteMessages`, () => ({ n: 0 }));
        if (++counter.n <= 5) this.env.stderr(`${this.noRouteLabel}: no route for ${unparseIP(p.dstIP)}`);
        this.drop(p);
      }
    }
  }

  /** One add/set/remove command (Click's run_command); throws HandlerError with Click's messages. */
  runCommand(command: Command, text: string, undo?: { route: IPRoute; command: Command }[]): void {
    const r = parseRoute(text.trim(), command === 'remove');
    if (!r) throw new HandlerError(`expected 'ADDR/MASK [GATEWAY${command === 'remove' ? ' OUTPUT]' : '] OUTPUT'}'`);
    if (r.port < (command === 'remove' ? -1 : 0) || r.port >= this.noutputs) throw new HandlerError('bad OUTPUT');
    const outcome = command === 'remove' ? this.removeRoute(r) : this.addRoute(r, command === 'set');
    const res = outcome.result;
    if (res === 0) {
      if (undo) undo.push(outcome.old && outcome.old.port >= 0 ? { route: outcome.old, command } : { route: r, command: 'add' });
      return;
    }
    if (res === 'EEXIST') throw new HandlerError(`conflict with existing route '${unparseRoute(outcome.old!, false)}'`);
    if (res === 'ENOENT') throw new HandlerError(`route '${unparseRoute(r, false)}' not found`);
    throw new HandlerError(res.error);
  }

  /** The ctrl handler: commands one per line, applied atomically (rolled back on the first error). */
  runCtrl(text: string): void {
    const undo: { route: IPRoute; command: Command }[] = [];
    try {
      for (const line of stripComments(text).split('\n')) {
        const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(line);
        if (!m) continue;
        const word = m[1]!;
        if (word !== 'add' && word !== 'remove' && word !== 'set') throw new HandlerError(`bad command '${word}'`);
        this.runCommand(word, m[2]!, undo);
      }
    } catch (e) {
      for (const u of undo.reverse()) {
        if (u.command === 'remove') this.addRoute(u.route, false);
        else if (u.command === 'add') this.removeRoute(u.route);
        else this.addRoute(u.route, true);
      }
      throw e;
    }
  }

  lookupHandler(param: string): string {
    const addr = parseClickIP(param.trim());
    if (addr === undefined) throw new HandlerError('expected IP address');
    const { port, gw } = this.lookupRoute(addr);
    return gw ? `${port} ${unparseIP(gw)}` : String(port);
  }
}

// Click's cp_uncomment: drop line and block comments.
function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

/** The read-only handlers every table has (StaticIPLookup has only these). */
export const readOnlyRouteHandlers: { readonly [name: string]: HandlerDef<RouteTableElement> } = {
  table: { read: (e) => e.dumpRoutes(), doc: 'the routing table, one route per line' },
  lookup: { readParam: (e, param) => e.lookupHandler(param), doc: 'lookup ADDR: the output port and gateway for ADDR' },
};

/** IPRouteTable's handlers: table and lookup plus add, set, remove and ctrl. */
export const routeTableHandlers: { readonly [name: string]: HandlerDef<RouteTableElement> } = {
  ...readOnlyRouteHandlers,
  add: { write: (e, v) => e.runCommand('add', v), doc: 'add ADDR/MASK [GW] OUT; fails if the prefix has a route' },
  set: { write: (e, v) => e.runCommand('set', v), doc: 'set ADDR/MASK [GW] OUT, replacing any route for the prefix' },
  remove: { write: (e, v) => e.runCommand('remove', v), doc: 'remove ADDR/MASK [GW OUT]' },
  ctrl: { write: (e, v) => e.runCtrl(v), doc: 'lines of add/set/remove commands, applied atomically' },
};

/** Two routes for the same destination prefix and, unless `want.port` is negative, the same gateway and port (Click's IPRoute::match). */
export function routeMatches(want: IPRoute, have: IPRoute): boolean {
  return want.addr === have.addr && want.mask === have.mask && (want.port < 0 || (want.gw === have.gw && want.port === have.port));
}

/**
 * The native entry of a routing-table class: the routes as a constant array
 * (addr, mask, gw, port per route, in configuration order), from which the
 * C init builds the table as the host constructor does.
 */
export function routeTableNative(moduleUrl: string, file: string, prefix: string): NativeSpec<RouteTableConf> {
  return {
    source: nativeSource(moduleUrl, file),
    prefix,
    inPlace: true,
    hooks: { init: true, cleanup: true },
    init: (c, ctx) =>
      [
        `.routes = ${ctx.constArray('uint32_t', c.routes.flatMap((r) => [r.addr >>> 0, r.mask >>> 0, r.gw >>> 0, r.port >>> 0]))}`,
        `.nroutes = ${c.routes.length}, .noutputs = ${ctx.noutputs}`,
      ].join(', '),
  };
}
