// Element classes of elements/io/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';

export const specs: AnyElementSpec[] = [];
