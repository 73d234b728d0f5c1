/**
 * The kernel's per-socket drop count, from /proc/net/udp(6): rows parsed, addresses encoded
 * the way the kernel prints them (both byte orders), the reader finding its own socket among
 * others and returning deltas, and a real overflowed socket counted.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { kernelDropReader, parseUdpTable, procAddressHex } from '../../../src/listeners/udp-kernel-drops.js';
import { socketReading } from '../../../src/listeners/udp-socket.js';

const HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const row = (sl: number, local: string, drops: number) =>
  `  ${sl}: ${local} 00000000:0000 07 00000000:00000000 00:00000000 00000000   0        0 1234${sl} 2 0000000000000000 ${drops}`;

describe('UDP kernel drops', () => {
  it('parses the rows of /proc/net/udp and skips what is not a row', () => {
    const rows = parseUdpTable([HEADER, row(0, '0100007F:157A', 12), row(1, '00000000:0202', 0), 'garbage', ''].join('\n'));
    assert.deepEqual(rows, [
      { localHex: '0100007F', localPort: 5498, drops: 12 },
      { localHex: '00000000', localPort: 514, drops: 0 },
    ]);
  });

  it('encodes addresses as the kernel prints them, word by word in host byte order', () => {
    assert.equal(procAddressHex('127.0.0.1', true), '0100007F');
    assert.equal(procAddressHex('127.0.0.1', false), '7F000001');
    assert.equal(procAddressHex('0.0.0.0', true), '00000000');
    assert.equal(procAddressHex('::', true), '0'.repeat(32));
    assert.equal(procAddressHex('::1', true), '00000000000000000000000001000000');
    assert.equal(procAddressHex('::1', false), '00000000000000000000000000000001');
    assert.equal(procAddressHex('fe80::1:2', true), '000080FE000000000000000002000100');
    assert.equal(procAddressHex('::ffff:10.0.0.5', true), '0000000000000000FFFF00000500000A');
    assert.equal(procAddressHex('2001:db8:0:0:0:0:0:1', false), '20010DB8000000000000000000000001');
  });

  it('finds its socket by address and port and returns what was dropped since the last call', () => {
    const [one, two] = [procAddressHex('127.0.0.1'), procAddressHex('127.0.0.2')];
    const tables = [[row(0, `${one}:1600`, 5), row(1, `${two}:1600`, 99), row(2, `${one}:1601`, 7)], [row(0, `${one}:1600`, 9), row(1, `${two}:1600`, 150)]];
    let call = 0;
    const read = kernelDropReader('127.0.0.1', 0x1600, () => [HEADER, ...tables[Math.min(call++, 1)]!].join('\n'));
    assert.equal(read(), 0, 'the first call sets the baseline');
    assert.equal(read(), 4);
    assert.equal(read(), 0);
  });

  it('reads as unknown when the table or the row is missing', () => {
    assert.equal(kernelDropReader('127.0.0.1', 9, () => { throw new Error('ENOENT'); })(), undefined);
    assert.equal(kernelDropReader('127.0.0.1', 9, () => HEADER)(), undefined);
  });

  it('counts what the kernel dropped for a real socket that nobody reads', async () => {
    const rx = createSocket({ type: 'udp4', recvBufferSize: 4096 });
    rx.bind(0, '127.0.0.1');
    await once(rx, 'listening');
    // Nothing reads: stop the reads Node started at bind, so the socket's buffer overflows.
    const reading = socketReading(rx);
    assert.ok(reading, 'this Node lets a socket stop reading');
    reading.pause();
    const read = kernelDropReader('127.0.0.1', rx.address().port);
    assert.equal(read(), 0);
    const tx = createSocket('udp4');
    for (let i = 0; i < 200; i++) await new Promise<void>((r) => tx.send(Buffer.alloc(200), rx.address().port, '127.0.0.1', () => r()));
    const dropped = read();
    tx.close();
    rx.close();
    assert.ok(dropped !== undefined && dropped > 100, `the kernel dropped ${dropped} of 200`);
  });
});
