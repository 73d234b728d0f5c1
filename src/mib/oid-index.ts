/**
 * OID ⇄ name index over the loaded MIBs. Numeric → name is a longest-prefix lookup, so an
 * instance (`1.3.6.1.2.1.1.3.0`) shows as its object plus suffix (`SNMPv2-MIB::sysUpTime.0`).
 * Name → numeric accepts `MODULE::name`, a bare `name` (when unambiguous) and a numeric
 * suffix on either. Immutable once built; pure lookups, no I/O.
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

  return {
    size: byOid.size,
    nameOf(oid) {
      if (!NUMERIC.test(oid)) return undefined;
      const arcs = (oid.startsWith('.') ? oid.slice(1) : oid).split('.');
      for (let n = Math.min(arcs.length, MAX_ARCS); n > 0; n--) {
        const hit = byOid.get(arcs.slice(0, n).join('.'));
        if (hit) {
          const suffix = arcs.slice(n).join('.');
          return `${hit.module}::${hit.name}${suffix ? `.${suffix}` : ''}`;
        }
      }
      return undefined;
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
