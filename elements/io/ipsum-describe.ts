// What the IP summary dump writer knows about a packet before printing its
// fields (Click's PacketDesc and ip_prepare): where the IP and transport
// headers are, which are usable, the padding after the IP length, and the
// first `!bad` message when BAD_PACKETS asks for them. The packet itself is
// never changed.

import { ANNO, type Packet } from '../../host-engine/packet.js';

export const MISSING_IP = 0;
export const MISSING_ETHERNET = 260;
export const TCP_OR_UDP = 256 + 1;

export class SummaryDesc {
  readonly d: Uint8Array;
  /** IP header offset when the header is usable. */
  net: number | undefined;
  trans: number | undefined;
  tcp = false;
  udp = false;
  icmp = false;
  /** Bytes after the IP length (link padding), ignored by every field. */
  tailpad = 0;
  /** The extra-length annotation as the fields see it (Click adjusts it during preparation). */
  extra: number;
  bad: string | undefined;

  constructor(
    readonly p: Packet,
    readonly wantBad: boolean,
    readonly careful: boolean,
    readonly forceExtraLength: boolean,
  ) {
    this.d = p.data;
    this.extra = p.annoU32(ANNO.EXTRA_LENGTH);
  }

  get length(): number {
    return this.d.length - this.tailpad;
  }
  get networkLength(): number {
    return this.net === undefined ? 0 : this.d.length - this.net - this.tailpad;
  }
  get transportLength(): number {
    return this.trans === undefined ? 0 : this.d.length - this.trans - this.tailpad;
  }
  u8(o: number): number {
    return this.d[o] ?? 0;
  }
  u16(o: number): number {
    return (this.u8(o) << 8) | this.u8(o + 1);
  }
  u32(o: number): number {
    return ((this.u8(o) << 24) | (this.u8(o + 1) << 16) | (this.u8(o + 2) << 8) | this.u8(o + 3)) >>> 0;
  }
  get ipProto(): number {
    return this.u8(this.net! + 9);
  }
  get ipHL(): number {
    return (this.u8(this.net!) & 15) << 2;
  }
  get firstFrag(): boolean {
    return (this.u16(this.net! + 6) & 0x1fff) === 0;
  }

  private complain(message: string): void {
    if (this.wantBad && this.bad === undefined) this.bad = `!bad ${message}`;
  }

  /** Find and check the IP and transport headers (Click's ip_prepare). */
  prepare(): void {
    const p = this.p;
    const net = p.networkHeaderOffset;
    this.net = net !== undefined && net >= 0 && net <= this.d.length ? net : undefined;
    const trans = p.transportHeaderOffset;
    this.trans = this.net !== undefined && trans !== undefined && trans >= 0 ? trans : undefined;
    if (this.net !== undefined) {
      const nl = this.d.length - this.net;
      const v = this.u8(this.net) >> 4;
      const hl = this.u8(this.net) & 15;
      const ipLen = this.u16(this.net + 2);
      if (nl < 4) this.reject('truncated IP header');
      else if (v !== 4) this.reject(`IP version ${v}`);
      else if (hl < 5) this.reject(`IP header length ${hl}`);
      else if (ipLen < hl << 2) this.reject(`IP length ${ipLen}`);
      else if (nl > ipLen) {
        this.extra += nl - ipLen;
        this.tailpad = nl - ipLen;
      } else if (this.careful && nl + this.extra < ipLen) this.complain(`truncated IP missing ${ipLen - nl - this.extra}`);
    }
    if (this.net !== undefined && this.trans !== undefined && this.networkLength > this.ipHL && this.firstFrag) {
      const proto = this.ipProto;
      if (proto === 6) {
        if (this.transportLength > 12 && this.u8(this.trans + 12) >> 4 < 5) this.complain(`TCP header length ${this.u8(this.trans + 12) >> 4}`);
        else this.tcp = true;
      } else if (proto === 17) this.udp = true;
      else if (proto === 1) this.icmp = true;
    }
    if (this.net !== undefined && this.extra > 0) {
      const full = this.networkLength + this.extra;
      this.extra = this.u16(this.net + 2) !== 0xffff || full <= 0xffff ? 0 : full - 0xffff;
    }
  }

  private reject(message: string): void {
    this.complain(message);
    this.net = undefined;
    this.trans = undefined;
  }

  /** A field cannot be printed; note why, as Click's `!bad` line (`proto`: what header; `need`: bytes). */
  missing(proto: number, need: number): undefined {
    if (!this.wantBad || this.bad !== undefined) return undefined;
    const names: Record<number, string> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP', [TCP_OR_UDP]: 'TCP/UDP' };
    const name = names[proto] ?? '?';
    if (proto === MISSING_ETHERNET) this.complain('Ethernet header');
    else if (this.net === undefined) this.complain('no IP header');
    else if (proto === MISSING_IP) this.complain('truncated IP header capture');
    else if (this.networkLength > 9 && ((proto > MISSING_IP && proto < 256 && this.ipProto !== proto) || (proto === TCP_OR_UDP && this.ipProto !== 6 && this.ipProto !== 17))) return undefined;
    else if (!this.firstFrag) this.complain(`fragmented ${name} header`);
    else if (this.transportLength + this.p.annoU32(ANNO.EXTRA_LENGTH) >= need) this.complain(`truncated ${name} header capture`);
    else this.complain(`truncated ${name} header`);
    return undefined;
  }
}
