/**
 * A minimal BER encoder for SNMP v2c traps, so the trap load generator can pre-encode its
 * packets and replay them at a cost close to zero (the receiver, not the sender, is what is
 * measured). Definite lengths only; INTEGER, OCTET STRING, OID, SEQUENCE, TimeTicks.
 * Pure: bytes in, bytes out.
 */

export const TAG = {
  integer: 0x02, octetString: 0x04, oid: 0x06, sequence: 0x30,
  ipAddress: 0x40, counter32: 0x41, gauge32: 0x42, timeTicks: 0x43, snmpV2Trap: 0xa7,
} as const;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  if (n < 0x10000) return Buffer.from([0x82, n >> 8, n & 0xff]);
  throw new RangeError(`BER length ${n} too large for an SNMP datagram`);
}

export function tlv(tag: number, body: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

/** Two's-complement INTEGER (32-bit range). */
export function integer(v: number, tag: number = TAG.integer): Buffer {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`INTEGER ${v} out of range`);
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x >>= 8;
  } while (x !== 0 && x !== -1);
  if (v >= 0 && bytes[0]! & 0x80) bytes.unshift(0);
  if (v < 0 && !(bytes[0]! & 0x80)) bytes.unshift(0xff);
  return tlv(tag, Buffer.from(bytes));
}

/** Unsigned 32-bit application types (Counter32, Gauge32, TimeTicks). */
export function unsigned32(v: number, tag: number): Buffer {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`unsigned ${v} out of range`);
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x & 0xff);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0 || a > 0xffffffff)) throw new RangeError(`bad OID ${dotted}`);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const b = [arc & 0x7f];
    let x = Math.floor(arc / 128);
    while (x > 0) {
      b.unshift((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    out.push(...b);
  }
  return tlv(TAG.oid, Buffer.from(out));
}

export const octetString = (s: string | Uint8Array): Buffer => tlv(TAG.octetString, typeof s === 'string' ? Buffer.from(s) : s);
export const sequence = (...items: Uint8Array[]): Buffer => tlv(TAG.sequence, Buffer.concat(items));

export const OID_SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
export const OID_SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';

export interface V2cTrap {
  readonly community: string;
  readonly requestId: number;
  readonly uptime: number;
  readonly trapOid: string;
  /** Extra varbinds: OID and an already encoded value. */
  readonly varbinds: readonly { readonly oid: string; readonly value: Buffer }[];
}

/** An SNMPv2-Trap-PDU in an SNMPv2c message (RFC 3416 §4.2.6, RFC 1901). */
export function encodeV2cTrap(t: V2cTrap): Buffer {
  const binds = sequence(
    sequence(oid(OID_SYS_UPTIME), unsigned32(t.uptime, TAG.timeTicks)),
    sequence(oid(OID_SNMP_TRAP_OID), oid(t.trapOid)),
    ...t.varbinds.map((v) => sequence(oid(v.oid), v.value)),
  );
  const pdu = tlv(TAG.snmpV2Trap, Buffer.concat([integer(t.requestId), integer(0), integer(0), binds]));
  return sequence(integer(1), octetString(t.community), pdu);
}
