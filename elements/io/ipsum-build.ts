// Building a packet from an IP summary dump line (Click's PacketOdesc): an
// IPv4 header appears when a field needs one (version 4, TTL 100, the default
// protocol, the !flowid addresses), a transport header when a transport field
// needs one, and the IP length comes from the ip_len, wire_len or payload
// fields; bytes not in the packet become the extra-length annotation.

import { Packet } from '../../host-engine/packet.js';

export interface FlowID {
  src: number;
  sport: number;
  dst: number;
  dport: number;
}

const HEADER_LENGTHS: Record<number, number> = { 6: 20, 17: 8, 136: 8, 33: 12, 1: 8 };

export class SummaryBuilder {
  readonly p: Packet;
  isIP = true;
  haveIcmpType = false;
  haveIcmpCode = false;
  haveIpHL = false;
  haveTcpHL = false;
  /** The length the packet should have on the wire, if a field said so. */
  wantLen = 0;

  constructor(
    readonly defaultProto: number,
    readonly flowid: FlowID | undefined,
    readonly minorVersion: number,
  ) {
    this.p = Packet.make(0, 16, 1000);
  }

  get net(): number | undefined {
    return this.p.networkHeaderOffset;
  }
  get trans(): number | undefined {
    return this.p.transportHeaderOffset;
  }
  get networkLength(): number {
    return this.p.length - (this.net ?? 0);
  }
  get transportLength(): number {
    return this.p.length - (this.trans ?? this.p.length);
  }
  u8(o: number): number {
    return this.p.data[o] ?? 0;
  }
  u16(o: number): number {
    return (this.u8(o) << 8) | this.u8(o + 1);
  }
  set8(o: number, v: number): void {
    this.p.writable()[o] = v & 255;
  }
  set16(o: number, v: number): void {
    const w = this.p.writable();
    w[o] = (v >> 8) & 255;
    w[o + 1] = v & 255;
  }
  set32(o: number, v: number): void {
    this.set16(o, (v >>> 16) & 0xffff);
    this.set16(o + 2, v & 0xffff);
  }
  /** Grow the packet by n zero bytes, keeping header offsets. */
  grow(n: number): void {
    if (n > 0) this.p.put(n);
  }

  /** Make sure there is an IPv4 header; false if the packet is not IP or has another protocol than `proto`. */
  makeIP(proto: number): boolean {
    if (!this.isIP) return false;
    if (this.net === undefined) this.p.setNetworkHeader(0, 0);
    if (this.networkLength < 20) {
      const net = this.net!;
      this.grow(20 - this.networkLength);
      this.p.setNetworkHeader(net, 20);
      this.set8(net, 0x45);
      this.set8(net + 9, this.defaultProto);
      this.set8(net + 8, 100);
      if (this.flowid) {
        this.set32(net + 12, this.flowid.src);
        this.set32(net + 16, this.flowid.dst);
      }
    }
    const p = this.u8(this.net! + 9);
    return !proto || !p || p === proto;
  }

  get firstFrag(): boolean {
    return (this.u16(this.net! + 6) & 0x1fff) === 0;
  }

  /** After makeIP: make sure there is room for the transport header the protocol has. */
  makeTransp(): boolean {
    if (!this.firstFrag) return false;
    if (this.transportLength >= 8) return true;
    const proto = this.u8(this.net! + 9);
    let len = HEADER_LENGTHS[proto];
    if (len === undefined) return true;
    const toff = this.trans!;
    if (this.wantLen > 0 && this.wantLen < toff + len) len = this.wantLen - toff;
    if (this.transportLength < len) {
      const xlen = Math.max(len, 4);
      this.grow(xlen - this.transportLength);
      if (proto === 6 && len >= 13) this.set8(toff + 12, 5 << 4);
      if (this.flowid) {
        this.set16(toff, this.flowid.sport);
        this.set16(toff + 2, this.flowid.dport);
      }
      if (xlen > len) this.p.take(xlen - len);
    }
    return true;
  }

  /** Set the IP header length to `bytes` (a multiple of 4), growing the packet with EOL options. */
  setIPHeaderLength(bytes: number): void {
    const net = this.net!;
    const hl = (this.u8(net) & 15) << 2;
    if (bytes > hl) {
      this.grow(bytes - hl);
      // the bytes after the old header move down; the new option space is zero (EOL)
      const w = this.p.writable();
      w.copyWithin(net + bytes, net + hl, w.length - (bytes - hl));
      w.fill(0, net + hl, net + bytes);
      this.p.setNetworkHeader(net, bytes);
    }
    this.set8(net, (this.u8(net) & 0xf0) | (bytes >> 2));
  }

  /** Set the TCP header length to `bytes`, growing the packet with EOL options. */
  setTCPHeaderLength(bytes: number): void {
    const t = this.trans!;
    const off = (this.u8(t + 12) >> 4) << 2;
    if (bytes > off) {
      this.grow(Math.max(0, t + bytes - this.p.length));
      this.p.writable().fill(0, t + Math.max(off, 0), t + bytes);
    }
    this.set8(t + 12, (this.u8(t + 12) & 0x0f) | ((bytes >> 2) << 4));
  }
}
