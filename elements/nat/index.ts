// Element classes of elements/nat/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as ipRewriter } from './ip-rewriter.js';

export const specs: AnyElementSpec[] = [ipRewriter];
