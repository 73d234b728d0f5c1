/**
 * A bounded field collector shared by the payload parsers: at most MAX_FIELDS fields, keys
 * and values cut to fixed lengths, first value of a key wins, and a null-prototype object so
 * a key such as `__proto__` is just a key.
 */

export const MAX_FIELDS = 256;
export const MAX_KEY = 128;
export const MAX_VALUE = 8192;

export interface FieldSink {
  add(key: string, value: string): void;
  has(key: string): boolean;
  readonly size: number;
  result(): Record<string, string>;
}

export function createFieldSink(): FieldSink {
  const out: Record<string, string> = Object.create(null);
  let size = 0;
  return {
    add(key, value) {
      if (size >= MAX_FIELDS || key.length === 0 || key.length > MAX_KEY || key in out) return;
      out[key] = value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) : value;
      size++;
    },
    has: (key) => key in out,
    get size() {
      return size;
    },
    result: () => out,
  };
}
