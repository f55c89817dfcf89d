// Element classes of elements/routing/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as linearIPLookup } from './linear-ip-lookup.js';
import { spec as radixIPLookup } from './radix-ip-lookup.js';
import { spec as staticIPLookup } from './static-ip-lookup.js';

export const specs: AnyElementSpec[] = [linearIPLookup, staticIPLookup, radixIPLookup];
