/**
 * FTPPortMapper — NAT for FTP's PORT command.
 *
 * Synopsis:   FTPPortMapper(CONTROL_REWRITER, DATA_REWRITER, DATA_REWRITER_INPUT)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: expects TCP packets of FTP control connections, before the
 *             CONTROL_REWRITER (a TCPRewriter or IPRewriter) that maps them.
 *             A packet whose payload starts `PORT ` (any case), belonging to
 *             a flow CONTROL_REWRITER has mapped, and carrying
 *             `A1,A2,A3,A4,P1,P2` ended by CR or LF (each number under 256)
 *             announces a data connection from A1.A2.A3.A4 port P1*256+P2
 *             to the packet's destination at its destination port minus 1.
 *             DATA_REWRITER (any rewriter) maps that flow through its
 *             input DATA_REWRITER_INPUT (or finds its mapping); the command
 *             is rewritten to the mapped address and port, the packet grows
 *             or shrinks with it (IP length and checksum updated, TCP
 *             checksum recomputed), and the control flow gets a sequence
 *             delta so later sequence and acknowledgement numbers stay
 *             right. The data flow's replies take the control flow's reply
 *             annotation. Other packets pass unchanged.
 * Arguments:  CONTROL_REWRITER, DATA_REWRITER: element names;
 *             DATA_REWRITER_INPUT: an input port of DATA_REWRITER.
 * Handlers:   none.
 * Differences: the "control packet rewriter is not downstream" warning is
 *             not given; a packet without a TCP header (Click asserts)
 *             passes unchanged.
 */

import { a, ConfigError, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { headerPositions } from '../lib/packet-headers.js';
import { be16, be32, incrementalUpdate, setBe16, setTransportChecksum } from '../lib/transport-checksum.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { REWRITER_CLASSES } from './input-spec.js';
import type { RewriterBase, RewriterBaseConf } from './rewriter-base.js';

interface FTPPortMapperConf {
  readonly control: string;
  readonly data: string;
  readonly dataInput: number;
}

const CONTROL_CLASSES = new Set(['TCPRewriter', 'IPRewriter']);

const args = { CONTROL_REWRITER: a.mp(T.element), DATA_REWRITER: a.mp(T.element), DATA_REWRITER_INPUT: a.mp(T.int) };

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): FTPPortMapperConf {
  const control = v.CONTROL_REWRITER.trim();
  const data = v.DATA_REWRITER.trim();
  if (!CONTROL_CLASSES.has(ctx.lookupElement(control) ?? '')) throw new ConfigError(`CONTROL_REWRITER type mismatch, expected TCPRewriter`, 0);
  if (!REWRITER_CLASSES.has(ctx.lookupElement(data) ?? '')) throw new ConfigError(`DATA_REWRITER type mismatch, expected IPRewriterBase`, 1);
  return { control, data, dataInput: v.DATA_REWRITER_INPUT };
}

const TCP = 6;

class FTPPortMapperElement extends SimpleElement<FTPPortMapperConf> {
  private control!: RewriterBase<RewriterBaseConf>;
  private data!: RewriterBase<RewriterBaseConf>;

  override initialize(): void {
    this.control = this.env.lookup(this.conf.control) as RewriterBase<RewriterBaseConf>;
    this.data = this.env.lookup(this.conf.data) as RewriterBase<RewriterBaseConf>;
    const n = this.data.inputSpecs.length;
    if (this.conf.dataInput < 0 || this.conf.dataInput >= n) throw new Error('DATA_REWRITER_INPUT out of range');
  }

  action(p: Packet): number {
    const h = headerPositions(p);
    if (!h || h.buf[h.ip + 9] !== TCP || h.end - h.trans < 20) return 0;
    const start = h.trans - p.dataOffset + ((h.buf[h.trans + 12]! >> 4) << 2); // the payload, in the packet data
    const d = p.data;
    const len = d.length - start;
    if (len < 5 || (d[start]! | 0x20) !== 0x70 || (d[start + 1]! | 0x20) !== 0x6f || (d[start + 2]! | 0x20) !== 0x72 || (d[start + 3]! | 0x20) !== 0x74 || d[start + 4] !== 0x20) return 0;
    const control = this.control.getEntry(TCP, { saddr: be32(h.buf, h.ip + 12), sport: be16(h.buf, h.trans), daddr: be32(h.buf, h.ip + 16), dport: be16(h.buf, h.trans + 2) }, -1);
    if (!control) return 0;

    // Six decimal numbers separated by commas, then CR or LF.
    let pos = 5;
    while (pos < len && d[start + pos] === 0x20) pos++;
    const argAt = pos;
    const nums = [0, 0, 0, 0, 0, 0];
    let which = 0;
    for (; pos < len && which < 6; pos++) {
      const c = d[start + pos]!;
      if (c >= 0x30 && c <= 0x39) nums[which] = (Math.imul(nums[which]!, 10) + c - 0x30) >>> 0;   // unsigned, as Click's
      else if (c === 0x2c) which++;
      else break;
    }
    if (which !== 5 || pos >= len || (d[start + pos] !== 0x0d && d[start + pos] !== 0x0a)) return 0;
    if (nums.some((x) => x >= 256)) return 0;

    const dataFlow = {
      saddr: ((nums[0]! << 24) | (nums[1]! << 16) | (nums[2]! << 8) | nums[3]!) >>> 0,
      sport: (nums[4]! << 8) | nums[5]!,
      daddr: be32(h.buf, h.ip + 16),
      dport: (be16(h.buf, h.trans + 2) - 1) & 0xffff,
    };
    const forward = this.data.getEntry(TCP, dataFlow, this.conf.dataInput);
    if (!forward) return 0;
    const nf = forward.flow.rewrittenFlowid(forward.direction);
    const text = `${nf.saddr >>> 24},${(nf.saddr >>> 16) & 255},${(nf.saddr >>> 8) & 255},${nf.saddr & 255},${nf.sport >> 8},${nf.sport & 255}`;
    const argLen = pos - argAt;
    // Grow first, or shrink last, so the bytes after the command move within the data.
    if (argLen < text.length) p.put(text.length - argLen);
    const m = p.writable();
    m.copyWithin(start + argAt + text.length, start + pos, start + len);
    for (let i = 0; i < text.length; i++) m[start + argAt + i] = text.charCodeAt(i);
    if (argLen > text.length) p.take(argLen - text.length);
    const w = p.data;

    const ip = p.networkHeaderOffset!;
    const trans = p.transportHeaderOffset!;
    const oldLen = be16(w, ip + 2);
    setBe16(w, ip + 2, w.length - ip);
    setBe16(w, ip + 10, incrementalUpdate(be16(w, ip + 10), oldLen, w.length - ip));
    // From the end of the old command on, the control stream is longer (or shorter) by the change.
    control.flow.updateSeqnoDelta(control.direction, (be32(w, trans + 4) + len) >>> 0, text.length - argLen);
    forward.flow.replyAnno = control.flow.replyAnno;
    setTransportChecksum(w, ip, trans, w.length - trans, 16);
    return 0;
  }
}

export const spec = anySpec(defineElement<typeof args, FTPPortMapperConf, FTPPortMapperElement>({
  name: 'FTPPortMapper',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure,
  // It changes the rewriters' tables as each packet goes by: the rewriter
  // downstream must see each packet before the next one comes here.
  perPacketEffects: () => true,
  host: (init) => new FTPPortMapperElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ftp-port-mapper.c'),
    prefix: 'ftp_port_mapper',
    hooks: { init: true },
    init: (c, ctx) => `.control = &(${ctx.elementRef(c.control)})->rw, .data = &(${ctx.elementRef(c.data)})->rw, .data_input = ${c.dataInput}`,
  },
}));
