/**
 * The v3 USM user table of one listener and the replay window for traps. A user name may
 * appear several times, each entry bound to the engine IDs of the devices that use it (the
 * snmptrapd `createUser -e` model); an entry without engine IDs serves any engine. Secrets
 * stay in Secret objects until handed to net-snmp for one datagram.
 */
import type { Secret } from '../../core/secret.js';

export const SECURITY_LEVELS = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
export type SecurityLevel = (typeof SECURITY_LEVELS)[number];

export const AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type AuthProtocol = (typeof AUTH_PROTOCOLS)[number];
export type PrivProtocol = (typeof PRIV_PROTOCOLS)[number];

export interface UsmUser {
  readonly name: string;
  /** Lowercase hex engine IDs; empty = any engine. */
  readonly engineIds: readonly string[];
  readonly auth?: { readonly protocol: AuthProtocol; readonly key: Secret };
  readonly priv?: { readonly protocol: PrivProtocol; readonly key: Secret };
}

/** The level a user entry requires: what its keys make possible. */
export function userLevel(u: UsmUser): SecurityLevel {
  return u.priv ? 'authPriv' : u.auth ? 'authNoPriv' : 'noAuthNoPriv';
}

export function levelRank(l: SecurityLevel): number {
  return SECURITY_LEVELS.indexOf(l);
}

export type UserLookup = { user: UsmUser } | { problem: 'user' | 'engine' };

/** Finds the entry for (name, engine): an entry listing the engine wins over a catch-all one. */
export function createUserTable(users: readonly UsmUser[]): (name: string, engineIdHex: string) => UserLookup {
  const byName = new Map<string, UsmUser[]>();
  for (const u of users) byName.set(u.name, [...(byName.get(u.name) ?? []), u]);
  return (name, engine) => {
    const entries = byName.get(name);
    if (!entries) return { problem: 'user' };
    const exact = entries.find((u) => u.engineIds.includes(engine));
    const any = exact ?? entries.find((u) => u.engineIds.length === 0);
    return any ? { user: any } : { problem: 'engine' };
  };
}

const WINDOW_S = 150;
const MAX_BOOTS = 2147483647;

/**
 * RFC 3414 section 3.2 step 7b, as a non-authoritative receiver: per sender engine, the
 * latest boots/time seen (advanced by the local monotonic clock). A message older than the
 * notion by more than 150 s, or from an earlier boot, is outside the window. Call `check`
 * only for authenticated messages. Memory is bounded by `maxEngines` (oldest forgotten).
 */
export function createTimeWindow(maxEngines = 10_000): (engineIdHex: string, boots: number, time: number, nowMs: number) => boolean {
  const notion = new Map<string, { boots: number; time: number; at: number }>();
  return (engine, boots, time, now) => {
    if (boots >= MAX_BOOTS) return false;
    const n = notion.get(engine);
    if (n) {
      const expected = n.time + Math.floor((now - n.at) / 1000);
      if (boots < n.boots || (boots === n.boots && time < expected - WINDOW_S)) return false;
      if (boots === n.boots && time <= expected) return true;
      notion.delete(engine);
    } else if (notion.size >= maxEngines) {
      notion.delete(notion.keys().next().value!);
    }
    notion.set(engine, { boots, time, at: now });
    return true;
  };
}
