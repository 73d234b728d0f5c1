/**
 * Relay mode: the original trap of a trap event, rebuilt for forwarding with its
 * notification OID, sysUpTime and varbinds unchanged (values as the listener decoded them:
 * numbers, dotted OIDs and addresses, text or hex octets). snmpTrapAddress.0 names the
 * original source (RFC 3584 section 3.1): an existing one is kept, else the source address
 * is appended when it is IPv4 (the IpAddress type holds nothing else). A trap that was not
 * kept whole (varbinds left out, a value cut at the listener's bound) is refused rather
 * than forwarded changed. Pure.
 */
import { isIPv4 } from 'node:net';
import type { NotificationTrap, NotificationTrapVarbind } from '../../core/notification.js';
import { SMI, type SnmpNotification, type SnmpVarbind } from './varbinds.js';

export const SNMP_TRAP_ADDRESS_0 = '1.3.6.1.6.3.18.1.3.0';

const TYPES: Readonly<Record<string, number>> = {
  Boolean: SMI.Boolean, Integer: SMI.Integer, Integer32: SMI.Integer, OctetString: SMI.OctetString, Null: SMI.Null,
  OID: SMI.OID, IpAddress: SMI.IpAddress, Counter32: SMI.Counter32, Counter: SMI.Counter32, Gauge32: SMI.Gauge32,
  Gauge: SMI.Gauge32, Unsigned32: SMI.Gauge32, TimeTicks: SMI.TimeTicks, Opaque: SMI.Opaque, Counter64: SMI.Counter64,
};

/** Counter64 as the minimal big-endian unsigned bytes net-snmp writes as the INTEGER content. */
function counter64(text: string): Buffer {
  let n = BigInt(text);
  if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError('Counter64 out of range');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

function unsigned32(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`not an unsigned 32-bit value: ${text.slice(0, 40)}`);
  return n;
}

/** One decoded varbind back to its SMI type and value; throws on a value that cannot be encoded. */
function varbind(vb: NotificationTrapVarbind): SnmpVarbind {
  const type = TYPES[vb.type];
  if (type === undefined) throw new RangeError(`type ${vb.type.slice(0, 40)} cannot be forwarded`);
  switch (type) {
    case SMI.OctetString:
    case SMI.Opaque:
      return { oid: vb.oid, type, value: Buffer.from(vb.value, vb.encoding === 'hex' ? 'hex' : 'utf8') };
    case SMI.Integer: {
      const n = Number(vb.value);
      if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`not a 32-bit integer: ${vb.value.slice(0, 40)}`);
      return { oid: vb.oid, type, value: n };
    }
    case SMI.Counter32: case SMI.Gauge32: case SMI.TimeTicks:
      return { oid: vb.oid, type, value: unsigned32(vb.value) };
    case SMI.Counter64:
      return { oid: vb.oid, type, value: counter64(vb.value) };
    case SMI.Boolean:
      return { oid: vb.oid, type, value: vb.value === 'true' || vb.value === '1' };
    case SMI.Null:
      return { oid: vb.oid, type, value: null };
    default:
      return { oid: vb.oid, type, value: vb.value };
  }
}

/** The original trap ready to forward, or an error naming what cannot be encoded. */
export function relayNotification(trap: NotificationTrap, source: string | undefined): SnmpNotification | { error: string } {
  if (!trap.trapOid) return { error: 'the original trap has no notification OID' };
  if (trap.omitted) return { error: `${trap.omitted} of its varbinds were left out when it was received` };
  const cut = trap.varbinds.find((vb) => vb.truncated);
  if (cut) return { error: `the value of ${cut.oid} was cut when it was received` };
  const varbinds: SnmpVarbind[] = [];
  try {
    for (const vb of trap.varbinds) varbinds.push(varbind(vb));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (source && isIPv4(source) && !varbinds.some((vb) => vb.oid === SNMP_TRAP_ADDRESS_0)) {
    varbinds.push({ oid: SNMP_TRAP_ADDRESS_0, type: SMI.IpAddress, value: source });
  }
  return { trapOid: trap.trapOid, ...(trap.uptime !== undefined ? { uptime: trap.uptime } : {}), varbinds };
}
