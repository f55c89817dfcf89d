/**
 * FromDevice — receive frames from a network device.
 *
 * Synopsis:   FromDevice(DEVNAME [, KEYWORDS])
 * Ports:      no inputs; output 0 push, optional output 1 push (non-IP frames under FORCE_IP).
 * Processing: a task takes up to BURST frames per run from the receive ring of the device
 *             DEVNAME and pushes each, in arrival order, as a new packet: the MAC header
 *             annotation at its start, the packet type annotation from its destination
 *             address (broadcast, multicast, else host) and, with TIMESTAMP, the time it was
 *             taken. Frames longer than SNAPLEN are cut to SNAPLEN bytes. The task polls (it
 *             reschedules itself), so a run with nothing left to receive ends when idle.
 *             When the engine says no other task can interleave (env.canBatch), a run takes
 *             at least 32 frames, which no one can tell from BURST 1.
 *             Devices come from the router's device back-end (host-engine/devices.ts and
 *             dataplane-native/runtime/device.h): memory rings for in-process runs, and
 *             for `clickvm run` and compiled binaries the Linux interface DEVNAME through
 *             AF_PACKET rings (runtime/device-afpacket.c, reached by the host engine through
 *             koffi); a name that is neither fails initialization with the reason. A real
 *             interface keeps an idle router running, waiting for frames. An interface
 *             deleted while the router runs is said once (`DEV: receive: Network is
 *             down`); the element then receives nothing and the rest of the router goes on.
 * Keywords:
 *   BURST      frames taken per task run (default 1, as Click; 0 means 1)
 *   SNAPLEN    longest frame kept, in bytes (default 2046)
 *   TIMESTAMP  stamp packets with the time they were taken (default true)
 *   FORCE_IP   emit only frames that carry an IP header behind the Ethernet header, with the
 *              network header and destination address annotations set; others go to
 *              output 1, or are dropped (default false)
 *   PROMISC    put the interface in promiscuous mode while the element runs (default false)
 *   OUTBOUND   also emit the frames the host itself sends out of the interface (default
 *              false: only what arrives from the wire). As in Click on Linux, a router's own
 *              ToDevice frames on the interface are never seen, OUTBOUND or not
 *   SNIFFER    Click's: true (the default) leaves every frame to the kernel as well. On
 *              Linux an AF_PACKET socket cannot take frames away from the kernel, so false
 *              behaves the same; keep the host stack out of the way by giving the interface
 *              no address (or filtering in the kernel) when that matters
 *   QUIET      no note when the interface is down (default false)
 *   METHOD     how a Linux interface is reached: LINUX (default: an AF_PACKET TPACKET_V2
 *              ring of frame slots; a frame is handed over the moment it arrives), PCAP (an
 *              AF_PACKET TPACKET_V3 ring of blocks, as libpcap reads: denser for small frames,
 *              but at a low rate a frame waits up to 1 ms for its block) or XDP (an AF_XDP
 *              socket in copy mode with a small XDP program attached
 *              in generic mode, runtime/device-afxdp.c, detached when the router closes the
 *              device or its process ends). Under XDP the frames of the interface's queue 0
 *              are taken from the kernel (SNIFFER does not apply), OUTBOUND true is an error,
 *              and kernel_drops counts the socket's rx_dropped and rx_ring_full. Another
 *              value is a configuration error
 *   The memory back-end has no kernel: PROMISC, OUTBOUND, SNIFFER and QUIET change nothing
 *   there. The AF_PACKET back-end (Linux interfaces by name) cuts frames to SNAPLEN in the
 *   kernel already.
 * Handlers:   count (r), reset_counts (w), kernel_drops (r: frames the device lost before the
 *             router saw them, a full receive ring), encap (r: ETHER).
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { methodCode, type DeviceMethod, type DeviceParams } from '../../host-engine/devices.js';
import type { Out } from '../../host-engine/element.js';
import { Packet, PacketType } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { setPacketTimeNs } from '../lib/click-time.js';
import { defineElement } from '../spec.js';
import { DeviceElement, methodArg } from './device-element.js';
import { DLT, forceIP } from './link-types.js';

/** Frames a run takes at least when no other task can interleave (env.canBatch). */
export const FROMDEVICE_BATCH = 32;

export interface FromDeviceConf {
  readonly devname: string;
  readonly burst: number;
  readonly snaplen: number;
  readonly timestamp: boolean;
  readonly forceIP: boolean;
  readonly promisc: boolean;
  readonly sniffer: boolean;
  readonly outbound: boolean;
  readonly quiet: boolean;
  readonly method: DeviceMethod;
}

/** Click's packet type from a frame's destination address. */
export function framePacketType(frame: Uint8Array): number {
  if (frame.length < 6 || (frame[0]! & 1) === 0) return PacketType.HOST;
  return frame.subarray(0, 6).every((b) => b === 0xff) ? PacketType.BROADCAST : PacketType.MULTICAST;
}

export class FromDeviceElement extends DeviceElement<FromDeviceConf> {
  count = 0;

  protected deviceParams(): DeviceParams {
    return { receive: true, snaplen: this.conf.snaplen, promisc: this.conf.promisc, outbound: this.conf.outbound, method: this.conf.method };
  }

  get kernelDrops(): number {
    return this.device?.receiveDrops ?? 0;
  }

  override runTask(out: Out): boolean {
    const want = this.env.canBatch?.() ? Math.max(this.conf.burst, FROMDEVICE_BATCH) : this.conf.burst;
    const frames = this.device!.receive(want);
    const now = this.env.now();
    for (const f of frames) {
      const p = this.created(Packet.make(f));
      if (p.length > this.conf.snaplen) p.take(p.length - this.conf.snaplen);
      p.setMacHeader(0);
      p.packetType = framePacketType(p.data);
      if (this.conf.timestamp) setPacketTimeNs(p, now);
      if (this.conf.forceIP && !forceIP(p, DLT.EN10MB)) {
        this.emitChecked(out, 1, p);
        continue;
      }
      this.count++;
      out.emit(0, p);
    }
    // device-afpacket.c: the interface was deleted (or failed); said once.
    const why = this.device!.takeError?.('receive');
    if (why) this.env.chatter(`${this.conf.devname}: receive: ${why}`);
    this.task.schedule();
    return frames.length > 0;
  }
}

type E = FromDeviceElement;

const args = {
  DEVNAME: a.mp(T.string),
  BURST: a.kw(T.unsigned, 1),
  SNAPLEN: a.kw(T.unsigned, 2046),
  TIMESTAMP: a.kw(T.bool, true),
  FORCE_IP: a.kw(T.bool, false),
  SNIFFER: a.kw(T.bool, true),
  PROMISC: a.kw(T.bool, false),
  OUTBOUND: a.kw(T.bool, false),
  QUIET: a.kw(T.bool, false),
  METHOD: methodArg,
};

export const spec = defineElement<typeof args, FromDeviceConf, E>({
  name: 'FromDevice',
  ports: '0/1-2',
  processing: 'h/h',
  args,
  configure: (v): FromDeviceConf => {
    if (v.METHOD === 'XDP' && v.OUTBOUND) throw new ConfigError('OUTBOUND true needs METHOD LINUX or PCAP (XDP sees only the frames that arrive)');
    return {
      devname: v.DEVNAME,
      burst: Math.max(1, v.BURST),
      snaplen: v.SNAPLEN,
      timestamp: v.TIMESTAMP,
      forceIP: v.FORCE_IP,
      promisc: v.PROMISC,
      sniffer: v.SNIFFER,
      outbound: v.OUTBOUND,
      quiet: v.QUIET,
      method: v.METHOD,
    };
  },
  host: (init) => new FromDeviceElement(init),
  native: {
    source: nativeSource(import.meta.url, 'from-device.c'),
    prefix: 'from_device',
    hooks: { init: true, cleanup: true, task: true },
    init: (c, ctx) =>
      [
        `.devname = ${ctx.cString(c.devname)}, .burst = ${ctx.canBatch ? Math.max(c.burst, FROMDEVICE_BATCH) : c.burst}u`,
        `.snaplen = ${c.snaplen}u, .timestamp = ${+c.timestamp}, .force_ip = ${+c.forceIP}`,
        `.promisc = ${+c.promisc}, .sniffer = ${+c.sniffer}, .outbound = ${+c.outbound}, .quiet = ${+c.quiet}, .method = ${methodCode(c.method)}`,
      ].join(', '),
  },
  handlers: {
    count: { read: (e: E) => String(e.count) },
    reset_counts: { write: (e: E) => void (e.count = 0) },
    kernel_drops: { read: (e: E) => String(e.kernelDrops) },
    encap: { read: () => 'ETHER' },
  },
});
