/**
 * TEST-PLAN B6: shell metacharacters into exec hooks, end to end. Hostile values travel in
 * octet-counted TCP syslog frames (so newline and NUL arrive intact), a rule extracts them
 * into a field, and the channel passes that field as `%Value%` between two fixed arguments.
 * The hook (a Node script, no shell anywhere) writes its argv and its parent's command line.
 * Pass: every argv element equals the value byte for byte (the 100 KiB one as cut to the
 * item field bound), argv length is always 3, the hook's parent is the spawner (no shell),
 * CANARY is never created, and the NUL value is a permanent ERR_EXEC_ARG dead letter
 * (one attempt recorded) without the hook being run.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { it } from 'node:test';
import { truncate } from '../../src/core/text.js';
import { HOOK_NICE_INCREMENT } from '../../src/outputs/exec/hook-runner.js';
import { PERL, SPAWNER_SCRIPT } from '../../src/outputs/exec/spawner.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { count, withStateDb } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A notification item keeps each field bounded (src/route/build.ts FIELD_MAX), so the
 * 100 KiB value reaches the hook as its first 1,023 characters and an ellipsis: still one
 * literal argv element, never split or interpreted.
 */
const ITEM_FIELD_MAX = 1024;

/** Sends each message as one octet-counted frame (RFC 6587) over one TCP connection. */
function sendOctetFrames(port: number, messages: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      for (const m of messages) {
        const bytes = Buffer.from(m, 'utf8');
        sock.write(Buffer.concat([Buffer.from(`${bytes.length} `), bytes]));
      }
      sock.end();
    });
    sock.on('error', reject);
    sock.on('close', () => resolve());
  });
}

it('B6: hostile field values reach an exec hook as literal argv elements', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const state = join(dir, 'state');
  const out = join(dir, 'argv');
  const canary = join(dir, 'CANARY');
  const values = [
    `; touch ${canary}`,
    `$(touch ${canary})`,
    '$(id)',
    `\`touch ${canary}\``,
    `| nc 127.0.0.1 9 && touch ${canary}`,
    `x && touch ${canary} || touch ${canary}`,
    `line1\ntouch ${canary}\nline3`,
    '--output=/x',
    '-rf',
    '*',
    '"quoted" \'single\' \\back\\slash $HOME ${PATH} %Host% > /tmp/redirect < /etc/passwd',
    'Ünïcødé ✓ 日本語 😀 \u202Eevil\u202C',
    'A'.repeat(100 * 1024 - 7) + '; rm -rf',
  ];
  const nulValue = `before\0; touch ${canary}`;

  const hook = join(dir, 'argv-hook.mjs');
  writeFileSync(hook, `#!${process.execPath}
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const parent = readFileSync('/proc/' + process.ppid + '/cmdline', 'latin1').split('\\0').filter(Boolean);
mkdirSync(${JSON.stringify(out)}, { recursive: true });
writeFileSync(${JSON.stringify(out)} + '/' + process.env.EVENTGATE_NOTIFICATION_ID + '.json', JSON.stringify({ argv: process.argv.slice(2), parent }));
`);
  chmodSync(hook, 0o755);
  writeFileSync(join(dir, 'hostile.yaml'), `rules:
  - id: hostile-value
    match:
      message: { regex: '^HOSTILE (?<Value>[\\s\\S]*) [|]END$' }
    category: virus
    severity: error
    title: hostile value
    key: "hostile|%EventId%"
`);
  const yaml = `
listeners: { syslog: [{ id: tcp, protocol: tcp, port: 0, address: 127.0.0.1, max_frame: 1MiB }] }
rules: ["./hostile.yaml"]
store: { path: ./state }
channels:
  hook:
    type: exec
    command: ${hook}
    args: ["before", "%Value%", "after"]
    timeout: 20s
    concurrency: 4
    retry_initial: 100ms
    retry_max: 1s
routes:
  - { match: { category: virus }, channels: [hook] }
`;
  const gw = await startGatewayProcess(dir, yaml);
  t.after(() => gw.stop('SIGKILL'));
  const frame = (v: string) => `<12>Nov 22 10:15:02 fs01 avscan: HOSTILE ${v} |END`;
  await sendOctetFrames(gw.port('tcp'), [...values, nulValue].map(frame));

  const total = values.length + 1;
  await waitFor(() => count(state, "SELECT COUNT(*) AS n FROM events WHERE category = 'virus'") === total, 'every hostile event stored', 20_000);
  await waitFor(() => count(state, 'SELECT COUNT(*) AS n FROM outbox') === 0, () => `the outbox to empty\n${gw.tail()}`, 30_000);
  await waitFor(() => existsSync(out) && readdirSync(out).length === values.length, 'a record per deliverable value', 10_000);

  // Map each delivered notification back to the value its event carried.
  const byNotification = withStateDb(state, (db) => {
    const rows = db.prepare("SELECT fields, notifications FROM events WHERE category = 'virus'").all() as { fields: string; notifications: string }[];
    const m = new Map<string, string>();
    for (const r of rows) {
      const ids = JSON.parse(r.notifications) as string[];
      assert.equal(ids.length, 1, 'one notification per event');
      m.set(ids[0]!, (JSON.parse(r.fields) as Record<string, string>).Value!);
    }
    return m;
  });
  assert.deepEqual([...byNotification.values()].sort(), [...values, nulValue].sort(), 'the rule extracted every value unchanged');

  const seen: string[] = [];
  for (const file of readdirSync(out)) {
    const id = file.replace(/\.json$/, '');
    const rec = JSON.parse(readFileSync(join(out, file), 'utf8')) as { argv: string[]; parent: string[] };
    const value = byNotification.get(id);
    assert.ok(value !== undefined, `record ${file} belongs to a stored notification`);
    assert.equal(rec.argv.length, 3, `argv length constant for ${JSON.stringify(value.slice(0, 40))}`);
    assert.equal(rec.argv[0], 'before');
    assert.equal(rec.argv[2], 'after');
    const expected = truncate(value, ITEM_FIELD_MAX);
    assert.ok(Buffer.from(rec.argv[1]!, 'utf8').equals(Buffer.from(expected, 'utf8')), `argv element equals ${JSON.stringify(value.slice(0, 40))} byte for byte`);
    // The hook's parent is the hook spawner, never an interposed shell.
    assert.deepEqual(rec.parent, [PERL, SPAWNER_SCRIPT, String(HOOK_NICE_INCREMENT)], `hook parent is the spawner, not ${rec.parent.join(' ')}`);
    seen.push(value);
  }
  assert.deepEqual(seen.sort(), [...values].sort(), 'every deliverable value was delivered once');
  assert.equal(existsSync(canary), false, 'CANARY never created');

  // The NUL value: refused before spawning, permanently, and counted.
  const nulId = [...byNotification].find(([, v]) => v === nulValue)![0];
  const dead = withStateDb(state, (db) => db.prepare('SELECT error_code AS code FROM dead_letters WHERE id = ?').get(nulId) as { code: string } | undefined);
  assert.equal(dead?.code, 'ERR_EXEC_ARG', 'NUL argument is a permanent ERR_EXEC_ARG dead letter');
  assert.equal(count(state, 'SELECT COUNT(*) AS n FROM dead_letters'), 1, 'only the NUL value was given up');
  const attempts = withStateDb(state, (db) => db.prepare('SELECT outcome, code FROM attempts WHERE notification_id = ?').all(nulId) as { outcome: string; code: string }[]);
  assert.equal(attempts.length, 1, 'no retry of a permanent error');
  assert.equal(attempts[0]!.code, 'ERR_EXEC_ARG');
  assert.equal(existsSync(join(out, `${nulId}.json`)), false, 'the hook never ran for the NUL value');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
