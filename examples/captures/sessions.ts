// Conversations as a middlebox in the middle sees them: each packet has the
// time it passes the middlebox and its direction, client-to-server (c2s) or
// server-to-client (s2c). A scenario puts each direction into the capture of
// the interface it arrives on. Addresses may differ per direction, which is
// how a NAT or a load balancer sees a flow: the c2s view is before
// translation, the s2c view after it (or the other way round).

import type { Rng } from './trace.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, dnsAnswer, dnsQuery, echo, tcpDatagram, udpDatagram } from './frames.js';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface Seen {
  /** Microseconds since the capture start, when the packet passes the middlebox. */
  us: number;
  dir: 'c2s' | 's2c';
  /** The whole IP datagram. */
  ip: Uint8Array;
}

/** The addresses of a flow in each direction. s2c defaults to the reverse of c2s. */
export interface FlowView {
  c2s: { src: Endpoint; dst: Endpoint };
  s2c?: { src: Endpoint; dst: Endpoint };
}

function s2cOf(v: FlowView) {
  return v.s2c ?? { src: v.c2s.dst, dst: v.c2s.src };
}

export interface TCPSessionOptions {
  view: FlowView;
  start: number;
  /** Round-trip time between the middlebox and the server, and the client (microseconds). */
  serverRtt: number;
  clientRtt: number;
  /** Request and response sizes of each exchange on the connection (bytes of payload). */
  exchanges: { request: Uint8Array | number; response: number }[];
  /** Largest segment payload each way (default 1460: an Ethernet path, no TCP options). */
  mss?: number;
  clientTtl?: number;
  serverTtl?: number;
  /** Microseconds between back-to-back segments of a response. */
  spacing?: number;
  /** How the connection ends: both FINs (default), or left open. */
  close?: 'fin' | 'open';
}

/**
 * A TCP connection: handshake, request/response exchanges (responses split
 * into MSS-sized segments, the client acknowledging every second one), and
 * the closing FIN exchange started by the client.
 */
export function tcpSession(rng: Rng, o: TCPSessionOptions): Seen[] {
  const out: Seen[] = [];
  const c2s = o.view.c2s;
  const s2c = s2cOf(o.view);
  const mss = o.mss ?? 1460;
  const spacing = o.spacing ?? 120;
  let cseq = rng.int(1, 0xfffffff0);
  let sseq = rng.int(1, 0xfffffff0);
  let cid = rng.int(1, 0xffff);
  let sid = rng.int(1, 0xffff);
  const cttl = o.clientTtl ?? 64;
  const sttl = o.serverTtl ?? 52;
  const client = (us: number, flags: number, payload?: Uint8Array) => {
    out.push({
      us, dir: 'c2s',
      ip: tcpDatagram({ src: c2s.src.ip, dst: c2s.dst.ip, sport: c2s.src.port, dport: c2s.dst.port, seq: cseq, ack: flags & TCP_ACK ? sseq : 0, flags, ttl: cttl, id: cid, ...(payload ? { payload } : {}) }),
    });
    cid = (cid + 1) & 0xffff;
    cseq = (cseq + (payload?.length ?? 0) + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };
  const server = (us: number, flags: number, payload?: Uint8Array) => {
    out.push({
      us, dir: 's2c',
      ip: tcpDatagram({ src: s2c.src.ip, dst: s2c.dst.ip, sport: s2c.src.port, dport: s2c.dst.port, seq: sseq, ack: cseq, flags, ttl: sttl, id: sid, window: 65160, ...(payload ? { payload } : {}) }),
    });
    sid = (sid + 1) & 0xffff;
    sseq = (sseq + (payload?.length ?? 0) + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
  };

  let t = o.start;
  client(t, TCP_SYN);
  t += o.serverRtt;
  server(t, TCP_SYN | TCP_ACK);
  t += o.clientRtt;
  client(t, TCP_ACK);
  for (const x of o.exchanges) {
    const req = typeof x.request === 'number' ? rng.bytes(x.request) : x.request;
    for (let off = 0; off < req.length; off += mss) {
      t += 20;
      client(t, TCP_ACK | (off + mss >= req.length ? TCP_PSH : 0), req.subarray(off, off + mss));
    }
    t += o.serverRtt + rng.int(50, 2000);
    let segs = 0;
    for (let off = 0; off < x.response; off += mss) {
      const n = Math.min(mss, x.response - off);
      server(t, TCP_ACK | (off + n >= x.response ? TCP_PSH : 0), rng.bytes(n));
      segs++;
      if (segs % 2 === 0 || off + n >= x.response) client(t + o.clientRtt, TCP_ACK);
      t += spacing;
    }
    t += o.clientRtt + rng.int(100, 20_000);
  }
  if (o.close === 'open') return out;
  client(t, TCP_FIN | TCP_ACK);
  t += o.serverRtt;
  server(t, TCP_FIN | TCP_ACK);
  t += o.clientRtt;
  client(t, TCP_ACK);
  return out;
}

/** A DNS lookup: one query, one answer after the server's round trip. */
export function dnsLookup(rng: Rng, o: { view: FlowView; start: number; serverRtt: number; name: string; answer: string; clientTtl?: number; serverTtl?: number }): Seen[] {
  const id = rng.int(0, 0xffff);
  const s2c = s2cOf(o.view);
  const { src, dst } = o.view.c2s;
  return [
    { us: o.start, dir: 'c2s', ip: udpDatagram({ src: src.ip, dst: dst.ip, sport: src.port, dport: dst.port, payload: dnsQuery(id, o.name), ttl: o.clientTtl ?? 64, id: rng.int(1, 0xffff) }) },
    {
      us: o.start + o.serverRtt, dir: 's2c',
      ip: udpDatagram({ src: s2c.src.ip, dst: s2c.dst.ip, sport: s2c.src.port, dport: s2c.dst.port, payload: dnsAnswer(id, o.name, o.answer), ttl: o.serverTtl ?? 60, id: rng.int(1, 0xffff) }),
    },
  ];
}

/**
 * `ping -c COUNT`: echo requests a second apart, each answered after the round
 * trip, unless `noReply` (the reply is not in the captures: lost, or made by
 * the middlebox itself).
 */
export function pings(o: { src: string; dst: string; start: number; count: number; rtt: number; ident: number; ttl?: number; replyTtl?: number; noReply?: boolean; interval?: number }): Seen[] {
  const out: Seen[] = [];
  for (let i = 0; i < o.count; i++) {
    const us = o.start + i * (o.interval ?? 1_000_000);
    out.push({ us, dir: 'c2s', ip: echo({ src: o.src, dst: o.dst, ident: o.ident, seq: i + 1, ttl: o.ttl ?? 64, id: (o.ident * 7 + i) & 0xffff }) });
    if (!o.noReply) out.push({ us: us + o.rtt, dir: 's2c', ip: echo({ src: o.dst, dst: o.src, reply: true, ident: o.ident, seq: i + 1, ttl: o.replyTtl ?? 60, id: (o.ident * 13 + i) & 0xffff }) });
  }
  return out;
}
