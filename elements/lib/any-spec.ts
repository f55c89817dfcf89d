// The registry holds type-erased specs. A spec whose configure takes its own
// argument types is not assignable to AnyElementSpec under strict function
// types (configure's parameter is contravariant), so specs are erased here,
// once, after defineElement has checked them with their precise types.

import type { ArgDefs } from '../../config-lang/args/args.js';
import type { HostElement } from '../../host-engine/element.js';
import type { AnyElementSpec, ElementSpec } from '../spec.js';

export function anySpec<A extends ArgDefs, C, E extends HostElement<C>>(spec: ElementSpec<A, C, E>): AnyElementSpec {
  return spec as unknown as AnyElementSpec;
}
