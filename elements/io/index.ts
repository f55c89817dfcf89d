// Element classes of elements/io/. Add each new class's spec here.
import type { AnyElementSpec } from '../spec.js';
import { spec as discard } from './discard.js';
import { spec as fromDevice } from './from-device.js';
import { spec as fromDump } from './from-dump.js';
import { spec as fromIPSummaryDump } from './from-ip-summary-dump.js';
import { spec as idle } from './idle.js';
import { spec as infiniteSource } from './infinite-source.js';
import { spec as ipPrint } from './ip-print.js';
import { spec as print } from './print.js';
import { spec as ratedSource } from './rated-source.js';
import { spec as timedSource } from './timed-source.js';
import { spec as toDevice } from './to-device.js';
import { spec as toDump } from './to-dump.js';
import { spec as toIPSummaryDump } from './to-ip-summary-dump.js';

export const specs: AnyElementSpec[] = [infiniteSource, ratedSource, timedSource, idle, discard, fromDump, toDump, fromDevice, toDevice, print, ipPrint, fromIPSummaryDump, toIPSummaryDump];
