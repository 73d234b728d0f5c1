/**
 * OIDs and MIB names as rules write them. Numeric OIDs are compared arc by arc (a prefix
 * ends on an arc boundary); names compare case-insensitively, `MODULE::name` or bare
 * `name`, because what the listener resolves depends on the MIBs loaded. Pure.
 */

const NUMERIC = /^\.?(?:iso|\d+)(?:\.\d+)*$/;

/** True for `1.3.6.1.4.1.6101`, `.1.3.6...` and `iso.3.6...`. */
export function isNumericOid(text: string): boolean {
  return NUMERIC.test(text);
}

/** `.1.3.6.1` and `iso.3.6.1` → `1.3.6.1`. */
export function normalizeOid(text: string): string {
  const t = text.startsWith('.') ? text.slice(1) : text;
  return t.startsWith('iso') ? `1${t.slice(3)}` : t;
}

/** True when `oid` is `prefix` or lies under it. Both normalized. */
export function oidUnder(oid: string, prefix: string): boolean {
  return oid === prefix || (oid.startsWith(prefix) && oid.charCodeAt(prefix.length) === 46 /* . */);
}

/** The bare object name of `MODULE::name`, lower-cased. */
export function bareName(name: string): string {
  const i = name.lastIndexOf('::');
  return (i < 0 ? name : name.slice(i + 2)).toLowerCase();
}

/**
 * A test for one written OID against an event's numeric OID and optional MIB name.
 * `prefix` accepts the subtree (numeric) or names starting with the text.
 */
export function oidTest(written: string, prefix: boolean): (oid: string, name: string | undefined) => boolean {
  if (isNumericOid(written)) {
    const want = normalizeOid(written);
    return prefix ? (oid) => oidUnder(normalizeOid(oid), want) : (oid) => normalizeOid(oid) === want;
  }
  const qualified = written.includes('::');
  const want = written.toLowerCase();
  const bare = bareName(written);
  // A qualified rule name is compared in full only when the event's name is qualified too.
  const full = (name: string) => qualified && name.includes('::');
  if (prefix) {
    return (_oid, name) => name !== undefined && (full(name) ? name.toLowerCase().startsWith(want) : bareName(name).startsWith(bare));
  }
  return (_oid, name) => name !== undefined && (full(name) ? name.toLowerCase() === want : bareName(name) === bare);
}
