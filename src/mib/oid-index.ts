/**
 * OID ⇄ name index over the loaded MIBs. Numeric → name is a longest-prefix lookup, so an
 * instance (`1.3.6.1.2.1.1.3.0`) shows as its object plus suffix (`SNMPv2-MIB::sysUpTime.0`).
 * Name → numeric accepts `MODULE::name`, a bare `name` (when unambiguous) and a numeric
 * suffix on either. Immutable once built; pure lookups (answers cached, bounded), no I/O.
 */

export interface OidName {
  readonly module: string;
  readonly name: string;
}

export interface OidIndex {
  /** `IF-MIB::ifIndex.3` for `1.3.6.1.2.1.2.2.1.1.3`; undefined when no prefix is named. */
  nameOf(oid: string): string | undefined;
  /** The numeric OID of `IF-MIB::linkDown`, `linkDown`, `sysUpTime.0` or `1.3.6.1...`; undefined when unknown or ambiguous. */
  oidOf(text: string): string | undefined;
  /** Number of named objects. */
  readonly size: number;
}

/** SMIv1 modules that name the same objects as their SMIv2 successors; the successor's name wins. */
const LEGACY = new Set(['RFC1155-SMI', 'RFC1158-MIB', 'RFC1213-MIB', 'RFC-1212', 'RFC-1215']);
const NUMERIC = /^\.?(\d+)(\.\d+)*$/;
const MAX_ARCS = 128;
const NAME_CACHE = 10_000;
const NAME_CACHE_KEY_MAX = 256;

/** Builds the index from `[numericOid, module, name]` entries, in load order. */
export function createOidIndex(entries: Iterable<readonly [string, string, string]>): OidIndex {
  const byOid = new Map<string, OidName>();
  const qualified = new Map<string, string>();
  const bare = new Map<string, string | null>(); // null = ambiguous
  for (const [rawOid, module, name] of entries) {
    if (!NUMERIC.test(rawOid)) continue; // unresolved nodes carry a partial ".x.y" path
    const oid = rawOid.startsWith('.') ? rawOid.slice(1) : rawOid;
    const prev = byOid.get(oid);
    if (!prev || (LEGACY.has(prev.module) && !LEGACY.has(module))) byOid.set(oid, { module, name });
    qualified.set(`${module}::${name}`, oid);
    const b = bare.get(name);
    if (b === undefined) bare.set(name, oid);
    else if (b !== null && b !== oid) bare.set(name, null);
  }

  // Traps repeat the same few OIDs: remember answers (bounded; cleared when full).
  const names = new Map<string, string | null>(); // null = no name (one lookup per call)
  const lookup = (raw: string): string | undefined => {
    if (!NUMERIC.test(raw)) return undefined;
    const oid = raw.startsWith('.') ? raw.slice(1) : raw;
    // Longest prefix first, trimming one arc at a time; at most MAX_ARCS arcs are tried,
    // so a hostile 30,000-arc OID costs no more than a normal one.
    let end = -1;
    for (let i = 0, arcs = 0; i < oid.length && arcs < MAX_ARCS; i++) if (oid[i] === '.') end = ++arcs < MAX_ARCS ? -1 : i;
    let key = end < 0 ? oid : oid.slice(0, end);
    for (;;) {
      const hit = byOid.get(key);
      if (hit) return `${hit.module}::${hit.name}${oid.slice(key.length)}`;
      const dot = key.lastIndexOf('.');
      if (dot < 0) return undefined;
      key = key.slice(0, dot);
    }
  };

  return {
    size: byOid.size,
    nameOf(raw) {
      const known = names.get(raw);
      if (known !== undefined) return known ?? undefined;
      const name = lookup(raw);
      // Only OIDs of a sensible length are kept, so hostile ones cannot fill memory.
      if (raw.length > NAME_CACHE_KEY_MAX) return name;
      if (names.size >= NAME_CACHE) names.clear();
      names.set(raw, name ?? null);
      return name;
    },
    oidOf(text) {
      const t = text.trim();
      if (NUMERIC.test(t)) return t.startsWith('.') ? t.slice(1) : t;
      const m = /^(?:([A-Za-z][\w-]*)::)?([A-Za-z][\w-]*)((?:\.\d+)*)$/.exec(t);
      if (!m) return undefined;
      const base = m[1] ? qualified.get(`${m[1]}::${m[2]}`) : bare.get(m[2]!);
      return base ? base + m[3]! : undefined;
    },
  };
}
