/**
 * A prom-client Counter for hot paths: `inc` adds to a plain number kept per label set, and
 * the sums are folded into prom-client when the counter is read (`get`, i.e. a scrape or a
 * test). prom-client's own `inc` hashes the labels object (sorting its keys) on every call,
 * about 0.2–0.3 µs; here the key is built from the label values in declared order. Same API
 * and same exposition; a label set is validated by prom-client the first time it is seen.
 */
import { Counter, type CounterConfiguration, type IncreaseDataWithExemplar, type LabelValues } from 'prom-client';

interface Cell<T extends string> {
  readonly labels: LabelValues<T>;
  pending: number;
}

export class FastCounter<T extends string = string> extends Counter<T> {
  private readonly names: readonly T[];
  // Not `#private`: prom-client's constructor calls reset() before subclass fields exist.
  private readonly cells = new Map<string, Cell<T>>();

  constructor(config: CounterConfiguration<T>) {
    super(config);
    this.names = config.labelNames ?? [];
    // prom-client's constructor puts its own `inc` on the instance, over any subclass method.
    this.inc = FastCounter.prototype.inc;
  }

  override inc(labels: LabelValues<T>, value?: number): void;
  override inc(value?: number): void;
  /** Exemplars are not enabled on eventgate's registry; such an object is read as labels. */
  override inc(incData: IncreaseDataWithExemplar<T>): void;
  override inc(a?: unknown, b?: number): void {
    const labels = (typeof a === 'object' && a !== null ? a : {}) as LabelValues<T>;
    const value = typeof a === 'number' ? a : (b ?? 1);
    // A negative or non-finite value takes prom-client's path, which throws as before.
    if (!(value >= 0) || value === Infinity) {
      this.base(a, b);
      return;
    }
    const key = this.key(labels);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      this.base(labels, 0); // validates the label names and shows the series at 0
      cell = { labels: { ...labels }, pending: 0 };
      this.cells.set(key, cell);
    }
    cell.pending += value;
  }

  override get(): ReturnType<Counter<T>['get']> {
    this.fold();
    return super.get();
  }

  override reset(): void {
    this.cells?.clear();
    super.reset();
  }

  override remove(...args: unknown[]): void {
    this.fold();
    this.cells.clear();
    (super.remove as (...a: unknown[]) => void)(...args);
  }

  /** prom-client's own increment (validating, hashing the labels). */
  private base(labels: unknown, value?: number): void {
    (Counter.prototype as unknown as { incWithoutExemplar(l: unknown, v?: number): void }).incWithoutExemplar.call(this, labels, value);
  }

  /** Label values in declared order, each but the last prefixed by its length: unambiguous. */
  private key(labels: LabelValues<T>): string {
    const names = this.names;
    if (names.length === 0) return '';
    let key = '';
    for (let i = 0; i < names.length - 1; i++) {
      const v = String(labels[names[i]!] ?? '\u0000');
      key += `${v.length}:${v}`;
    }
    return key + String(labels[names[names.length - 1]!] ?? '\u0000');
  }

  private fold(): void {
    for (const cell of this.cells.values()) {
      if (cell.pending === 0) continue;
      this.base(cell.labels, cell.pending);
      cell.pending = 0;
    }
  }
}
