/**
 * Route state through a step of the wall clock. The gateway's clock follows the wall clock;
 * when that steps (NTP, `date -s`), every instant kept here moves with it, so each deadline
 * (digest flush, limit and dedup window end, problem repeat and auto-resolve, absence) still
 * falls as long after its start as it was set for: not an hour late after a step back, nor
 * all at once after a step forward. Silences are not moved: their start and end are
 * wall-clock instants an operator chose. Pure.
 */

/** The instants (ms since the epoch) of each state table's rows, by table kind. */
const INSTANTS: Readonly<Record<string, readonly string[]>> = {
  p: ['openedAt', 'lastSeen', 'lastNotifiedAt'],
  d: ['firstSeen', 'windowEnd', 'lastSeen'],
  l: ['windowEnd', 'lastSuppressedAt'],
  g: ['flushAt'],
  a: ['lastSeen', 'raisedAt'],
};

/** A copy of a `kind` row with its instants moved by `deltaMs`. */
export function shiftedRow<T extends object>(kind: string, row: T, deltaMs: number): T {
  const copy = { ...row } as Record<string, unknown>;
  for (const field of INSTANTS[kind] ?? []) {
    if (typeof copy[field] === 'number') copy[field] = (copy[field] as number) + deltaMs;
  }
  return copy as T;
}
