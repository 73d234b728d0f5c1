/**
 * Process metrics on a gateway's registry: prom-client's default set (CPU, memory, fds,
 * GC, event-loop lag gauges) plus an event-loop delay histogram, sampled by a timer that
 * measures how late it fires. Registered once per registry; start/stop only the sampler.
 */
import { collectDefaultMetrics, Histogram, type Registry } from 'prom-client';

const SAMPLE_MS = 200;
const DELAY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ProcessMetrics {
  start(): void;
  stop(): void;
}

export function createProcessMetrics(registry: Registry): ProcessMetrics {
  collectDefaultMetrics({ register: registry });
  const delay = new Histogram({
    name: 'eventgate_event_loop_delay_seconds',
    help: `How late a ${SAMPLE_MS} ms timer fired: time the event loop was busy`,
    buckets: DELAY_BUCKETS,
    registers: [registry],
  });
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const expected = performance.now() + SAMPLE_MS;
    timer = setTimeout(() => {
      delay.observe(Math.max(0, performance.now() - expected) / 1000);
      arm();
    }, SAMPLE_MS);
    timer.unref();
  };
  return {
    start() {
      if (!timer) arm();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
