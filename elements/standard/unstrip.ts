/**
 * Unstrip — put bytes back at the front of each packet.
 *
 * Synopsis:   Unstrip(LENGTH)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: moves the data start LENGTH bytes back. Bytes removed earlier
 *             (by Strip) reappear; where there were none the packet gains
 *             headroom and the new bytes are zero.
 */

import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { configureMoveDataStart, MoveDataStartElement, moveDataStartArgs, type MoveDataStartConf } from './move-data-start.js';

export const spec = defineElement<typeof moveDataStartArgs, MoveDataStartConf, MoveDataStartElement>({
  name: 'Unstrip',
  ports: '1/1',
  processing: 'a/a',
  args: moveDataStartArgs,
  configure: configureMoveDataStart,
  host: (init) => new MoveDataStartElement(init, (p, length) => p.push(length)),
  native: { source: nativeSource(import.meta.url, 'unstrip.c'), prefix: 'unstrip', inPlace: true, init: (c) => `.length = ${c.length}u` },
});
