/**
 * The SNMP traps the load generators send: one in ten a linkDown (IF-MIB, ifIndex 3), the
 * rest an enterprise heartbeat; every trap carries `seq=<n>` in an OCTET STRING varbind so
 * a receiver's output can be checked. Pure: packet bytes (v2c) or varbind lists (v3 via
 * net-snmp).
 */
import { encodeV2cTrap, integer, octetString } from './ber.js';

export const OID_LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
export const OID_IF_INDEX = '1.3.6.1.2.1.2.2.1.1';
export const OID_HEARTBEAT = '1.3.6.1.4.1.8072.2.3.0.1';
export const OID_HEARTBEAT_NAME = '1.3.6.1.4.1.8072.2.3.2.1';
export const LINK_DOWN_EVERY = 10;

export interface TrapSpec {
  readonly trapOid: string;
  readonly varbinds: readonly { oid: string; kind: 'integer' | 'string'; value: number | string }[];
}

/**
 * `uniqueLinks`: each linkDown names its own port (ifIndex n), so each one opens its own
 * problem and is notified; otherwise all name port 3 and repeats are held while it is open.
 */
export function trapSpec(n: number, uniqueLinks = false): TrapSpec {
  const seq = `seq=${n}`;
  if (n % LINK_DOWN_EVERY === 0) {
    const port = uniqueLinks ? n : 3;
    return { trapOid: OID_LINK_DOWN, varbinds: [{ oid: `${OID_IF_INDEX}.${port}`, kind: 'integer', value: port }, { oid: OID_HEARTBEAT_NAME, kind: 'string', value: `${seq} link down on port ${port}` }] };
  }
  return { trapOid: OID_HEARTBEAT, varbinds: [{ oid: OID_HEARTBEAT_NAME, kind: 'string', value: `${seq} heartbeat ok` }] };
}

export function v2cTrapPacket(n: number, community: string, uniqueLinks = false): Buffer {
  const s = trapSpec(n, uniqueLinks);
  return encodeV2cTrap({
    community, requestId: n & 0x7fffffff, uptime: 100_000 + n, trapOid: s.trapOid,
    varbinds: s.varbinds.map((v) => ({ oid: v.oid, value: v.kind === 'integer' ? integer(v.value as number) : octetString(String(v.value)) })),
  });
}
