/**
 * Strip — remove bytes from the front of each packet.
 *
 * Synopsis:   Strip(LENGTH)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: drops the first LENGTH bytes (the data start moves; the bytes
 *             stay in the headroom, so Unstrip can restore them). A packet
 *             shorter than LENGTH becomes empty, as Click's pull clamps.
 */

import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { configureMoveDataStart, MoveDataStartElement, moveDataStartArgs, type MoveDataStartConf } from './move-data-start.js';

export const spec = defineElement<typeof moveDataStartArgs, MoveDataStartConf, MoveDataStartElement>({
  name: 'Strip',
  ports: '1/1',
  processing: 'a/a',
  args: moveDataStartArgs,
  configure: configureMoveDataStart,
  host: (init) => new MoveDataStartElement(init, (p, length) => p.pull(length)),
  native: { source: nativeSource(import.meta.url, 'strip.c'), prefix: 'strip', inPlace: true, init: (c) => `.length = ${c.length}u` },
});
