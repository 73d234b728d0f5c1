/**
 * Route state kept in memory and mirrored to the store: one table per kind (problems,
 * dedup windows, limit windows, digests, absence), each bounded. Every change is recorded
 * in a shared dirty map that the pipeline commits with the notifications it caused.
 * Ids in the store are `<kind>|<id>`.
 */

export class StateTable<T extends object> {
  readonly #rows = new Map<string, T>();
  evicted = 0;

  constructor(
    readonly kind: string,
    private readonly dirty: Map<string, unknown>,
    private readonly max: number,
  ) {}

  get(id: string): T | undefined {
    return this.#rows.get(id);
  }

  /** Stores (or re-marks after an in-place change); evicts the oldest beyond the bound. */
  set(id: string, value: T): void {
    if (!this.#rows.has(id) && this.#rows.size >= this.max) {
      const oldest = this.#rows.keys().next().value as string;
      this.delete(oldest);
      this.evicted++;
    }
    this.#rows.set(id, value);
    this.dirty.set(`${this.kind}|${id}`, value);
  }

  delete(id: string): void {
    if (this.#rows.delete(id)) this.dirty.set(`${this.kind}|${id}`, null);
  }

  /** Loads a row from the store without marking it dirty. */
  restore(id: string, value: T): void {
    this.#rows.set(id, value);
  }

  entries(): [string, T][] {
    return [...this.#rows];
  }

  get size(): number {
    return this.#rows.size;
  }
}
