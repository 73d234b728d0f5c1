/**
 * Wiring of SNMP trap listeners: turns an `snmp` listener config into engine options
 * (secrets resolved, communities keyed by their bytes), and loads the MIB index the
 * listeners share, reporting each broken MIB by name. Only the composition root calls this.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { SnmpListenerConfig } from '../config/schema/listeners.js';
import { findSecretReferences, SecretReference } from '../config/secrets.js';
import { createAllowList, createSourceRateLimit } from '../listeners/access.js';
import type { Listener, ListenerContext } from '../listeners/listener.js';
import type { EngineOptions } from '../listeners/snmp/engine.js';
import { createSnmpListener } from '../listeners/snmp/udp.js';
import { createUserTable, type UsmUser } from '../listeners/snmp/usm.js';
import { loadMibs } from '../mib/load.js';
import type { OidIndex } from '../mib/oid-index.js';
import type { Logger } from '../observe/logger.js';

/** Discovery Reports per source: enough for informs, useless for reflection. */
const DISCOVERY_RATE = 5;
const DISCOVERY_BURST = 10;

export function snmpListenerId(l: SnmpListenerConfig): string {
  return l.id ?? `snmp-${l.port}`;
}

/** What decides whether a running listener must be rebuilt: its config, secret values and MIB dirs. */
export function snmpFingerprint(l: SnmpListenerConfig, mibDirs: readonly string[]): string {
  const h = createHash('sha256');
  findSecretReferences(l, (ref, path) => h.update(`${path.join('.')}=${ref.secret.reveal()}\n`));
  return JSON.stringify({ l, mibDirs, secrets: h.digest('hex') });
}

function secretValue(v: string | SecretReference): string {
  return v instanceof SecretReference ? v.secret.reveal() : v;
}

export function snmpEngineOptions(l: SnmpListenerConfig, clock: { monotonic(): number }): EngineOptions {
  const communities = new Map<string, string>();
  l.communities.forEach((c, i) => {
    const hex = Buffer.from(secretValue(c), 'utf8').toString('hex');
    if (!communities.has(hex)) communities.set(hex, `communities[${i}]`);
  });
  const users: UsmUser[] = l.users.map((u) => ({
    name: u.name,
    engineIds: u.engine_ids,
    ...(u.auth ? { auth: { protocol: u.auth.protocol, key: u.auth.key.secret } } : {}),
    ...(u.priv ? { priv: { protocol: u.priv.protocol, key: u.priv.key.secret } } : {}),
  }));
  const discovery = createSourceRateLimit(DISCOVERY_RATE, DISCOVERY_BURST);
  return {
    versions: new Set(l.versions),
    minLevel: l.min_level,
    communities,
    users,
    findUser: createUserTable(users),
    allow: createAllowList(l.allow),
    ...(l.engine_id ? { engineId: l.engine_id } : {}),
    discoveryAllowed: (peer) => discovery(peer, clock.monotonic()),
  };
}

export function createSnmpListenerFromConfig(ctx: ListenerContext, l: SnmpListenerConfig, mibs: OidIndex): Listener {
  return createSnmpListener(ctx, {
    id: snmpListenerId(l),
    address: l.address,
    port: l.port,
    receiveBufferBytes: l.receive_buffer_size,
    allow: l.allow,
    burstBufferBytes: l.burst_buffer_size,
    hostFrom: l.host_from,
    engine: snmpEngineOptions(l, ctx.clock),
    mibs,
  });
}

/** MIB directories of a config, absolute. */
export function mibDirs(configDir: string, dirs: readonly string[]): string[] {
  return dirs.map((d) => resolve(configDir, d));
}

/** Loads the MIBs once per distinct directory list; problems are logged by file, never fatal. */
export function createMibCache(log: Logger): (dirs: readonly string[]) => OidIndex {
  let cached: { key: string; index: OidIndex } | undefined;
  return (dirs) => {
    const key = JSON.stringify(dirs);
    if (cached?.key === key) return cached.index;
    const started = performance.now();
    const r = loadMibs(dirs);
    for (const p of r.problems) {
      log.warn({ code: 'ERR_MIB_LOAD', mib: p.file, ...(p.module ? { module: p.module } : {}), problem: p.message }, 'MIB skipped or loaded with warnings');
    }
    log.info({ modules: r.loaded.length, objects: r.index.size, problems: r.problems.length, ms: Math.round(performance.now() - started) }, 'MIBs loaded');
    cached = { key, index: r.index };
    return r.index;
  };
}
