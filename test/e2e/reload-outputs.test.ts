/**
 * Reloads close the outputs they replace: an SNMP channel's sockets do not pile up over
 * SIGHUP-style reloads, and stopping the gateway closes the last ones (descriptors of this
 * process counted from /proc/self/fd, which is where a leak would show in production).
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { it } from 'node:test';
import { ROOT } from '../helpers/gateway-process.js';
import { startInProcessGateway } from '../helpers/in-process-gateway.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

const sockets = () => readdirSync('/proc/self/fd').filter((fd) => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
  } catch {
    return false; // closed while we looked
  }
}).length;

it('reloads and stop close the outputs they replace (no socket left per reload)', async (t) => {
  const before = sockets();
  const dir = tempDir(t);
  writeFileSync(join(dir, 'community'), 'public\n', { mode: 0o600 });
  const gw = await startInProcessGateway(dir, `
listeners: { syslog: [{ id: udp, protocol: udp, address: 127.0.0.1, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
channels:
  noc: { type: snmp, targets: [{ host: 127.0.0.1, port: 9, version: 2c, community: { file: community } }] }
routes:
  - { match: { category: virus }, channels: [noc] }
`);
  t.after(() => gw.stop());
  // The SNMP session opens its socket on the first notification: send one per generation.
  const send = async () => {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.send('<12>Nov 22 10:15:02 fs01 avscan: Virus found: EICAR in /srv/x on PC-1', gw.port('udp'), '127.0.0.1', () => r()));
    s.close();
  };
  await send();
  await waitFor(async () => (await gw.counter('eventgate_notifications_sent_total')) >= 1, 'the first trap sent');
  const afterFirst = sockets();
  for (let i = 0; i < 5; i++) {
    await gw.reload();
    await send();
    await waitFor(async () => (await gw.counter('eventgate_notifications_sent_total')) >= i + 2, 'a trap sent after the reload');
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(sockets() <= afterFirst + 1, `sockets after 5 reloads: ${sockets()}, after the first trap: ${afterFirst}`);
  await gw.stop();
  await waitFor(() => sockets() <= before, () => `sockets back to ${before} after stop (have ${sockets()})`, 5000);
});
