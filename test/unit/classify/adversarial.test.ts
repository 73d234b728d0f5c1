/**
 * TEST-PLAN B7's last clause: 64 KiB hostile lines against every shipped rule. The bench
 * (npm run bench:classify) measures the time (about 1-7 ms per line on a loaded 2-core
 * box); this test holds a bound 100 times looser, so it fails only on a real regression
 * such as a super-linear pattern slipping into a pack.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClassifier } from '../../../src/classify/classifier.js';
import { compileRules } from '../../../src/classify/compile.js';
import { loadConfig } from '../../../src/config/load.js';
import { syslogEvent } from '../../../src/listeners/syslog/normalize.js';
import { ROOT } from '../../helpers/gateway-process.js';

const K64 = 64 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(K64 / unit.length)).slice(0, K64);

describe('64 KiB adversarial lines against all shipped rules', () => {
  it('are each classified well within 500 ms', () => {
    const loaded = loadConfig(join(ROOT, 'config/eventgate.yaml'));
    assert.ok(loaded.ok);
    const classify = createClassifier(compileRules(loaded.loaded.rules).rules);
    const bodies = ['a', ' ', 'Virus found: x in ', 'service ', 'log_type="Anti-Virus" log_component="', '%LINK-3-UPDOWN: Interface ', '<ThreatName>', 'scheduled update of virus ', '"event_type":"'].map(fill);
    bodies.push('0|Trend Micro|Apex Central|2019|AV:' + fill('|'), 'Virus found,IP Address: ' + fill('x'), 'ALERT: [x] ' + fill('a '), 'Site: a,Server Name: b,Event Description: ' + fill('x'));
    for (const body of bodies) {
      for (const app of ['avguard.bin', 'EPOEvents', 'systemd', 'x']) {
        const event = syslogEvent(Buffer.from(`<12>Nov 22 10:00:00 h ${app}: ${body}`), { id: 'a', now: 0, listener: 'u', peer: { address: '127.0.0.1', port: 1, transport: 'udp' } })!.event;
        const t = performance.now();
        classify(event);
        const ms = performance.now() - t;
        assert.ok(ms < 500, `${ms.toFixed(1)} ms for ${JSON.stringify(body.slice(0, 30))} (app ${app})`);
      }
    }
  });
});
