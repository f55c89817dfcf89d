/**
 * StaticIPLookup — fixed IP routing table searched linearly.
 *
 * Synopsis:   StaticIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 * Ports:      1 input, any number of outputs; push.
 * Processing: as LinearIPLookup: longest-prefix match on the destination IP
 *             annotation, gateway into the annotation, packet to the route's
 *             output; packets without a route are dropped (the first five
 *             per router print `LinearIPLookup: no route for ADDR`, Click's
 *             text, since Click shares LinearIPLookup's code).
 * Arguments:  routes `ADDR/MASK [GATEWAY] OUTPUT`, as LinearIPLookup.
 * Handlers:
 *   table (read)          the routes, one per line
 *   lookup ADDR (read)    `PORT` or `PORT GATEWAY` for ADDR (-1: no route)
 * Routes cannot change after configuration (no add/set/remove/ctrl).
 */

import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { configureRoutes, readOnlyRouteHandlers, routeTableArgs, routeTableNative } from './ip-route-table.js';
import { LinearIPLookupElement } from './linear-ip-lookup.js';

export const spec = anySpec(defineElement({
  name: 'StaticIPLookup',
  ports: '1/-',
  processing: 'h/h',
  args: routeTableArgs,
  configure: configureRoutes,
  handlers: readOnlyRouteHandlers,
  host: (init) => new LinearIPLookupElement(init),
  // LinearIPLookup's C: the same table and "no route" counter (Click shares the code).
  native: routeTableNative(import.meta.url, 'linear-ip-lookup.c', 'linear_ip_lookup'),
}));
