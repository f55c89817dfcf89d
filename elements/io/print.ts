/**
 * Print — print a line per packet on standard error.
 *
 * Synopsis:   Print([LABEL, MAXLENGTH, KEYWORDS])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: writes `LABEL: [TIMESTAMP: ]LENGTH[ (hHEADROOM tTAILROOM)][ | ANNO][ | DATA]`
 *             (LENGTH right-aligned in 4 columns) and passes the packet on unchanged.
 *             DATA is the first MAXLENGTH bytes in hex, 4 bytes per group, or in ASCII
 *             (unprintable bytes as `.`), a space before every 8 characters.
 * Arguments:
 *   LABEL      text before each line (default none)
 *   MAXLENGTH  bytes of data to print, negative for all (default 24; LENGTH and NBYTES are old names)
 *   CONTENTS   HEX (default), ASCII, NONE, or a boolean (true = HEX)
 *   TIMESTAMP  print the packet timestamp (default false)
 *   PRINTANNO  print the 48 annotation bytes in hex (default false)
 *   HEADROOM   print headroom and tailroom (default false)
 *   ACTIVE     print only while true (default true)
 * Handlers:   active (r/w).
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { formatTimestamp } from '../lib/click-time.js';
import { handlerBool, parseWith } from '../lib/handler-values.js';

export type Contents = 'none' | 'hex' | 'ascii';

/** CONTENTS values: NONE, HEX, ASCII (any case) or a boolean. Throws with Click's message. */
export function parseContents(word: string): Contents {
  try {
    return parseWith(T.bool, word) ? 'hex' : 'none';
  } catch {
    const up = word.toUpperCase();
    if (up === 'NONE' || up === 'HEX' || up === 'ASCII') return up.toLowerCase() as Contents;
    throw new ConfigError(`bad contents value '${up}'; should be 'NONE', 'HEX', or 'ASCII'`);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export interface PrintConf {
  label: string;
  maxLength: number;
  contents: Contents;
  timestamp: boolean;
  printAnno: boolean;
  headroom: boolean;
  active: boolean;
}

export class PrintElement extends HostElement<PrintConf> {
  active = this.conf.active;

  line(p: Packet): string {
    const c = this.conf;
    let s = '';
    let sep = '';
    if (c.label) {
      s = c.label;
      sep = ': ';
    }
    if (c.timestamp) {
      s += sep + formatTimestamp(p.tsSec, p.tsNsec);
      sep = ': ';
    }
    s += sep + String(p.length).padStart(4, ' ');
    if (c.headroom) s += ` (h${p.headroom} t${p.tailroom})`;
    if (c.printAnno) {
      s += ' | ';
      for (const b of p.anno) s += HEX[b];
    }
    let bytes = c.contents === 'none' ? 0 : c.maxLength;
    if (bytes < 0 || p.length < bytes) bytes = p.length;
    if (bytes > 0) {
      s += ' | ';
      const d = p.data;
      if (c.contents === 'hex') {
        for (let i = 0; i < bytes; i++) s += (i && i % 4 === 0 ? ' ' : '') + HEX[d[i]!];
      } else {
        for (let i = 0; i < bytes; i++) {
          const b = d[i]!;
          s += (i % 8 === 0 ? ' ' : '') + (b < 32 || b > 126 ? '.' : String.fromCharCode(b));
        }
      }
    }
    return s;
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    if (this.active) for (const p of batch) this.env.stderr(this.line(p));
    out.emitBatch(0, batch);
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    if (this.active) for (const p of batch) this.env.stderr(this.line(p));
    return batch;
  }
}

const args = {
  LABEL: a.p(T.string, ''),
  MAXLENGTH: a.p(T.int, 24),
  LENGTH: a.ko(T.int),
  NBYTES: a.ko(T.int),
  CONTENTS: a.kw(T.word, 'HEX'),
  TIMESTAMP: a.kw(T.bool, false),
  PRINTANNO: a.kw(T.bool, false),
  ACTIVE: a.kw(T.bool, true),
  HEADROOM: a.kw(T.bool, false),
};

export const spec = defineElement<typeof args, PrintConf, PrintElement>({
  name: 'Print',
  ports: '1/1',
  processing: 'a/a',
  writesStream: 'stderr',
  args,
  configure: (v): PrintConf => ({
    label: v.LABEL,
    maxLength: v.NBYTES ?? v.LENGTH ?? v.MAXLENGTH,
    contents: parseContents(v.CONTENTS),
    timestamp: v.TIMESTAMP,
    printAnno: v.PRINTANNO,
    headroom: v.HEADROOM,
    active: v.ACTIVE,
  }),
  host: (init) => new PrintElement(init),
  native: {
    source: nativeSource(import.meta.url, 'print.c'),
    prefix: 'print',
    inPlace: true,
    hooks: { init: true, cleanup: true },
    init: (c, ctx) =>
      [
        `.label = ${ctx.cString(c.label)}, .label_len = ${c.label.length}, .max_length = ${c.maxLength}`,
        `.contents = ${c.contents === 'none' ? 0 : c.contents === 'hex' ? 1 : 2}, .timestamp = ${+c.timestamp}`,
        `.print_anno = ${+c.printAnno}, .headroom = ${+c.headroom}, .active = ${+c.active}`,
      ].join(',\n    '),
  },
  handlers: {
    active: {
      read: (e: PrintElement) => String(e.active),
      write: (e: PrintElement, v) => void (e.active = handlerBool(v, 'expected boolean')),
    },
  },
});
