/**
 * CPU time per item of a repeated body, for the in-process benchmarks: CPU (user + system
 * of this process), not wall time, so other work on a shared machine skews it little.
 */

/** Runs `body` (which returns how many items it handled) for `seconds`; CPU µs per item. */
export function cpuPerItem(body: () => number, seconds = 1.5): number {
  let items = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) items += body();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / items;
}
