/**
 * `eventgate replay`: a capture runs through the real classifier and policy on the clock of
 * its own timestamps. Dedup folds repeats into a follow-up when its window ends, a digest
 * comes out after the last line (the default tail), a trap description's `time` counts,
 * and nothing is stored. Usage errors are UsageErrors (exit 2); a bad config exits 1.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { it } from 'node:test';
import { UsageError } from '../../../src/cli/args.js';
import { replay } from '../../../src/cli/replay.js';
import { tempDir } from '../../helpers/temp.js';

const RULES = `rules:
  - id: virus
    match: { message: { regex: 'Virus (?<VirusName>\\S+) found on (?<ComputerName>\\S+)' } }
    category: virus
    severity: critical
    title: "Virus %VirusName% found on %ComputerName%"
    key: "virus|%ComputerName%|%VirusName%"
  - id: link
    match: { trap: { oid: 1.3.6.1.6.3.1.1.5.3 } }
    category: system-status
    severity: error
`;
const CONFIG = `rules: [rules.yaml]
channels:
  mail: { type: log }
  noc: { type: log }
routes:
  - match: { category: virus }
    channels: [mail]
    dedup: { window: 10m }
  - match: { category: system-status }
    channels: [noc]
    digest: { interval: 5m }
store: { path: state }
`;

const line = (time: string, host: string, virus: string) => `<130>1 ${time} ${host} avscan 1 - - Virus ${virus} found on ${host}`;

async function run(t: { after(fn: () => void): void }, lines: readonly string[], args: string[] = []) {
  const dir = tempDir(t);
  const config = join(dir, 'eventgate.yaml');
  writeFileSync(config, CONFIG);
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  const capture = join(dir, 'capture.log');
  writeFileSync(capture, lines.join('\n') + '\n');
  let out = '';
  let err = '';
  const code = await replay(config, [capture, ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out: out.trim().split('\n').filter(Boolean), err, dir };
}

it("runs dedup, digests and the tail in the capture's own time, and stores nothing", async (t) => {
  const trap = (time: string) => JSON.stringify({ trap: { oid: '1.3.6.1.6.3.1.1.5.3', varbinds: [] }, host: 'sw-1', time });
  const { code, out, err, dir } = await run(t, [
    line('2026-11-22T10:00:00Z', 'pc-1', 'EICAR'),
    line('2026-11-22T10:01:00Z', 'pc-1', 'EICAR'),
    line('2026-11-22T10:02:00Z', 'pc-1', 'EICAR'),
    trap('2026-11-22T10:03:00Z'),
    trap('2026-11-22T10:04:00Z'),
    line('2026-11-22T10:20:00Z', 'pc-2', 'Emotet'),
    trap('2026-11-22T10:21:00Z'),
  ], ['--json']);
  assert.equal(code, 0);
  const sent = out.map((l) => JSON.parse(l) as { time: string; channel: string; kind: string; count?: number; items: unknown[]; title: string });
  assert.deepEqual(sent.map((n) => [n.time, n.channel, n.kind, n.count ?? n.items.length]), [
    ['2026-11-22T10:00:00.000Z', 'mail', 'alert', 1],
    // The two repeats inside the window, folded into one notification when it ends.
    ['2026-11-22T10:10:00.000Z', 'mail', 'repeat', 3],
    // Both traps in one digest, five minutes after the first.
    ['2026-11-22T10:08:00.000Z', 'noc', 'digest', 2],
    ['2026-11-22T10:20:00.000Z', 'mail', 'alert', 1],
    // After the last line: the default tail lets the open digest end.
    ['2026-11-22T10:26:00.000Z', 'noc', 'digest', 1],
  ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  assert.match(err, /^replay: 7 line\(s\), 0 unreadable; 7 event\(s\) \(virus 4, system-status 3\), 0 dropped by rules, 0 silenced, held back: dedup 2; 5 notification\(s\) \(mail 3, noc 2\)\n$/);
  assert.equal(existsSync(join(dir, 'state')), false, 'no state directory, no database');
});

it('prints one readable line per notification by default', async (t) => {
  const { out } = await run(t, [line('2026-11-22T10:00:00Z', 'pc-1', 'EICAR')]);
  assert.deepEqual(out, ['2026-11-22T10:00:00.000Z  mail  alert  [critical] virus: Virus EICAR found on pc-1  (1 event)']);
});

it('a usage error is a UsageError; an unreadable file or a bad config exits 1', async (t) => {
  const io = { stdout: () => {}, stderr: () => {} };
  await assert.rejects(replay('/nonexistent.yaml', [], io), UsageError);
  await assert.rejects(replay('/nonexistent.yaml', ['a', '--tail', 'soon'], io), UsageError);
  const { dir } = await run(t, []);
  assert.equal(await replay(join(dir, 'eventgate.yaml'), [join(dir, 'missing.log')], io), 1);
  assert.equal(await replay(join(dir, 'eventgate.yaml'), [dir], io), 1, 'a directory opens but cannot be read');
  assert.equal(await replay(join(dir, 'nothing.yaml'), [join(dir, 'capture.log')], io), 1);
});
