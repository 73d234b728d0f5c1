/**
 * TEST-PLAN L2 and L3, exact accounting of UDP ingest under load against `eventgate run`:
 * sequence-numbered syslog at 5,000/s, then SNMP v2c traps at 1,000/s together with v3
 * authPriv (SHA/AES) at 200/s, each for 10 s from a paced, bounded sender on loopback.
 * What the gateway counted + the kernel's receive-buffer drops of the listener's socket +
 * the gateway's own drops must equal what was sent, with loss ≤ 0.1 %; every classified
 * event is in the history once; valid traps are never rejected.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, startGatewayProcess, type RunningGateway } from '../helpers/gateway-process.js';
import { freePort, httpGet } from '../helpers/http.js';
import { count, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { udpDrops } from '../../bench/lib/proc.js';
import { waitFor } from '../helpers/wait.js';

const SECONDS = 10;
const MAX_LOSS = 0.001;
const V3 = { user: 'loadv3', auth: 'accounting-auth-1', priv: 'accounting-priv-1', engineId: '80001f8880c0ffee0a' } as const;
const COMMUNITY = 'accounting-community';

/** Sum of every sample of `name` whose labels include all of `labels` (Prometheus text). */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const open = line.indexOf('{');
    const labelText = open === name.length ? line.slice(open + 1, line.indexOf('}')) : '';
    if (want.every((w) => labelText.split(',').includes(w))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/**
 * Calls `send(n)` on schedule at `rate`/s until `count` calls or `maxSeconds` have passed,
 * in bursts of at most `batch`; sleeps when ahead (never spins). Resolves with the calls made.
 */
function pace(rate: number, limit: number, maxSeconds: number, batch: number, send: (n: number) => void): Promise<number> {
  const start = performance.now();
  let n = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const secs = (performance.now() - start) / 1000;
      if (n >= limit || secs >= maxSeconds) return resolve(n);
      const due = Math.min(limit, Math.floor(rate * secs)) - n;
      for (let i = 0; i < Math.min(due, batch); i++) send(n++);
      if (due <= batch) setTimeout(tick, Math.max(1, Math.min(20, ((n + 1) / rate - secs) * 1000)));
      else setImmediate(tick);
    };
    tick();
  });
}

/** Counts completed and failed sends of an asynchronous sender; `settled()` waits for all callbacks. */
function tally() {
  let ok = 0;
  let failed = 0;
  let lastError = '';
  return {
    done: (err?: Error | null) => {
      if (err) {
        failed++;
        lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      } else ok++;
    },
    get ok() { return ok; },
    get failed() { return failed; },
    get lastError() { return lastError; },
    settled: (calls: number) => waitFor(() => ok + failed === calls, () => `send callbacks: ${ok + failed} of ${calls}`, 15_000),
  };
}

/** The part of net-snmp's API used here (the package ships no types). */
interface NetSnmp {
  createSession(target: string, community: string, options: object): TrapSession;
  createV3Session(target: string, user: object, options: object): TrapSession;
  Version2c: number;
  Version3: number;
  SecurityLevel: { authPriv: number };
  AuthProtocols: { sha: number };
  PrivProtocols: { aes: number };
  ObjectType: { Integer: number; OctetString: number };
}
interface TrapSession {
  trap(oid: string, varbinds: object[], cb: (err?: Error) => void): void;
  on(ev: 'error', fn: (e: Error) => void): void;
  close(): void;
}

const OID_LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';
const OID_IF_INDEX = '1.3.6.1.2.1.2.2.1.1';
const OID_HEARTBEAT = '1.3.6.1.4.1.99999.0.1';
const OID_TEXT = '1.3.6.1.4.1.99999.1.1';

describe('ingest accounting under load (L2, L3)', { timeout: 90_000 }, () => {
  const cleanups: (() => void)[] = [];
  let gw: RunningGateway;
  let state: string;
  let metricsUrl: string;
  const metrics = async () => (await httpGet(metricsUrl)).body;

  before(async () => {
    const dir = tempDir({ after: (fn: () => void) => cleanups.push(fn) });
    state = join(dir, 'state');
    const httpPort = await freePort();
    metricsUrl = `http://127.0.0.1:${httpPort}/metrics`;
    gw = await startGatewayProcess(dir, `
listeners:
  syslog:
    - { id: udp, protocol: udp, address: 127.0.0.1, port: 0, receive_buffer_size: 4MiB }
  snmp:
    - id: traps
      address: 127.0.0.1
      port: 0
      receive_buffer_size: 4MiB
      communities: [{ env: SNMP_COMMUNITY }]
      users:
        - { name: ${V3.user}, auth: { protocol: sha, key: { env: V3_AUTH } }, priv: { protocol: aes, key: { env: V3_PRIV } } }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
http: { listen: "127.0.0.1:${httpPort}" }
`, { SNMP_COMMUNITY: COMMUNITY, V3_AUTH: V3.auth, V3_PRIV: V3.priv });
  });

  after(async () => {
    const code = await gw?.stop('SIGTERM', 20_000);
    for (const c of cleanups) c();
    if (gw) assert.equal(code, 0, `SIGTERM exits 0\n${gw.tail()}`);
  });

  it('L2: UDP syslog at 5,000/s for 10 s: received + kernel drops + gateway drops = sent, loss ≤ 0.1 %, every classified event stored once', { timeout: 60_000 }, async (t) => {
    const RATE = 5000;
    const port = gw.port('udp');
    const kernelBefore = udpDrops(port);
    assert.ok(kernelBefore !== undefined, `the listener's socket (port ${port}) is in /proc/net/udp`);
    const m0 = await metrics();
    assert.equal(total(m0, 'eventgate_received_messages_total', { listener: 'udp' }), 0);

    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.connect(port, '127.0.0.1', r));
    const sends = tally();
    // One in ten is a virus line the shipped generic pack classifies; the rest match no rule.
    const line = (n: number) => n % 10 === 0
      ? `<12>Nov 22 10:00:00 fs01 avscan: Virus found: Eicar-${n} in /srv/share/f${n}.exe on PC-${n % 97} seq=${n}`
      : `<14>Nov 22 10:00:00 fs01 app[42]: heartbeat seq=${n} ok`;
    const started = performance.now();
    const calls = await pace(RATE, RATE * SECONDS, SECONDS + 5, 100, (n) => sock.send(line(n), sends.done));
    const sendSeconds = (performance.now() - started) / 1000;
    await sends.settled(calls);
    sock.close();
    assert.equal(sends.failed, 0, `send errors (last ${sends.lastError})`);
    const sent = sends.ok;
    assert.ok(sent >= RATE * SECONDS * 0.95, `sent ${sent} of ${RATE * SECONDS} in ${sendSeconds.toFixed(1)} s`);

    const figures = async () => {
      const m = await metrics();
      const received = total(m, 'eventgate_received_messages_total', { listener: 'udp' });
      // The kernel's drops the gateway reports (reason receive_buffer) are not among those it read.
      const reportedKernelDrops = total(m, 'eventgate_dropped_messages_total', { listener: 'udp', reason: 'receive_buffer' });
      const gatewayDrops = total(m, 'eventgate_dropped_messages_total', { listener: 'udp' }) - reportedKernelDrops;
      const kernelDrops = (udpDrops(port) ?? NaN) - kernelBefore;
      return { m, received, gatewayDrops, kernelDrops, reportedKernelDrops, accounted: received + kernelDrops };
    };
    // Every datagram still in the socket buffer is either read (received) or was dropped.
    await waitFor(async () => (await figures()).accounted >= sent, () => `received + kernel drops to reach ${sent}`, 30_000, 100);
    const classified = () => figures().then((x) => ({ ...x, classified: total(x.m, 'eventgate_classified_events_total'), ruleDrops: total(x.m, 'eventgate_dropped_messages_total', { listener: 'udp', reason: 'rule' }) }));
    // Gateway drops before classification mean the event never reaches a category.
    const c = await waitFor(async () => {
      const x = await classified();
      return x.classified === x.received - (x.gatewayDrops - x.ruleDrops) && x;
    }, 'every received message to be classified', 30_000, 100);
    const stored = await waitFor(() => {
      const n = count(state, "SELECT COUNT(*) AS n FROM events WHERE listener = 'udp'");
      return n === c.classified - c.ruleDrops && n;
    }, () => `history rows to reach ${c.classified - c.ruleDrops} (have ${count(state, "SELECT COUNT(*) AS n FROM events WHERE listener = 'udp'")})`, 30_000, 200);

    const lost = c.kernelDrops + c.gatewayDrops;
    // What the gateway reports of the kernel's drops (read once a second) matches the socket's count.
    await waitFor(async () => (await figures()).reportedKernelDrops === c.kernelDrops, () => `the gateway to report the kernel's ${c.kernelDrops} drops`, 5000, 200);
    t.diagnostic(`L2 sent ${sent} in ${sendSeconds.toFixed(2)} s (${Math.round(sent / sendSeconds)}/s); received ${c.received}, kernel drops ${c.kernelDrops}, gateway drops ${c.gatewayDrops}; classified ${c.classified}, stored ${stored}; loss ${((100 * lost) / sent).toFixed(3)} %`);
    // The gateway's drops are counted among the received messages (they were read off the
    // socket), so received + kernel drops is the whole sum: delivered + kernel + gateway drops.
    assert.equal(c.received + c.kernelDrops, sent, 'exact accounting: received (incl. gateway drops) + kernel drops = sent');
    assert.ok(lost <= sent * MAX_LOSS, `loss ${lost} of ${sent} over 0.1 %`);

    // Sequence check of the history: each stored sequence number once, the virus lines classified.
    const rows = withStateDb(state, (db) => db.prepare("SELECT message, category FROM events WHERE listener = 'udp'").all() as { message: string; category: string }[]);
    const seqs = new Set<number>();
    let viruses = 0;
    for (const r of rows) {
      const seq = Number(/seq=(\d+)/.exec(r.message)?.[1]);
      assert.ok(Number.isInteger(seq) && seq >= 0 && seq < sent, `stored message with a sequence number: ${r.message}`);
      assert.ok(!seqs.has(seq), `seq=${seq} stored twice`);
      seqs.add(seq);
      assert.equal(r.category, seq % 10 === 0 ? 'virus' : 'other', `category of seq=${seq}`);
      if (seq % 10 === 0) viruses++;
    }
    assert.equal(seqs.size, sent - lost, 'one history row per sequence number that was not dropped');
    assert.equal(total(c.m, 'eventgate_classified_events_total', { category: 'virus' }), viruses);
  });

  it('L3: SNMP v2c traps at 1,000/s and v3 authPriv at 200/s for 10 s: accepted + rejected + kernel drops + gateway drops = sent, loss ≤ 0.1 %, no valid packet rejected', { timeout: 60_000 }, async (t) => {
    const V2C_RATE = 1000;
    const V3_RATE = 200;
    const port = gw.port('traps');
    const kernelBefore = udpDrops(port);
    assert.ok(kernelBefore !== undefined, `the listener's socket (port ${port}) is in /proc/net/udp`);
    const m0 = await metrics();
    const classifiedBefore = total(m0, 'eventgate_classified_events_total');
    assert.equal(total(m0, 'eventgate_received_messages_total', { listener: 'traps' }), 0);

    const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;
    const sessionErrors: string[] = [];
    const v2c = snmp.createSession('127.0.0.1', COMMUNITY, { version: snmp.Version2c, trapPort: port, transport: 'udp4' });
    const v3 = snmp.createV3Session('127.0.0.1', {
      name: V3.user, level: snmp.SecurityLevel.authPriv,
      authProtocol: snmp.AuthProtocols.sha, authKey: V3.auth, privProtocol: snmp.PrivProtocols.aes, privKey: V3.priv,
    }, { version: snmp.Version3, trapPort: port, engineID: V3.engineId, transport: 'udp4' });
    for (const s of [v2c, v3]) s.on('error', (e) => sessionErrors.push(String(e)));
    // One in ten a linkDown, the rest an enterprise heartbeat; every trap carries its sequence number.
    const varbinds = (n: number, version: string) => n % 10 === 0
      ? [{ oid: `${OID_IF_INDEX}.3`, type: snmp.ObjectType.Integer, value: 3 }, { oid: OID_TEXT, type: snmp.ObjectType.OctetString, value: `${version} seq=${n} link down` }]
      : [{ oid: OID_TEXT, type: snmp.ObjectType.OctetString, value: `${version} seq=${n} heartbeat` }];
    const v2cSends = tally();
    const v3Sends = tally();
    const started = performance.now();
    const [v2cCalls, v3Calls] = await Promise.all([
      pace(V2C_RATE, V2C_RATE * SECONDS, SECONDS + 5, 50, (n) => v2c.trap(n % 10 === 0 ? OID_LINK_DOWN : OID_HEARTBEAT, varbinds(n, 'v2c'), v2cSends.done)),
      pace(V3_RATE, V3_RATE * SECONDS, SECONDS + 5, 20, (n) => v3.trap(n % 10 === 0 ? OID_LINK_DOWN : OID_HEARTBEAT, varbinds(n, 'v3'), v3Sends.done)),
    ]);
    const sendSeconds = (performance.now() - started) / 1000;
    await Promise.all([v2cSends.settled(v2cCalls), v3Sends.settled(v3Calls)]);
    v2c.close();
    v3.close();
    assert.deepEqual(sessionErrors, []);
    assert.equal(v2cSends.failed + v3Sends.failed, 0, `send errors (last ${v2cSends.lastError || v3Sends.lastError})`);
    const sentV2c = v2cSends.ok;
    const sentV3 = v3Sends.ok;
    const sent = sentV2c + sentV3;
    assert.ok(sentV2c >= V2C_RATE * SECONDS * 0.95 && sentV3 >= V3_RATE * SECONDS * 0.95, `sent v2c ${sentV2c}, v3 ${sentV3} in ${sendSeconds.toFixed(1)} s`);

    const figures = async () => {
      const m = await metrics();
      const kernelDrops = (udpDrops(port) ?? NaN) - kernelBefore;
      return {
        m,
        kernelDrops,
        received: total(m, 'eventgate_received_messages_total', { listener: 'traps' }),
        acceptedV2c: total(m, 'eventgate_snmp_accepted_total', { listener: 'traps', version: 'v2c' }),
        acceptedV3: total(m, 'eventgate_snmp_accepted_total', { listener: 'traps', version: 'v3' }),
        rejected: total(m, 'eventgate_snmp_rejected_total', { listener: 'traps' }),
        // Less the kernel's drops the gateway reports (reason receive_buffer): it never read those.
        gatewayDrops: total(m, 'eventgate_dropped_messages_total', { listener: 'traps' }) - total(m, 'eventgate_dropped_messages_total', { listener: 'traps', reason: 'receive_buffer' }),
        classified: total(m, 'eventgate_classified_events_total') - classifiedBefore,
      };
    };
    await waitFor(async () => {
      const x = await figures();
      return x.acceptedV2c + x.acceptedV3 + x.rejected + x.kernelDrops >= sent;
    }, () => `accepted + rejected + kernel drops to reach ${sent}`, 30_000, 100);
    // An accepted trap dropped on a full queue is counted in both accepted and dropped.
    const f = await waitFor(async () => {
      const x = await figures();
      return x.classified === x.acceptedV2c + x.acceptedV3 - x.gatewayDrops && x;
    }, 'every accepted trap to be classified', 30_000, 100);
    const stored = await waitFor(() => {
      const n = count(state, "SELECT COUNT(*) AS n FROM events WHERE listener = 'traps'");
      return n === f.classified && n;
    }, () => `history rows to reach ${f.classified}`, 30_000, 200);

    const accepted = f.acceptedV2c + f.acceptedV3;
    const lost = f.kernelDrops + f.gatewayDrops + f.rejected;
    t.diagnostic(`L3 sent v2c ${sentV2c} + v3 ${sentV3} = ${sent} in ${sendSeconds.toFixed(2)} s; accepted v2c ${f.acceptedV2c} + v3 ${f.acceptedV3}, rejected ${f.rejected}, kernel drops ${f.kernelDrops}, gateway drops ${f.gatewayDrops}; classified ${f.classified}, stored ${stored}; loss ${((100 * lost) / sent).toFixed(3)} %`);
    assert.equal(f.rejected, 0, `valid packets rejected:\n${f.m.split('\n').filter((l) => l.startsWith('eventgate_snmp_rejected_total')).join('\n')}`);
    assert.equal(f.received, accepted + f.rejected, 'every datagram read is accepted or rejected (no discovery for traps)');
    assert.equal(accepted + f.rejected + f.kernelDrops, sent, 'exact accounting: accepted + rejected + kernel drops = sent');
    assert.ok(f.acceptedV2c <= sentV2c && f.acceptedV3 <= sentV3, 'no version accepted more than was sent');
    assert.ok(lost <= sent * MAX_LOSS, `loss ${lost} of ${sent} over 0.1 %`);

    const rows = withStateDb(state, (db) => db.prepare("SELECT message FROM events WHERE listener = 'traps'").all() as { message: string }[]);
    const seen = new Set<string>();
    for (const r of rows) {
      const key = /(v2c|v3) seq=(\d+)/.exec(r.message)?.slice(1, 3).join(' ');
      assert.ok(key, `stored trap with a version and sequence number: ${r.message}`);
      assert.ok(!seen.has(key), `${key} stored twice`);
      seen.add(key);
    }
    assert.equal(seen.size, accepted - f.gatewayDrops, 'one history row per trap accepted and not dropped');
  });
});
