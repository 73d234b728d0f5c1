/**
 * net-snmp's Receiver on a virtual socket owned here: it decodes and authenticates one
 * admitted datagram with exactly the community or user it is given, and what it "sends"
 * (an inform ack, a discovery Report) is returned, never put on a wire. Used for v3 and
 * informs (whose ack net-snmp encodes); `decode` never throws.
 */
import { createRequire } from 'node:module';
import type { DecodedPdu } from './engine.js';
import { userLevel, type UsmUser } from './usm.js';

interface VirtualSocket {
  on(event: string, fn: (...args: unknown[]) => void): VirtualSocket;
  bind(): void;
  close(cb?: () => void): void;
  address(): { address: string; family: string; port: number };
  send(buf: Buffer, offset: number, length: number): void;
  unref(): void;
  ref(): void;
}
interface NetSnmp {
  createReceiver(options: object, cb: (error: unknown, data?: { pdu: DecodedPdu }) => void): {
    authorizer: { communities: string[]; users: object[] };
    engine: { engineID: Buffer };
  };
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  ResponseInvalidCode: Record<string, number>;
}
const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

/** net-snmp's codes for a failed digest or decryption: an `auth` rejection. */
export const AUTH_FAILURE_CODES: ReadonlySet<number> = new Set([snmp.ResponseInvalidCode.EAuthFailure!, snmp.ResponseInvalidCode.ECouldNotDecrypt!]);

export interface NetSnmpResult {
  readonly error?: unknown;
  readonly pdu?: DecodedPdu;
  /** What net-snmp sent back (copies). */
  readonly sent: readonly Buffer[];
}

export interface NetSnmpDecoder {
  /** The receiver's engine ID (hex): the configured one, else random. */
  readonly engineId: string;
  decode(bytes: Buffer, peer: { address: string; port: number }, auth: { community?: string; user?: UsmUser }): NetSnmpResult;
}

function netSnmpUser(u: UsmUser): object {
  return {
    name: u.name,
    level: snmp.SecurityLevel[userLevel(u)],
    ...(u.auth ? { authProtocol: snmp.AuthProtocols[u.auth.protocol], authKey: u.auth.key.reveal() } : {}),
    ...(u.priv ? { privProtocol: snmp.PrivProtocols[u.priv.protocol], privKey: u.priv.key.reveal() } : {}),
  };
}

export function createNetSnmpDecoder(engineId?: string): NetSnmpDecoder {
  let onMessage: ((buf: Buffer, rinfo: object) => void) | undefined;
  let sent: Buffer[] = [];
  let result: { error?: unknown; pdu?: DecodedPdu } = {};
  const socket: VirtualSocket = {
    on(event, fn) {
      if (event === 'message') onMessage = fn as typeof onMessage;
      return socket;
    },
    bind() {},
    close(cb) {
      cb?.();
    },
    address: () => ({ address: '0.0.0.0', family: 'IPv4', port: 0 }),
    send(buf, offset, length) {
      sent.push(Buffer.from(buf.subarray(offset, offset + length)));
    },
    unref() {},
    ref() {},
  };
  const receiver = snmp.createReceiver(
    { port: 1, transport: 'udp4', dgramModule: { createSocket: () => socket }, ...(engineId ? { engineID: engineId } : {}) },
    (error, data) => {
      result = error ? { error } : { pdu: data!.pdu };
    },
  );
  return {
    engineId: receiver.engine.engineID.toString('hex'),
    decode(bytes, peer, auth) {
      receiver.authorizer.communities = auth.community === undefined ? [] : [auth.community];
      receiver.authorizer.users = auth.user ? [netSnmpUser(auth.user)] : [];
      sent = [];
      result = {};
      try {
        onMessage!(bytes, { address: peer.address, port: peer.port, family: 'IPv4', size: bytes.length });
      } catch {
        // net-snmp threw out of its handler (e.g. re-encoding an inform ack): undecodable input.
        result = { error: { name: 'thrown' } };
      } finally {
        receiver.authorizer.communities = [];
        receiver.authorizer.users = [];
      }
      return { ...result, sent };
    },
  };
}
