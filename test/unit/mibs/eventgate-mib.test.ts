/**
 * EVENTGATE-MIB (TEST-PLAN B10): smilint at level 3 with the base SMI MIBs on SMIPATH prints
 * nothing (smilint exits 0 either way, so any output fails), and the arcs and sizes the
 * output sends agree with the ones the MIB declares.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../../helpers/temp.js';
import { MIB_OBJECTS, NOTIFICATION_ARCS, RECOVERY_ARC } from '../../../src/outputs/snmp-trap/varbinds.js';
import { DEFAULT_ENTERPRISE_OID } from '../../../src/config/schema/channels.js';

const ROOT = join(import.meta.dirname, '../../..');
const MIB = join(ROOT, 'mibs/EVENTGATE-MIB.txt');
const text = readFileSync(MIB, 'utf8');

test('smilint -l 3 -s prints nothing for EVENTGATE-MIB', () => {
  const r = spawnSync('smilint', ['-l', '3', '-s', MIB], { env: { ...process.env, SMIPATH: join(ROOT, 'node_modules/net-snmp/lib/mibs') }, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'smilint runs (Debian package smitools)');
  assert.equal(r.stdout + r.stderr, '');
});

test('smilint would complain about a broken copy (the check is live)', (t) => {
  const broken = join(tempDir(t), 'EVENTGATE-MIB.txt');
  writeFileSync(broken, text.replace('::= { egObjects 4 }', '::= { egNoSuchNode 4 }'));
  const r = spawnSync('smilint', ['-l', '3', '-s', broken], {
    env: { ...process.env, SMIPATH: join(ROOT, 'node_modules/net-snmp/lib/mibs') }, encoding: 'utf8',
  });
  assert.match(r.stdout + r.stderr, /egNoSuchNode/);
});

test('the MIB registers under the default enterprise_oid', () => {
  assert.equal(DEFAULT_ENTERPRISE_OID, '1.3.6.1.4.1.99999');
  assert.match(text, /^ {4}::= \{ enterprises 99999 \}$/m);
});

test('notification arcs in the MIB match the output', () => {
  const declared = Object.fromEntries([...text.matchAll(/^(eg\w+) NOTIFICATION-TYPE[\s\S]*?::= \{ egNotifications (\d+) \}/gm)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(declared, {
    egSystemStatusEvent: NOTIFICATION_ARCS['system-status'], egUpdateEvent: NOTIFICATION_ARCS.update, egVirusEvent: NOTIFICATION_ARCS.virus,
    egSmartProtectionEvent: NOTIFICATION_ARCS['smart-protection'], egVirtualAnalyzerEvent: NOTIFICATION_ARCS['virtual-analyzer'],
    egOtherEvent: NOTIFICATION_ARCS.other, egRecovery: RECOVERY_ARC,
  });
});

test('object arcs, sizes and the OBJECTS order match the output', () => {
  const objects = [...text.matchAll(/^(eg\w+) OBJECT-TYPE\s+SYNTAX\s+(\w+)(?: \(SIZE \(0\.\.(\d+)\)\))?[\s\S]*?::= \{ egObjects (\d+) \}/gm)]
    .map((m) => ({ name: m[1]!, syntax: m[2]!, size: m[3] === undefined ? undefined : Number(m[3]), arc: Number(m[4]) }));
  assert.deepEqual(objects.map((o) => ({ name: o.name, arc: o.arc, size: o.size })), MIB_OBJECTS.map((o) => ({ name: o.name, arc: o.arc, size: 'size' in o ? o.size : undefined })));
  const order = /egVirusEvent NOTIFICATION-TYPE\s+OBJECTS \{([^}]*)\}/.exec(text)![1]!.split(',').map((s) => s.trim());
  assert.deepEqual(order, MIB_OBJECTS.map((o) => o.name));
});
