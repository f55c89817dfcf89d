// Element classes of elements/standard/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as Counter } from './counter.js';

export const specs: AnyElementSpec[] = [Counter];
