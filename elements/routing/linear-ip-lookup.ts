/**
 * LinearIPLookup — IP routing table searched linearly.
 *
 * Synopsis:   LinearIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 * Ports:      1 input, any number of outputs; push.
 * Processing: looks up the destination IP annotation by longest-prefix
 *             match, sets the annotation to the route's gateway if it has
 *             one, and emits the packet on the route's output. Packets
 *             without a route are dropped; the first five per router print
 *             `LinearIPLookup: no route for ADDR`.
 * Arguments:  routes `ADDR/MASK [GATEWAY] OUTPUT` (GATEWAY may be `-`; a
 *             bare ADDR means /32; the address is masked). A second route
 *             for the same prefix is ignored with a warning, as in Click.
 * Handlers:
 *   table (read)          routes, one per line: prefix, gateway, port, tab-separated
 *   lookup ADDR (read)    `PORT` or `PORT GATEWAY` for ADDR (-1: no route)
 *   add ROUTE (write)     add a route; fails if the prefix already has one
 *   set ROUTE (write)     add or replace the route for a prefix
 *   remove ADDR/MASK [GW OUT] (write)  remove a route
 *   ctrl (write)          lines of add/set/remove commands, applied atomically
 *
 * The table keeps Click's slot order (removed routes leave holes that later
 * routes reuse), so `table` lists routes as Click does.
 */

import type { ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { unparseRoute, type IPRoute } from '../lib/ip-route.js';
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

/** Click's marker for an empty slot's port (IPRoute::kill). */
const KILLED = -0x80000000;

interface Slot extends IPRoute {
  /** Index of the next slot that may hold a more specific route (Click's `extra`). */
  next: number;
}

function contains(r: IPRoute, addr: number): boolean {
  return ((addr ^ r.addr) & r.mask) === 0;
}
function containsRoute(r: IPRoute, s: IPRoute): boolean {
  return contains(r, s.addr) && ((s.mask & r.mask) >>> 0) === r.mask;
}
function real(r: IPRoute): boolean {
  return r.port > KILLED;
}

export class LinearIPLookupElement extends RouteTableElement {
  protected readonly noRouteLabel: string = 'LinearIPLookup';
  protected readonly slots: Slot[] = [];
  private zeroRoute = -1;

  constructor(init: ElementInit<RouteTableConf>) {
    super(init);
    this.loadRoutes();
  }

  override addRoute(r: IPRoute, allowReplace: boolean): ChangeOutcome {
    const t = this.slots;
    let found = t.length;
    for (let i = 0; i < t.length; i++) {
      const s = t[i]!;
      if (!real(s)) {
        if (found === t.length) found = i;
      } else if (s.addr === r.addr && s.mask === r.mask) {
        const old = { addr: s.addr, mask: s.mask, gw: s.gw, port: s.port };
        if (!allowReplace) return { result: 'EEXIST', old };
        s.gw = r.gw;
        s.port = r.port;
        return { result: 0, old };
      }
    }
    const slot: Slot = { addr: r.addr, mask: r.mask, gw: r.gw, port: r.port, next: 0x7fffffff };
    if (found === t.length) t.push(slot);
    else t[found] = slot;
    // Keep the "next more specific route" pointers correct.
    for (let i = found - 1; i >= 0; i--) if (containsRoute(t[i]!, r) && t[i]!.next > found) t[i]!.next = found;
    for (let i = found + 1; i < t.length; i++)
      if (containsRoute(r, t[i]!) && real(t[i]!)) {
        slot.next = i;
        break;
      }
    if (!r.addr && r.mask === 0xffffffff) this.zeroRoute = found;
    return { result: 0 };
  }

  override removeRoute(r: IPRoute): ChangeOutcome {
    const t = this.slots;
    for (let i = 0; i < t.length; i++) {
      const s = t[i]!;
      if (!routeMatches(r, s)) continue;
      const old = { addr: s.addr, mask: s.mask, gw: s.gw, port: s.port };
      kill(s);
      if (i === this.zeroRoute) this.zeroRoute = -1;
      else if (i < this.zeroRoute) {
        // Move the 0.0.0.0/32 route to the earliest free slot, as Click does.
        const z = t[this.zeroRoute]!;
        const zero = { addr: z.addr, mask: z.mask, gw: z.gw, port: z.port };
        kill(z);
        this.addRoute(zero, false);
      }
      return { result: 0, old };
    }
    return { result: 'ENOENT' };
  }

  private lookupEntry(addr: number): number {
    const t = this.slots;
    for (let i = 0; i < t.length; i++) {
      if (!contains(t[i]!, addr)) continue;
      let found = i;
      for (let j = t[i]!.next; j < t.length; j++)
        if (contains(t[j]!, addr) && ((t[j]!.mask & t[found]!.mask) >>> 0) === t[found]!.mask) found = j;
      return found;
    }
    return -1;
  }

  override lookupRoute(addr: number): { port: number; gw: number } {
    const i = this.lookupEntry(addr);
    if (i < 0) return { port: -1, gw: 0 };
    // A freed slot can match 0.0.0.0 in Click; its port is negative, so it counts as no route.
    return { port: this.slots[i]!.port, gw: this.slots[i]!.gw };
  }

  override dumpRoutes(): string {
    return this.slots.filter(real).map((s) => unparseRoute(s, true) + '\n').join('');
  }
}

function kill(s: Slot): void {
  s.addr = 0;
  s.mask = 0xffffffff;
  s.port = KILLED;
}

export const spec = anySpec(defineElement({
  name: 'LinearIPLookup',
  ports: '1/-',
  processing: 'h/h',
  args: routeTableArgs,
  configure: configureRoutes,
  handlers: routeTableHandlers,
  host: (init) => new LinearIPLookupElement(init),
  native: routeTableNative(import.meta.url, 'linear-ip-lookup.c', 'linear_ip_lookup'),
}));
