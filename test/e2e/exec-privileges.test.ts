/**
 * TEST-PLAN S8: what a hook runs with. A virus line (shipped rules) goes to an exec hook that
 * records its uid/gid, the capability sets and NoNewPrivs from /proc/self/status, and its
 * environment. Pass: the gateway's uid/gid; no capability the gateway lacks (CapEff 0 when
 * not root; as root, as in the CI container, exactly the gateway's sets, no more); NoNewPrivs
 * inherited; and an environment of PATH, LANG, the notification's EVENTGATE_* variables, the
 * allow-listed and the channel's `env` variables only: canaries put into the gateway's own
 * environment (one named EVENTGATE_*) are absent.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT, startGatewayProcess } from '../helpers/gateway-process.js';
import { sendUdp, virusLine } from '../helpers/state.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait.js';

/** The EVENTGATE_* variables src/outputs/exec/environment.ts sets (plus EVENTGATE_FIELD_*). */
const NOTIFICATION_VARS = new Set([
  'EVENTGATE_NOTIFICATION_ID', 'EVENTGATE_KIND', 'EVENTGATE_CHANNEL', 'EVENTGATE_CATEGORY', 'EVENTGATE_SEVERITY',
  'EVENTGATE_TITLE', 'EVENTGATE_KEY', 'EVENTGATE_COUNT', 'EVENTGATE_RULE', 'EVENTGATE_HOST', 'EVENTGATE_EVENT_ID',
]);

function statusOf(text: string): Record<string, string> {
  return Object.fromEntries(text.split('\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

it('S8: a hook runs with the gateway\'s identity, no added capability and a clean environment', { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'privileges.json');
  const hook = join(dir, 'privileges-hook.mjs');
  writeFileSync(hook, `#!${process.execPath}
import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(out)}, JSON.stringify({
  uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(),
  status: readFileSync('/proc/self/status', 'utf8'), env: process.env,
}));
`);
  chmodSync(hook, 0o755);
  const yaml = `
listeners: { syslog: [{ id: udp, protocol: udp, port: 0, address: 127.0.0.1 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  hook:
    type: exec
    command: ${hook}
    env_allow: [HOOK_ALLOWED, HOOK_ALLOWED_UNSET]
    env: { CHANNEL_VAR: from-channel }
    timeout: 20s
routes:
  - { match: { category: virus }, channels: [hook] }
`;
  const gw = await startGatewayProcess(dir, yaml, {
    GATEWAY_CANARY: 'gateway-secret-canary',
    EVENTGATE_OWN_CANARY: 'gateway-eventgate-canary',
    HOOK_ALLOWED: 'allowed-value',
    LD_PRELOAD: '',
  });
  t.after(() => gw.stop('SIGKILL'));
  const gatewayStatus = statusOf(readFileSync(`/proc/${gw.child.pid}/status`, 'utf8'));
  await sendUdp(gw.port('udp'), [virusLine('EICAR-Priv', 'PC-7')]);
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').endsWith('}'), () => `the hook to run\n${gw.tail()}`, 30_000);
  const rec = JSON.parse(readFileSync(out, 'utf8')) as { uid: number; gid: number; groups: number[]; status: string; env: Record<string, string> };
  const hookStatus = statusOf(rec.status);

  // Identity: the gateway's (the service user under systemd; here whoever runs the tests).
  const [gwUid] = gatewayStatus.Uid!.split(/\s+/).map(Number);
  const [gwGid] = gatewayStatus.Gid!.split(/\s+/).map(Number);
  assert.equal(rec.uid, gwUid, 'uid is the gateway\'s');
  assert.equal(rec.gid, gwGid, 'gid is the gateway\'s');
  assert.equal(hookStatus.Uid, gatewayStatus.Uid, 'real, effective, saved and fs uid all the gateway\'s');
  assert.equal(hookStatus.Gid, gatewayStatus.Gid, 'real, effective, saved and fs gid all the gateway\'s');

  // Capabilities: never more than the gateway holds. Not root: none at all. As root (the CI
  // container runs tests as root with the default capability set), execve keeps root's
  // sets, so the hook has exactly the gateway's; under systemd the service user has none.
  t.diagnostic(`running as uid ${gwUid}: gateway CapEff ${gatewayStatus.CapEff} NoNewPrivs ${gatewayStatus.NoNewPrivs}; hook CapEff ${hookStatus.CapEff} NoNewPrivs ${hookStatus.NoNewPrivs}`);
  if (gwUid !== 0) {
    assert.equal(BigInt(`0x${hookStatus.CapEff}`), 0n, 'CapEff 0');
    assert.equal(BigInt(`0x${hookStatus.CapPrm}`), 0n, 'CapPrm 0');
  }
  for (const set of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb'] as const) {
    const hookCaps = BigInt(`0x${hookStatus[set]}`);
    const gwCaps = BigInt(`0x${gatewayStatus[set]}`);
    assert.equal(hookCaps & ~gwCaps, 0n, `${set}: no capability the gateway lacks`);
    if (gwUid === 0) assert.equal(hookStatus[set], gatewayStatus[set], `${set} equals the gateway's (root)`);
  }
  assert.equal(BigInt(`0x${hookStatus.CapAmb}`), 0n, 'no ambient capabilities');
  // NoNewPrivs is inherited and cannot be cleared: the unit sets it, the hook keeps it.
  assert.equal(hookStatus.NoNewPrivs, gatewayStatus.NoNewPrivs, 'NoNewPrivs inherited from the gateway');

  // Environment: only what environment.ts hands over.
  const env = rec.env;
  assert.equal(env.GATEWAY_CANARY, undefined, 'the gateway\'s own environment is not passed');
  assert.equal(env.EVENTGATE_OWN_CANARY, undefined, 'nor its own EVENTGATE_* variables');
  assert.equal(env.LD_PRELOAD, undefined, 'nor LD_PRELOAD');
  assert.equal(env.HOOK_ALLOWED, 'allowed-value', 'an allow-listed variable passes');
  assert.equal('HOOK_ALLOWED_UNSET' in env, false, 'an allow-listed but unset variable stays unset');
  assert.equal(env.CHANNEL_VAR, 'from-channel', 'the channel\'s env passes');
  assert.equal(env.EVENTGATE_FIELD_VIRUSNAME, 'EICAR-Priv', 'the notification\'s fields pass');
  assert.equal(env.EVENTGATE_CATEGORY, 'virus');
  assert.equal(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'a fixed safe PATH, not the gateway\'s');
  assert.equal(env.LANG, 'C.UTF-8');
  const unexpected = Object.keys(env).filter((k) =>
    !['PATH', 'LANG', 'HOOK_ALLOWED', 'CHANNEL_VAR'].includes(k) && !NOTIFICATION_VARS.has(k) && !k.startsWith('EVENTGATE_FIELD_'));
  assert.deepEqual(unexpected, [], 'no other variable in the hook\'s environment');
  assert.equal(await gw.stop('SIGTERM'), 0);
});
