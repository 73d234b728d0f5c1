/**
 * Per-channel delivery health for /healthz: a channel is `ok` until an attempt fails, then
 * `degraded` until one succeeds. Keeps the last error's code and time, never its text
 * (an output's message may quote a server). Survives reloads; channels are reported by id.
 */
import type { Clock } from '../core/clock.js';

export interface ChannelHealth {
  readonly status: 'ok' | 'degraded';
  /** Failed attempts since the last success. */
  readonly failures: number;
  readonly lastError?: { readonly code: string; readonly at: number };
  readonly lastSuccessAt?: number;
  /** Notifications given up (dead letters) since start. */
  readonly dead: number;
}

export interface ChannelHealthTracker {
  success(channel: string): void;
  failure(channel: string, code: string, dead: boolean): void;
  get(channel: string): ChannelHealth;
}

export function createChannelHealth(clock: Clock): ChannelHealthTracker {
  const states = new Map<string, { failures: number; lastError?: { code: string; at: number }; lastSuccessAt?: number; dead: number }>();
  const stateOf = (id: string) => {
    let s = states.get(id);
    if (!s) states.set(id, (s = { failures: 0, dead: 0 }));
    return s;
  };
  return {
    success(channel) {
      const s = stateOf(channel);
      s.failures = 0;
      s.lastSuccessAt = clock.now();
    },
    failure(channel, code, dead) {
      const s = stateOf(channel);
      s.failures++;
      if (dead) s.dead++;
      s.lastError = { code, at: clock.now() };
    },
    get(channel) {
      const s = states.get(channel);
      if (!s) return { status: 'ok', failures: 0, dead: 0 };
      return {
        status: s.failures > 0 ? 'degraded' : 'ok',
        failures: s.failures,
        dead: s.dead,
        ...(s.lastError ? { lastError: { ...s.lastError } } : {}),
        ...(s.lastSuccessAt !== undefined ? { lastSuccessAt: s.lastSuccessAt } : {}),
      };
    },
  };
}
