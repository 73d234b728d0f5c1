/**
 * The running listeners of a gateway, keyed by id. `start` binds every listener a plan
 * wants and rolls back on failure; `reconcile` (reload) keeps listeners whose settings are
 * unchanged (refreshing TLS certificates), stops removed or changed ones and starts new
 * ones, logging a bind failure rather than failing the reload.
 */
import type { BoundAddress, Listener, ListenerContext } from '../listeners/listener.js';
import type { Logger } from '../observe/logger.js';
import type { GatewayPlan } from './compile.js';
import { createMibCache, createSnmpListenerFromConfig, mibDirs, snmpFingerprint, snmpListenerId } from './snmp.js';
import { createSyslogListener, refreshSyslogListener } from './syslog-listeners.js';

interface Wanted {
  readonly fingerprint: string;
  create(): Listener;
  /** Applied to a kept listener on reload (TLS certificates re-read). */
  refresh?(listener: Listener): void;
}

interface Entry {
  readonly listener: Listener;
  readonly fingerprint: string;
}

export interface ListenerSet {
  start(plan: GatewayPlan): Promise<void>;
  reconcile(plan: GatewayPlan): Promise<void>;
  stop(): Promise<void>;
  size(): number;
  /** Bound addresses of every listener the plan wants (undefined: not running). */
  bound(plan: GatewayPlan): Map<string, BoundAddress[] | undefined>;
  addresses(): Record<string, BoundAddress[]>;
}

export function createListenerSet(ctx: ListenerContext, log: Logger): ListenerSet {
  const mibIndex = createMibCache(log);
  let running = new Map<string, Entry>();

  function wanted(p: GatewayPlan): Map<string, Wanted> {
    const out = new Map<string, Wanted>();
    for (const l of p.syslogListeners) {
      out.set(l.id, {
        fingerprint: l.fingerprint,
        create: () => createSyslogListener(ctx, l),
        refresh: (listener) => refreshSyslogListener(listener, l),
      });
    }
    const dirs = mibDirs(p.loaded.dir, p.loaded.config.mibs);
    for (const l of p.loaded.config.listeners.snmp) {
      out.set(snmpListenerId(l), {
        fingerprint: snmpFingerprint(l, dirs),
        create: () => createSnmpListenerFromConfig(ctx, l, mibIndex(dirs)),
      });
    }
    return out;
  }

  const stopAll = async (entries: Iterable<Entry>) => {
    await Promise.all([...entries].map((e) => e.listener.stop()));
  };

  return {
    async start(plan) {
      const started = new Map<string, Entry>();
      try {
        for (const [id, w] of wanted(plan)) {
          const listener = w.create();
          await listener.start();
          started.set(id, { listener, fingerprint: w.fingerprint });
        }
      } catch (err) {
        await stopAll(started.values());
        throw err;
      }
      running = started;
    },
    async reconcile(plan) {
      const want = wanted(plan);
      const keep = new Map<string, Entry>();
      const gone: Entry[] = [];
      for (const [id, entry] of running) {
        const w = want.get(id);
        if (w?.fingerprint === entry.fingerprint) {
          w.refresh?.(entry.listener);
          keep.set(id, entry);
        } else gone.push(entry);
      }
      await stopAll(gone);
      for (const [id, w] of want) {
        if (keep.has(id)) continue;
        try {
          const listener = w.create();
          await listener.start();
          keep.set(id, { listener, fingerprint: w.fingerprint });
        } catch (err) {
          log.error({ err, listener: id }, 'listener could not start after reload');
        }
      }
      running = keep;
    },
    async stop() {
      const entries = running.values();
      running = new Map();
      await stopAll(entries);
    },
    size: () => running.size,
    bound(plan) {
      const out = new Map<string, BoundAddress[] | undefined>();
      for (const id of wanted(plan).keys()) out.set(id, running.get(id)?.listener.addresses());
      return out;
    },
    addresses() {
      const out: Record<string, BoundAddress[]> = {};
      for (const [id, e] of running) out[id] = e.listener.addresses();
      return out;
    },
  };
}
