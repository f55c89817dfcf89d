/**
 * RadixIPLookup — IP routing table in a radix trie.
 *
 * Synopsis:   RadixIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 * Ports:      1 input, any number of outputs; push.
 * Processing: longest-prefix match on the destination IP annotation; the
 *             route's gateway (if any) replaces the annotation and the
 *             packet leaves on the route's output. Packets without a route
 *             are dropped; the first five per router print
 *             `IPRouteTable: no route for ADDR` (Click's text).
 * Arguments:  routes `ADDR/MASK [GATEWAY] OUTPUT` (GATEWAY may be `-`).
 * Handlers:
 *   table (read)          the routes, one per line (tab-separated columns)
 *   lookup ADDR (read)    `PORT` or `PORT GATEWAY` for ADDR (-1: no route)
 *   add ROUTE (write)     add a route; fails if the prefix already has one
 *   set ROUTE (write)     add or replace the route for a prefix
 *   remove ADDR/MASK [GW OUT] (write)  remove a route
 *   ctrl (write)          lines of add/set/remove commands, applied atomically
 *   flush (write)         remove every route
 *
 * The trie is Click's: a 256-way first level (the top 8 bits) and 16-way
 * levels below, where each node also stores the keys of shorter prefixes
 * inside it, so lookups and the `table` order (slot order with reuse of
 * freed slots) match Click's, non-contiguous masks included.
 */

import type { ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import type { IPRoute } from '../lib/ip-route.js';
import { unparseRoute } from '../lib/ip-route.js';
import {
  configureRoutes,
  RouteTableElement,
  routeMatches,
  routeTableArgs,
  routeTableNative,
  routeTableHandlers,
  type ChangeOutcome,
  type RouteTableConf,
} from './ip-route-table.js';

/** One trie node: `n` children, each with a route key (1-based, 0 = none) and maybe a subtree. */
class RadixNode {
  readonly childKey: Int32Array;
  readonly child: (RadixNode | undefined)[];
  /** Keys of prefixes shorter than this level's stride, heap-indexed 2..n-1. */
  readonly innerKey: Int32Array;

  constructor(readonly bitshift: number, readonly n: number) {
    this.childKey = new Int32Array(n);
    this.child = new Array<RadixNode | undefined>(n);
    this.innerKey = new Int32Array(n - 2);
  }

  private key(i: number): number {
    return i >= this.n ? this.childKey[i - this.n]! : this.innerKey[i - 2]!;
  }
  private setKey(i: number, v: number): void {
    if (i >= this.n) this.childKey[i - this.n] = v;
    else this.innerKey[i - 2] = v;
  }

  /** Install (or, with key 0, clear) `key` for addr/mask; returns the key the prefix had. Click's Radix::change. */
  change(addr: number, mask: number, key: number, set: boolean): number {
    let i1 = (addr >>> this.bitshift) & (this.n - 1);
    if ((mask & ((1 << this.bitshift) - 1)) !== 0) {
      // The prefix ends below this level.
      let c = this.child[i1];
      if (!c) c = this.child[i1] = new RadixNode(this.bitshift - 4, 16);
      return c.change(addr, mask, key, set);
    }
    i1 = this.n + i1;
    let nmasked = this.n - ((mask >>> this.bitshift) & (this.n - 1));
    for (let x = nmasked; x > 1; x = Math.floor(x / 2)) i1 = Math.floor(i1 / 2);
    const replaceKey = this.key(i1);
    let prevKey = replaceKey;
    if (prevKey && i1 > 3 && this.key(Math.floor(i1 / 2)) === prevKey) prevKey = 0;
    if (!key && i1 > 3) key = this.key(Math.floor(i1 / 2));
    if (prevKey !== key && (!prevKey || set)) {
      for (nmasked = 1; i1 < this.n * 2; i1 *= 2, nmasked *= 2)
        for (let x = i1; x < i1 + nmasked; ++x) if (this.key(x) === replaceKey) this.setKey(x, key);
    }
    return prevKey;
  }

  static lookup(root: RadixNode | undefined, cur: number, addr: number): number {
    let r = root;
    while (r) {
      const i1 = (addr >>> r.bitshift) & (r.n - 1);
      const k = r.childKey[i1]!;
      if (k) cur = k;
      r = r.child[i1];
    }
    return cur;
  }
}

/** A stored route; `free` chains unused slots (Click's `extra`). */
interface Stored extends IPRoute {
  free: number;
}

const KILLED = -0x80000000;

export class RadixIPLookupElement extends RouteTableElement {
  protected readonly noRouteLabel: string = 'IPRouteTable';
  private v: Stored[] = [];
  private vfree = -1;
  private defaultKey = 0;
  private radix = new RadixNode(24, 256);

  constructor(init: ElementInit<RouteTableConf>) {
    super(init);
    this.loadRoutes();
  }

  override addRoute(route: IPRoute, set: boolean): ChangeOutcome {
    const found = this.vfree < 0 ? this.v.length : this.vfree;
    let lastKey: number;
    if (route.mask) lastKey = this.radix.change(route.addr, route.mask, found + 1, set);
    else {
      lastKey = this.defaultKey;
      if (!lastKey || set) this.defaultKey = found + 1;
    }
    const old = lastKey ? copy(this.v[lastKey - 1]!) : undefined;
    if (lastKey && !set) return { result: 'EEXIST', old };
    const stored: Stored = { ...copy(route), free: -1 };
    if (found === this.v.length) this.v.push(stored);
    else {
      this.vfree = this.v[found]!.free;
      this.v[found] = stored;
    }
    if (lastKey) {
      this.v[lastKey - 1]!.free = this.vfree;
      this.vfree = lastKey - 1;
    }
    return { result: 0, old };
  }

  override removeRoute(route: IPRoute): ChangeOutcome {
    // With key 0 and set false, change only reports the current key.
    const lastKey = route.mask ? this.radix.change(route.addr, route.mask, 0, false) : this.defaultKey;
    const old = lastKey ? copy(this.v[lastKey - 1]!) : undefined;
    if (!lastKey || !routeMatches(route, this.v[lastKey - 1]!)) return { result: 'ENOENT', old };
    this.v[lastKey - 1]!.free = this.vfree;
    this.vfree = lastKey - 1;
    if (route.mask) this.radix.change(route.addr, route.mask, 0, true);
    else this.defaultKey = 0;
    return { result: 0, old };
  }

  override lookupRoute(addr: number): { port: number; gw: number } {
    const key = RadixNode.lookup(this.radix, this.defaultKey, addr >>> 0);
    if (!key) return { port: -1, gw: 0 };
    const r = this.v[key - 1]!;
    return { port: r.port, gw: r.gw };
  }

  override dumpRoutes(): string {
    // Freed slots are marked dead first, as Click's dump does.
    for (let j = this.vfree; j >= 0; j = this.v[j]!.free) {
      const s = this.v[j]!;
      s.addr = 0;
      s.mask = 0xffffffff;
      s.port = KILLED;
    }
    return this.v.filter((s) => s.port > KILLED).map((s) => unparseRoute(s, true) + '\n').join('');
  }

  flush(): void {
    this.v = [];
    this.radix = new RadixNode(24, 256);
    this.vfree = -1;
    this.defaultKey = 0;
  }
}

function copy(r: IPRoute): IPRoute {
  return { addr: r.addr, mask: r.mask, gw: r.gw, port: r.port };
}

export const spec = anySpec(defineElement({
  name: 'RadixIPLookup',
  ports: '1/-',
  processing: 'h/h',
  args: routeTableArgs,
  configure: configureRoutes,
  handlers: {
    ...routeTableHandlers,
    flush: { write: (e: RadixIPLookupElement) => e.flush(), doc: 'remove every route' },
  },
  host: (init) => new RadixIPLookupElement(init),
  native: routeTableNative(import.meta.url, 'radix-ip-lookup.c', 'radix_ip_lookup'),
}));
