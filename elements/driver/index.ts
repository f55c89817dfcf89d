// Element classes of elements/driver/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as controlSocket } from './control-socket.js';
import { spec as driverManager } from './driver-manager.js';
import { spec as randomSeed } from './random-seed.js';
import { spec as script } from './script.js';

export const specs: AnyElementSpec[] = [script, driverManager, controlSocket, randomSeed];
