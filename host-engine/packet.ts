// Packets of the host engine. A packet is a window [data, data+length) into a
// buffer with headroom and tailroom, so encapsulation and stripping move the
// window instead of copying. Clones share the buffer (Tee); the first write
// to a shared buffer copies it (`writable()`), as Click's uniqueify does.
// Annotations use Click's 48-byte layout so that byte-offset arguments
// (Paint's ANNO, SetAnnoByte...) mean the same thing in every engine.

/** Annotation byte offsets, Click 2.x layout (include/click/packet_anno.hh). */
export const ANNO = {
  SIZE: 48,
  DST_IP: 0,
  PAINT: 16,
  ICMP_PARAMPROB: 17,
  FIX_IP_SRC: 19,
  VLAN_TCI: 20,
  AGGREGATE: 20,
  EXTRA_PACKETS: 24,
  EXTRA_LENGTH: 28,
  FIRST_TIMESTAMP: 32,
  PACKET_NUMBER: 32,
  SEQUENCE_NUMBER: 36,
} as const;

/** Click's packet type annotation (link-level destination class). */
export const PacketType = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4, LOOPBACK: 5, FASTROUTE: 6 } as const;

/** Headroom given to packets made by sources: enough for Ethernet + VLAN + IP + UDP encapsulation. */
export const DEFAULT_HEADROOM = 64;
export const DEFAULT_TAILROOM = 0;

/** Offsets in the buffer; -1 means "not set". */
const UNSET = -1;

class Buffer_ {
  refs = 1;
  constructor(readonly bytes: Uint8Array) {}
}

export class Packet {
  private buf: Buffer_;
  /** Offset of the first data byte in the buffer. */
  private off: number;
  private len: number;
  /** Header annotations, as buffer offsets (so they survive strip/unstrip). */
  private macOff = UNSET;
  private netOff = UNSET;
  private transOff = UNSET;
  /** Annotation area, Click layout. Copied on clone. */
  readonly anno = new Uint8Array(ANNO.SIZE);
  /** Timestamp: seconds and nanoseconds. */
  tsSec = 0;
  tsNsec = 0;
  packetType: number = PacketType.HOST;

  private constructor(buf: Buffer_, off: number, len: number) {
    this.buf = buf;
    this.off = off;
    this.len = len;
  }

  /** A new packet holding a copy of `data`, with the given headroom and tailroom. */
  static make(data: Uint8Array | number, headroom = DEFAULT_HEADROOM, tailroom = DEFAULT_TAILROOM): Packet {
    const length = typeof data === 'number' ? data : data.length;
    const bytes = new Uint8Array(headroom + length + tailroom);
    if (typeof data !== 'number') bytes.set(data, headroom);
    return new Packet(new Buffer_(bytes), headroom, length);
  }

  get length(): number {
    return this.len;
  }
  get headroom(): number {
    return this.off;
  }
  get tailroom(): number {
    return this.buf.bytes.length - this.off - this.len;
  }
  /** Whether another packet shares this buffer. */
  get shared(): boolean {
    return this.buf.refs > 1;
  }

  /** Read-only view of the packet data. Do not write through it: call writable() first. */
  get data(): Uint8Array {
    return this.buf.bytes.subarray(this.off, this.off + this.len);
  }

  /** The whole buffer and the data offset, for elements that read relative to header annotations. */
  get buffer(): Uint8Array {
    return this.buf.bytes;
  }
  get dataOffset(): number {
    return this.off;
  }

  /** A clone shares the buffer and copies annotations. */
  clone(): Packet {
    const q = new Packet(this.buf, this.off, this.len);
    this.buf.refs++;
    q.copyAnnotations(this);
    return q;
  }

  /** Release this packet's hold on its buffer (when killed or consumed). */
  release(): void {
    this.buf.refs--;
  }

  copyAnnotations(from: Packet): void {
    this.anno.set(from.anno);
    this.tsSec = from.tsSec;
    this.tsNsec = from.tsNsec;
    this.packetType = from.packetType;
    this.macOff = from.macOff;
    this.netOff = from.netOff;
    this.transOff = from.transOff;
  }

  /**
   * Make the buffer private to this packet (copying it if shared) and return
   * the writable data view. Header annotations keep their positions.
   */
  writable(): Uint8Array {
    if (this.buf.refs > 1) {
      const copy = new Buffer_(this.buf.bytes.slice());
      this.buf.refs--;
      this.buf = copy;
    }
    return this.buf.bytes.subarray(this.off, this.off + this.len);
  }

  /** Drop n bytes from the front (Click's pull); clamps at the length. */
  pull(n: number): void {
    const k = Math.min(n, this.len);
    this.off += k;
    this.len -= k;
  }

  /**
   * Prepend n bytes (Click's push). If the headroom is short the buffer is
   * reallocated with more headroom. The new bytes keep whatever the buffer
   * held there (after an earlier pull, the original bytes); fresh room is zero.
   */
  push(n: number): void {
    this.writable();
    if (n > this.off) this.realloc(n - this.off + DEFAULT_HEADROOM, 0);
    this.off -= n;
    this.len += n;
  }

  /** Drop n bytes from the end (Click's take); clamps at the length. */
  take(n: number): void {
    this.len -= Math.min(n, this.len);
  }

  /** Append n bytes (Click's put), reallocating if the tailroom is short. New bytes are zero. */
  put(n: number): void {
    this.writable();
    if (n > this.tailroom) this.realloc(0, n - this.tailroom);
    this.buf.bytes.fill(0, this.off + this.len, this.off + this.len + n);
    this.len += n;
  }

  /** Set the length directly (must not exceed length + tailroom). */
  setLength(n: number): void {
    if (n > this.len) this.put(n - this.len);
    else this.take(this.len - n);
  }

  private realloc(extraHead: number, extraTail: number): void {
    const old = this.buf.bytes;
    const bytes = new Uint8Array(old.length + extraHead + extraTail);
    bytes.set(old, extraHead);
    this.buf = new Buffer_(bytes);
    this.off += extraHead;
    for (const k of ['macOff', 'netOff', 'transOff'] as const) if (this[k] !== UNSET) this[k] += extraHead;
  }

  // --- header annotations, as offsets relative to the current data start ---

  /** Offset of the network header from data start, or undefined. May be negative after a pull. */
  get networkHeaderOffset(): number | undefined {
    return this.netOff === UNSET ? undefined : this.netOff - this.off;
  }
  get transportHeaderOffset(): number | undefined {
    return this.transOff === UNSET ? undefined : this.transOff - this.off;
  }
  get macHeaderOffset(): number | undefined {
    return this.macOff === UNSET ? undefined : this.macOff - this.off;
  }
  /** Absolute buffer offsets, for elements that index `buffer` directly. */
  get networkHeaderBufferOffset(): number {
    return this.netOff;
  }
  get transportHeaderBufferOffset(): number {
    return this.transOff;
  }
  get macHeaderBufferOffset(): number {
    return this.macOff;
  }

  /** Set the network header at `offset` from data start, `length` bytes long; the transport header follows it. */
  setNetworkHeader(offset: number, length: number): void {
    this.netOff = this.off + offset;
    this.transOff = this.off + offset + length;
  }
  setTransportHeader(offset: number): void {
    this.transOff = this.off + offset;
  }
  setMacHeader(offset: number): void {
    this.macOff = this.off + offset;
  }
  clearHeaders(): void {
    this.macOff = this.netOff = this.transOff = UNSET;
  }
  /** Network header length (transport start minus network start), or 0 if unset. */
  get networkHeaderLength(): number {
    return this.netOff === UNSET || this.transOff === UNSET ? 0 : this.transOff - this.netOff;
  }

  // --- annotation accessors ---
  // The destination IP annotation holds the address in network byte order,
  // as Click's IPAddress does; other multi-byte annotations are little-endian
  // (host order on x86, where Click runs), read by annoU16/annoU32.

  /** Destination IP annotation as a host-order number (a.b.c.d = a<<24|...). */
  get dstIP(): number {
    return new DataView(this.anno.buffer).getUint32(ANNO.DST_IP, false);
  }
  set dstIP(v: number) {
    new DataView(this.anno.buffer).setUint32(ANNO.DST_IP, v >>> 0, false);
  }
  get paint(): number {
    return this.anno[ANNO.PAINT]!;
  }
  set paint(v: number) {
    this.anno[ANNO.PAINT] = v;
  }
  annoU8(offset: number): number {
    return this.anno[offset]!;
  }
  setAnnoU8(offset: number, v: number): void {
    this.anno[offset] = v;
  }
  annoU16(offset: number): number {
    return new DataView(this.anno.buffer).getUint16(offset, true);
  }
  setAnnoU16(offset: number, v: number): void {
    new DataView(this.anno.buffer).setUint16(offset, v, true);
  }
  annoU32(offset: number): number {
    return new DataView(this.anno.buffer).getUint32(offset, true);
  }
  setAnnoU32(offset: number, v: number): void {
    new DataView(this.anno.buffer).setUint32(offset, v >>> 0, true);
  }
}

/** A batch of packets moving together along a push path (or returned by a pull). */
export type PacketBatch = Packet[];
