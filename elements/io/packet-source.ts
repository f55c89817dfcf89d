// What the packet sources (InfiniteSource, RatedSource, TimedSource) share:
// the data they send (DATA, cut or repeated to LENGTH: source-data.ts), one
// prototype packet every sent packet is a clone of, stamped with the engine
// time, the ACTIVE switch, the count of packets sent, and the handlers that
// read and reset them. Each class decides when to send (`wake` restarts it
// after a handler changed something).

import { HostElement } from '../../host-engine/element.js';
import { DEFAULT_HEADROOM, Packet } from '../../host-engine/packet.js';
import { handlerBool } from '../lib/handler-values.js';
import { setPacketTimeNs } from '../lib/click-time.js';
import type { HandlerDef } from '../spec.js';
import { sourceBytes } from './source-data.js';

export interface PacketSourceConf {
  readonly data: Uint8Array;
  readonly active: boolean;
}

export abstract class PacketSourceElement<C extends PacketSourceConf> extends HostElement<C> {
  data = this.conf.data;
  /** Packet length: DATA cut or repeated to it; negative: DATA as it is. */
  length = -1;
  active = this.conf.active;
  count = 0;
  private proto: Packet | undefined;

  /** Start sending again if there is more to send (after `reset`, `active`...). */
  abstract wake(): void;

  /** Headroom of every packet sent. */
  protected packetHeadroom(): number {
    return DEFAULT_HEADROOM;
  }

  /** Send `data` (to `length` bytes) from now on. */
  setData(data: Uint8Array, length = this.length): void {
    this.data = data;
    this.length = length;
    this.proto = undefined;
  }

  /** A new packet (counted as created): a clone of the prototype, stamped with the engine time unless `stamp` is false. */
  protected makePacket(stamp = true): Packet {
    this.proto ??= Packet.make(sourceBytes(this.data, this.length), this.packetHeadroom());
    const p = this.clonePacket(this.proto);
    if (stamp) setPacketTimeNs(p, this.env.now());
    return p;
  }
}

type Source = PacketSourceElement<PacketSourceConf>;

/** The handlers every source has: count, reset (count to 0 and wake), data (read). */
export const packetSourceHandlers: { readonly [name: string]: HandlerDef<Source> } = {
  count: { read: (e) => String(e.count) },
  reset: {
    write: (e) => {
      e.count = 0;
      e.wake();
    },
  },
  data: { read: (e) => String.fromCharCode(...e.data) },
};

/** The `active` handler, with the class's message for a value that is not a boolean. */
export function activeHandler(message: string): HandlerDef<Source> {
  return {
    read: (e) => String(e.active),
    write: (e, v) => {
      e.active = handlerBool(v, message);
      e.wake();
    },
  };
}
