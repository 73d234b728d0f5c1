/**
 * TEST-PLAN S8: what a hook runs with. A virus line (shipped rules) goes to an exec hook that
 * records its uid/gid, the capability sets and NoNewPrivs from /proc/self/status, and its
 * environment. Pass: the gateway's uid/gid; no capability the gateway lacks (CapEff 0 when
 * not root; as root, as in the CI container, exactly the gateway's sets, no more); NoNewPrivs
 * inherited; and an environment of PATH, LANG, the notification's EVENTGATE_* variables, the
 * allow-listed and the channel's `env` variables only: canaries put into the gateway's own
 * environment (one named EVENTGATE_*) are absent. As root with setpriv(1), a second case
 * runs the gateway the way the systemd unit does (service user, no capabilities,
 * NoNewPrivileges): the hook then has CapEff 0 and NoNewPrivs 1.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it, type TestContext } from 'node:test';
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

interface Probe {
  gatewayStatus: Record<string, string>;
  hookStatus: Record<string, string>;
  rec: { uid: number; gid: number; env: Record<string, string> };
  stop(): Promise<number | null>;
}

/** Starts the gateway (under `wrap`, if given), has one virus line notified to the probe hook. */
async function probeHook(t: TestContext, dir: string, wrap?: readonly string[]): Promise<Probe> {
  const out = join(dir, 'privileges.json');
  const hook = join(dir, 'privileges-hook.mjs');
  writeFileSync(hook, `#!${process.execPath}
import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(out)}, JSON.stringify({
  uid: process.getuid(), gid: process.getgid(),
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
  }, wrap ? { wrap } : {});
  t.after(() => gw.stop('SIGKILL'));
  const gatewayStatus = statusOf(readFileSync(`/proc/${gw.child.pid}/status`, 'utf8'));
  await sendUdp(gw.port('udp'), [virusLine('EICAR-Priv', 'PC-7')]);
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').endsWith('}'), () => `the hook to run\n${gw.tail()}`, 30_000);
  const rec = JSON.parse(readFileSync(out, 'utf8')) as { uid: number; gid: number; status: string; env: Record<string, string> };
  return { gatewayStatus, hookStatus: statusOf(rec.status), rec, stop: () => gw.stop('SIGTERM') };
}

/** The environment is only what environment.ts hands over. */
function assertCleanEnvironment(env: Record<string, string>): void {
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
}

it('S8: a hook runs with the gateway\'s identity, no added capability and a clean environment', { timeout: 60_000 }, async (t) => {
  const { gatewayStatus, hookStatus, rec, stop } = await probeHook(t, tempDir(t));
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

  assertCleanEnvironment(rec.env);
  assert.equal(await stop(), 0);
});

const SERVICE_UID = 65534; // nobody: a user without capabilities, as the unit's User=eventgate
const SETPRIV = '/usr/bin/setpriv';
const canDropPrivileges = process.getuid?.() === 0 && existsSync(SETPRIV);

it('S8: under the unit\'s privileges (service user, no capabilities, NoNewPrivileges) the hook has none either', {
  timeout: 60_000,
  skip: canDropPrivileges ? false : 'needs root and setpriv to start the gateway as another user',
}, async (t) => {
  const dir = tempDir(t);
  chownSync(dir, SERVICE_UID, SERVICE_UID);
  const wrap = [SETPRIV, `--reuid=${SERVICE_UID}`, `--regid=${SERVICE_UID}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs'];
  const { gatewayStatus, hookStatus, rec, stop } = await probeHook(t, dir, wrap);
  assert.equal(gatewayStatus.Uid!.split(/\s+/)[0], String(SERVICE_UID), 'the gateway runs as the service user');
  assert.equal(rec.uid, SERVICE_UID, 'the hook runs as the service user');
  assert.equal(rec.gid, SERVICE_UID, 'with its group');
  assert.equal(hookStatus.Uid, gatewayStatus.Uid, 'real, effective, saved and fs uid all the gateway\'s');
  assert.equal(hookStatus.Gid, gatewayStatus.Gid, 'real, effective, saved and fs gid all the gateway\'s');
  for (const set of ['CapEff', 'CapPrm', 'CapInh', 'CapAmb', 'CapBnd'] as const) assert.equal(BigInt(`0x${hookStatus[set]}`), 0n, `${set} 0`);
  assert.equal(hookStatus.NoNewPrivs, '1', 'NoNewPrivs 1');
  assertCleanEnvironment(rec.env);
  assert.equal(await stop(), 0);
});
