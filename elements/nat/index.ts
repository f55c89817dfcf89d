// Element classes of elements/nat/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';

export const specs: AnyElementSpec[] = [];
