// Element classes of elements/io/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as infiniteSource } from './infinite-source.js';

export const specs: AnyElementSpec[] = [infiniteSource];
