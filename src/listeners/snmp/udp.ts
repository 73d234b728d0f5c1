/**
 * The SNMP trap listener: a UDP socket read on its own thread (udp-receiver.ts), each
 * datagram handed to the trap receiver (receive.ts), which decides what becomes an event and
 * what is sent back (through the same socket). No error escapes the message handler.
 */
import type { OidIndex } from '../../mib/oid-index.js';
import type { Listener, ListenerContext } from '../listener.js';
import { listenerHandlers, openUdpReceiver, type UdpReceiver } from '../udp-receiver.js';
import type { EngineOptions } from './engine.js';
import type { HostSource } from './normalize.js';
import { createTrapReceiver } from './receive.js';

export interface SnmpListenerOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  /** CIDRs allowed to send, checked on the receiving thread (the engine checks again); empty: all. */
  readonly allow: readonly string[];
  /** What the receiving thread may hold for the event loop (payloads + 64 bytes each). */
  readonly burstBufferBytes: number;
  readonly hostFrom: readonly HostSource[];
  readonly engine: EngineOptions;
  readonly mibs: OidIndex;
}

export function createSnmpListener(ctx: ListenerContext, opts: SnmpListenerOptions): Listener {
  let udp: UdpReceiver | undefined;
  const listener = opts.id;
  const log = ctx.log.child({ component: 'snmp', listener });
  const { metrics } = ctx;

  return {
    id: listener,
    async start() {
      const receiver = createTrapReceiver(ctx, { listener, hostFrom: opts.hostFrom, engine: opts.engine, mibs: opts.mibs, log });
      const reply = (bytes: Buffer, port: number, address: string) => udp?.send(bytes, port, address);
      udp = await openUdpReceiver(
        { address: opts.address, port: opts.port, receiveBufferBytes: opts.receiveBufferBytes, allow: opts.allow, bufferBytes: opts.burstBufferBytes, log },
        {
          ...listenerHandlers(ctx, listener, 'snmp'),
          onRefused: (n, peer) => receiver.refused(n, peer),
          onDatagram: (msg, address, port, ageMs) => receiver.onDatagram(msg, { address, port }, reply, ageMs),
        },
      );
      const a = udp.addresses()[0];
      log.info({ address: a?.address, port: a?.port, engineId: receiver.engine.engineId, mibObjects: opts.mibs.size, receiveBuffer: udp.receiveBuffer }, 'snmp trap listener started');
    },
    async stop() {
      const u = udp;
      udp = undefined;
      await u?.close();
      metrics.buffered.remove({ listener });
    },
    addresses: () => udp?.addresses() ?? [],
  };
}
