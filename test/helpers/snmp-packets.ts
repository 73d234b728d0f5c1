/**
 * SNMP datagrams for tests: the captured fixtures (test/fixtures/snmp) and a small BER
 * encoder for packets no real client sends (hostile PDUs, 10,000 varbinds, huge OIDs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './gateway-process.js';

export const FIXTURES = join(ROOT, 'test/fixtures/snmp');

/** A captured datagram by file name (without `.hex`). */
export function fixture(name: string): Buffer {
  return Buffer.from(readFileSync(join(FIXTURES, `${name}.hex`), 'utf8').trim(), 'hex');
}

/** Every captured datagram, by name. */
export function allFixtures(dir = FIXTURES): Map<string, Buffer> {
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.hex')).map((f) => [f.slice(0, -4), Buffer.from(readFileSync(join(dir, f), 'utf8').trim(), 'hex')]));
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export function int(n: number | bigint, tag = 0x02): Buffer {
  let v = BigInt(n);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v !== 0n && v !== -1n);
  if (BigInt(n) >= 0n && bytes[0]! & 0x80) bytes.unshift(0);
  if (BigInt(n) < 0n && !(bytes[0]! & 0x80)) bytes.unshift(0xff);
  return tlv(tag, Buffer.from(bytes));
}

export function octets(s: string | Buffer, tag = 0x04): Buffer {
  return tlv(tag, typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
}

export function oidBody(text: string): Buffer {
  const arcs = text.split('.').map((a) => BigInt(a));
  const out: number[] = [];
  const push = (v: bigint) => {
    const chunk: number[] = [Number(v & 0x7fn)];
    for (v >>= 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    out.push(...chunk);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return Buffer.from(out);
}

export function oid(text: string): Buffer {
  return tlv(0x06, oidBody(text));
}

export const nul = (): Buffer => Buffer.from([0x05, 0x00]);
export const ip = (a: string): Buffer => tlv(0x40, Buffer.from(a.split('.').map(Number)));
export const timeticks = (n: number): Buffer => int(n, 0x43);

export type Varbind = readonly [string, Buffer];

export function varbindList(vbs: readonly Varbind[]): Buffer {
  return tlv(0x30, ...vbs.map(([o, v]) => tlv(0x30, oid(o), v)));
}

/** A v1/v2c message carrying a v2-style PDU (trap 0xa7, inform 0xa6, get 0xa0, ...). */
export function communityMessage(o: { version?: 0 | 1; community: string; pdu: number; requestId?: number; varbinds: readonly Varbind[] }): Buffer {
  const pdu = tlv(o.pdu, int(o.requestId ?? 1), int(0), int(0), varbindList(o.varbinds));
  return tlv(0x30, int(o.version ?? 1), octets(o.community), pdu);
}

/** A v2c trap with sysUpTime.0 and snmpTrapOID.0 first. */
export function v2cTrap(community: string, trapOid: string, varbinds: readonly Varbind[] = [], pdu = 0xa7): Buffer {
  return communityMessage({
    community, pdu,
    varbinds: [['1.3.6.1.2.1.1.3.0', timeticks(100)], ['1.3.6.1.6.3.1.1.4.1.0', oid(trapOid)], ...varbinds],
  });
}

/** An SNMPv1 Trap-PDU. */
export function v1Trap(o: { community: string; enterprise: string; agent: string; generic: number; specific: number; varbinds?: readonly Varbind[] }): Buffer {
  const pdu = tlv(0xa4, oid(o.enterprise), ip(o.agent), int(o.generic), int(o.specific), timeticks(42), varbindList(o.varbinds ?? []));
  return tlv(0x30, int(0), octets(o.community), pdu);
}
