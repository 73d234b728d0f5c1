/**
 * The /healthz report: every configured listener up (with its bound addresses), every
 * channel ok, plus outbox depth, whether the state database takes writes, and config
 * generation. Healthy only when all listeners are up, no channel is degraded and the store
 * is writable. Carries ids, codes, counts and times; never event text.
 */
import type { BoundAddress } from '../listeners/listener.js';
import type { ChannelHealth } from '../observe/channel-health.js';

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly generation: number;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly listeners: readonly { id: string; up: boolean; addresses: readonly BoundAddress[] }[];
  readonly outbox: { readonly depth: number };
  /** False while writes to the state database fail (full disk): kept in memory meanwhile. */
  readonly store?: { readonly writable: boolean };
  readonly channels: readonly {
    id: string;
    type: string;
    status: 'ok' | 'degraded';
    depth: number;
    failures: number;
    dead: number;
    lastError?: { code: string; at: string };
    lastSuccessAt?: string;
  }[];
}

export interface HealthInput {
  readonly now: number;
  readonly startedAt: number;
  readonly generation: number;
  /** Listener ids the config asks for, with what is bound (empty when not up). */
  readonly listeners: ReadonlyMap<string, readonly BoundAddress[] | undefined>;
  readonly channels: readonly { id: string; type: string; depth: number; health: ChannelHealth }[];
  readonly outboxDepth: number;
  readonly storeWritable?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function buildHealth(i: HealthInput): HealthReport {
  const listeners = [...i.listeners].map(([id, a]) => ({ id, up: a !== undefined && a.length > 0, addresses: a ?? [] }));
  const channels = i.channels.map((c) => ({
    id: c.id,
    type: c.type,
    status: c.health.status,
    depth: c.depth,
    failures: c.health.failures,
    dead: c.health.dead,
    ...(c.health.lastError ? { lastError: { code: c.health.lastError.code, at: iso(c.health.lastError.at) } } : {}),
    ...(c.health.lastSuccessAt !== undefined ? { lastSuccessAt: iso(c.health.lastSuccessAt) } : {}),
  }));
  const healthy = listeners.every((l) => l.up) && channels.every((c) => c.status === 'ok') && i.storeWritable !== false;
  return {
    status: healthy ? 'ok' : 'degraded',
    generation: i.generation,
    startedAt: iso(i.startedAt),
    uptimeSeconds: Math.max(0, Math.round((i.now - i.startedAt) / 1000)),
    listeners,
    outbox: { depth: i.outboxDepth },
    ...(i.storeWritable !== undefined ? { store: { writable: i.storeWritable } } : {}),
    channels,
  };
}
