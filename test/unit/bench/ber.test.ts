/**
 * The bench's BER encoder: the v2c trap packets it pre-encodes are decoded by net-snmp (the
 * library's own receiver, fed through a fake socket: no network) to the same version,
 * community, trap OID and varbinds; integer and OID edge cases encode as X.690 says.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { encodeV2cTrap, integer, octetString, oid, unsigned32, TAG } from '../../../bench/lib/ber.js';
import { OID_HEARTBEAT, OID_HEARTBEAT_NAME, OID_LINK_DOWN, v2cTrapPacket } from '../../../bench/lib/traps.js';

interface Decoded { pdu: { type: number; id: number; varbinds: { oid: string; type: number; value: unknown }[]; community?: string } }
interface NetSnmp {
  createReceiver(options: object, cb: (err: Error | null, data?: Decoded) => void): { close(): void };
  PduType: Record<string, number>;
  ObjectType: Record<string, number>;
}
const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

/** Hands one datagram to net-snmp's receiver through a fake dgram module; returns what it decoded. */
function decode(packet: Buffer): Decoded {
  const socket = Object.assign(new EventEmitter(), { bind() {}, close() {}, send() {} });
  let result: Decoded | undefined;
  let error: Error | null = null;
  snmp.createReceiver({ port: 1, address: '127.0.0.1', disableAuthorization: true, includeAuthentication: true, dgramModule: { createSocket: () => socket } },
    (err, data) => {
      error = err;
      result = data;
    });
  socket.emit('message', packet, { address: '127.0.0.1', family: 'IPv4', port: 40000, size: packet.length });
  if (error) throw error;
  assert.ok(result, 'net-snmp decoded nothing');
  return result;
}

describe('bench BER encoder', () => {
  it('encodes INTEGER in the fewest two\'s-complement octets', () => {
    const hex = (b: Buffer) => b.toString('hex');
    assert.equal(hex(integer(0)), '020100');
    assert.equal(hex(integer(127)), '02017f');
    assert.equal(hex(integer(128)), '02020080');
    assert.equal(hex(integer(-1)), '0201ff');
    assert.equal(hex(integer(-128)), '020180');
    assert.equal(hex(integer(-129)), '0202ff7f');
    assert.equal(hex(integer(0x7fffffff)), '02047fffffff');
    assert.equal(hex(unsigned32(0xffffffff, TAG.timeTicks)), '430500ffffffff');
    assert.throws(() => integer(2 ** 31));
  });

  it('encodes OIDs with multi-byte arcs and long lengths', () => {
    assert.equal(oid('1.3.6.1.4.1.311').toString('hex'), '06072b060104018237');
    assert.equal(oid('1.3.4294967295').toString('hex'), '06062b8fffffff7f');
    const long = octetString('x'.repeat(300));
    assert.equal(long.subarray(0, 4).toString('hex'), '0482012c');
  });

  it('builds v2c traps that net-snmp decodes to the same fields', () => {
    const d = decode(encodeV2cTrap({
      community: 'bench-c', requestId: 4242, uptime: 123456, trapOid: '1.3.6.1.4.1.99999.0.7',
      varbinds: [{ oid: '1.3.6.1.4.1.99999.1.1', value: octetString('héllo') }, { oid: '1.3.6.1.4.1.99999.1.2', value: integer(-5) }],
    }));
    assert.equal(d.pdu.type, snmp.PduType.TrapV2);
    assert.equal(d.pdu.id, 4242);
    assert.equal(d.pdu.community, 'bench-c');
    const vb = d.pdu.varbinds;
    assert.deepEqual(vb.map((v) => v.oid), ['1.3.6.1.2.1.1.3.0', '1.3.6.1.6.3.1.1.4.1.0', '1.3.6.1.4.1.99999.1.1', '1.3.6.1.4.1.99999.1.2']);
    assert.equal(vb[0]!.type, snmp.ObjectType.TimeTicks);
    assert.equal(vb[0]!.value, 123456);
    assert.equal(vb[1]!.value, '1.3.6.1.4.1.99999.0.7');
    assert.equal(Buffer.from(vb[2]!.value as Buffer).toString('utf8'), 'héllo');
    assert.equal(vb[3]!.value, -5);
  });

  it('the load generator\'s packets carry their sequence number; one in ten is linkDown', () => {
    const first = decode(v2cTrapPacket(0, 'public')).pdu.varbinds;
    assert.equal(first[1]!.value, OID_LINK_DOWN);
    const other = decode(v2cTrapPacket(7, 'public')).pdu.varbinds;
    assert.equal(other[1]!.value, OID_HEARTBEAT);
    assert.equal(other[2]!.oid, OID_HEARTBEAT_NAME);
    assert.match(Buffer.from(other[2]!.value as Buffer).toString(), /^seq=7 /);
  });
});
