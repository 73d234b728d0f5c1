/**
 * CPU time per item of a repeated body, for the in-process benchmarks: CPU (user + system
 * of this process), not wall time, so other work on a shared machine skews it little.
 */

/** CPU time this process has used so far, µs (user + system). */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs `body` (which returns how many items it handled) for `seconds`; CPU µs per item. */
export function cpuPerItem(body: () => number, seconds = 1.5): number {
  let items = 0;
  const cpu0 = cpuMicros();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) items += body();
  return (cpuMicros() - cpu0) / items;
}
