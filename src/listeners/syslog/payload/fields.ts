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

// A class, not a closure object: one parse per message creates a sink, so its methods
// live on the prototype instead of being made per message.
class BoundedFields implements FieldSink {
  private readonly out: Record<string, string> = Object.create(null);
  size = 0;

  add(key: string, value: string): void {
    if (this.size >= MAX_FIELDS || key.length === 0 || key.length > MAX_KEY || key in this.out) return;
    this.out[key] = value.length > MAX_VALUE ? value.slice(0, MAX_VALUE) : value;
    this.size++;
  }

  has(key: string): boolean {
    return key in this.out;
  }

  result(): Record<string, string> {
    return this.out;
  }
}

export function createFieldSink(): FieldSink {
  return new BoundedFields();
}
