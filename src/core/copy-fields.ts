/**
 * Copying a record of fields into another, as `{ ...source }` would: own enumerable keys,
 * a key named `__proto__` kept as a key (never the prototype). For hot paths: on Node 20's
 * V8, each property added after a spread (`{ ...fields, Host: h }`) costs 1–1.5 µs (the
 * clone's shape is never reused), so a template view of 8 built-ins over an event's fields
 * took 11 µs; a copy loop takes about 0.15 µs.
 */
export function copyFields<T extends Record<string, string>>(target: T, source: Readonly<Record<string, string>>): T {
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    if (key === '__proto__') Object.defineProperty(target, key, { value: source[key], enumerable: true, writable: true, configurable: true });
    else (target as Record<string, string>)[key] = source[key]!;
  }
  return target;
}
