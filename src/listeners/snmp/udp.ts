/**
 * The SNMP trap listener on node:dgram: binds the socket and hands each datagram to the
 * trap receiver (receive.ts), which decides what becomes an event and what is sent back.
 * No error escapes the message handler.
 */
import type { Socket } from 'node:dgram';
import type { OidIndex } from '../../mib/oid-index.js';
import type { Listener, ListenerContext } from '../listener.js';
import { bindUdpSocket, closeUdpSocket, udpAddresses } from '../udp-socket.js';
import type { EngineOptions } from './engine.js';
import type { HostSource } from './normalize.js';
import { createTrapReceiver } from './receive.js';

export interface SnmpListenerOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly receiveBufferBytes: number;
  readonly hostFrom: readonly HostSource[];
  readonly engine: EngineOptions;
  readonly mibs: OidIndex;
}

export function createSnmpListener(ctx: ListenerContext, opts: SnmpListenerOptions): Listener {
  let socket: Socket | undefined;
  const listener = opts.id;
  const log = ctx.log.child({ component: 'snmp', listener });

  return {
    id: listener,
    async start() {
      const receiver = createTrapReceiver(ctx, { listener, hostFrom: opts.hostFrom, engine: opts.engine, mibs: opts.mibs, log });
      const s = await bindUdpSocket({ address: opts.address, port: opts.port, receiveBufferBytes: opts.receiveBufferBytes, log });
      s.on('error', (err) => ctx.warn('ERR_LISTENER_SOCKET', 'snmp socket error', { listener, err }));
      const reply = (bytes: Buffer, port: number, address: string) => {
        s.send(bytes, port, address, (err) => {
          if (err) ctx.warn('ERR_LISTENER_SOCKET', 'could not send an SNMP response', { listener, err });
        });
      };
      s.on('message', (msg, rinfo) => receiver.onDatagram(msg, rinfo, reply));
      socket = s;
      const a = s.address();
      log.info({ address: a.address, port: a.port, engineId: receiver.engine.engineId, mibObjects: opts.mibs.size }, 'snmp trap listener started');
    },
    async stop() {
      const s = socket;
      socket = undefined;
      await closeUdpSocket(s);
    },
    addresses: () => udpAddresses(socket),
  };
}
