/**
 * Binding a UDP listener socket, shared by the syslog and SNMP listeners: `::` binds
 * dual-stack (IPv4 peers arrive as IPv4-mapped and are normalized by the caller) and falls
 * back to 0.0.0.0 where IPv6 is unavailable; the receive buffer is raised as configured
 * (the kernel caps it at net.core.rmem_max).
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Stops and restarts reading a bound socket; `on` while it reads. */
export interface SocketReading {
  readonly on: boolean;
  pause(): void;
  resume(): void;
}

/**
 * Node's dgram has no public pause, so this uses the handle's recvStop/recvStart (what
 * `bind` starts and `close` stops); undefined when they are not there, and the caller reads
 * on as it would without them.
 */
export function socketReading(socket: Socket): SocketReading | undefined {
  type Handle = { recvStop?: () => number; recvStart?: () => number };
  const state = Object.getOwnPropertySymbols(socket).find((k) => k.description === 'state symbol');
  const handle = state && (socket as unknown as Record<symbol, { handle?: Handle } | undefined>)[state]?.handle;
  const { recvStop, recvStart } = handle ?? {};
  if (typeof recvStop !== 'function' || typeof recvStart !== 'function') return undefined;
  let on = true;
  return {
    get on() {
      return on;
    },
    pause() {
      if (recvStop.call(handle) === 0) on = false;
    },
    resume() {
      if (recvStart.call(handle) === 0) on = true;
    },
  };
}

/** Where binding reports what it had to change (a Logger, or the receiving thread's relay). */
export interface SetupLog {
  warn(fields: object, message: string): void;
}

async function bind(address: string, port: number): Promise<Socket> {
  const s = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: false, reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind({ address, port, exclusive: true }, () => {
      s.off('error', reject);
      resolve();
    });
  });
  return s;
}

/** Binds `address:port`; rejects when binding fails (other than IPv6 being unavailable for `::`). */
export async function bindUdpSocket(o: { address: string; port: number; receiveBufferBytes: number; log: SetupLog }): Promise<Socket> {
  let socket: Socket;
  try {
    socket = await bind(o.address, o.port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (o.address !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw err;
    o.log.warn({ code }, 'IPv6 unavailable; listening on IPv4 only');
    socket = await bind('0.0.0.0', o.port);
  }
  try {
    socket.setRecvBufferSize(o.receiveBufferBytes);
  } catch (err) {
    o.log.warn({ err }, 'could not set the receive buffer size');
  }
  return socket;
}
