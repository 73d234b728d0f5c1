/**
 * The composition root: builds a running gateway from a compiled plan and owns its
 * lifecycle. It opens the store (outbox, history, route state) in the state directory.
 * start binds listeners (rolling back on failure); reload swaps in a new plan (listeners
 * rebind only when their settings changed; route state carries over); stop closes
 * listeners, drains the queue into the store, gives deliveries in flight a bounded time to
 * finish, and closes the store. What is still queued is delivered after the next start.
 */
import type { Writable } from 'node:stream';
import { createSteadyClock, systemClock, systemTimers, type Clock, type Timers } from '../core/clock.js';
import { createUlidFactory } from '../core/ids.js';
import type { Classified } from '../core/classification.js';
import type { Notification } from '../core/notification.js';
import type { BoundAddress, ListenerContext } from '../listeners/listener.js';
import type { Logger } from '../observe/logger.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { createRateLimitedWarn } from '../observe/rate-limited.js';
import { createChannelHealth } from '../observe/channel-health.js';
import { createProcessMetrics } from '../observe/process-metrics.js';
import { parseListen } from '../config/schema/http.js';
import { createDeliverer, type Channel, type Deliverer } from '../outputs/deliverer.js';
import { createProcessRunner, type HookRunner } from '../outputs/exec/hook-runner.js';
import { createSpawnerRunner, spawnerAvailable } from '../outputs/exec/spawner.js';
import { createPolicyEngine, type PolicyEngine } from '../route/engine.js';
import { openStore, type CommitBatch, type Store } from '../store/index.js';
import { buildChannel } from './channels.js';
import type { GatewayPlan } from './compile.js';
import { createPipeline, type Pipeline, type Stages } from './pipeline.js';
import { createListenerSet } from './listener-set.js';
import { buildHealth, type HealthReport } from './health.js';
import { createHttpEndpoint } from './http.js';
import { createSelfMonitor, type SelfMonitorOptions } from './self-monitor.js';
import { compileStoredSilences, stateDir } from './state.js';

export interface GatewayDeps {
  readonly log: Logger;
  readonly stdout?: Writable;
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Where exec hooks are spawned; default a helper process, so this one never forks. */
  readonly hookRunner?: HookRunner;
  /** Environment (STATE_DIRECTORY); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Sees every classified event and the notifications it produced (tests, history). */
  readonly observe?: (c: Classified, notifications: readonly Notification[]) => void;
  /** Self-monitoring limits (tests shorten them). */
  readonly selfMonitor?: Partial<SelfMonitorOptions>;
}

export interface Gateway {
  start(): Promise<void>;
  /** Swaps in a new plan. Listener bind failures are logged; the rest of the reload stands. */
  reload(plan: GatewayPlan): Promise<void>;
  stop(graceMs?: number): Promise<void>;
  addresses(): Record<string, BoundAddress[]>;
  readonly metrics: Metrics;
  readonly store: Store;
  generation(): number;
  health(): HealthReport;
  /** Where /healthz and /metrics listen (`host:port`), undefined when off. */
  httpAddress(): string | undefined;
  /** A SIGHUP reload found the new file invalid: count it and raise a self-monitoring event. */
  reloadRejected(issues: readonly string[]): void;
  /** False while the state database cannot be written (readiness). */
  ready(): boolean;
}

const TICK_MS = 1000;
/** A wall-clock jump this large between two ticks is a step, not timer jitter or slewing. */
const CLOCK_STEP_MS = 2000;
const RETENTION_EVERY_MS = 3_600_000;
const RETENTION_FIRST_MS = 10_000;

export function buildGateway(initialPlan: GatewayPlan, deps: GatewayDeps): Gateway {
  // Every time the gateway keeps (outbox schedules above all) is in this clock: a wall-clock
  // step reaches it at the next tick, where the outbox's schedules are moved by the step.
  const clock = createSteadyClock(deps.clock ?? systemClock, CLOCK_STEP_MS);
  const timers = deps.timers ?? systemTimers;
  const log = deps.log;
  const metrics = createMetrics();
  const newId = createUlidFactory(() => clock.now());
  const storeConfig = initialPlan.loaded.config.store;
  const store = openStore(
    { dir: stateDir(initialPlan.loaded, deps.env ?? process.env), synchronous: storeConfig.synchronous, maxOutbox: storeConfig.max_outbox },
    { clock, timers, log, metrics },
  );
  const outbox = store.outbox;
  let plan = initialPlan;
  let generation = 1;
  let deliverer: Deliverer;
  const startedAt = clock.now();
  const channelHealth = createChannelHealth(clock);
  const processMetrics = createProcessMetrics(metrics.registry);
  // The pipeline is built below; the monitor emits only once the gateway has started.
  const monitor = createSelfMonitor({
    clock, timers, metrics, log, newId,
    emit: (event) => pipeline.emit(event),
    outboxFill: () => ({ depth: outbox.depth(), bound: storeConfig.max_outbox }),
    ...(deps.selfMonitor ? { options: deps.selfMonitor } : {}),
  });

  let ticker: unknown;
  let retention: unknown;
  let stopped = false;
  const hookRunner = deps.hookRunner ?? (spawnerAvailable() ? createSpawnerRunner() : createProcessRunner());

  const engineFor = (p: GatewayPlan, state: Iterable<[string, unknown]>): PolicyEngine => {
    const engine = createPolicyEngine(p.policy, { newId, absence: p.absence });
    engine.restore(state, clock.now());
    engine.setSilences([...p.silences, ...compileStoredSilences(store.silences(), log)]);
    return engine;
  };
  let engine = engineFor(plan, store.loadState());
  const stagesFor = (p: GatewayPlan): Stages => ({
    classify: monitor.classify(p.classifier),
    engine,
  });

  const buildDeliverer = (p: GatewayPlan): Deliverer => {
    const channels = new Map<string, Channel>();
    for (const [id, cp] of p.channels) {
      channels.set(id, buildChannel(cp, {
        log, stdout: deps.stdout ?? process.stdout, configDir: p.loaded.dir,
        hookRunner,
      }));
    }
    return createDeliverer(channels, {
      outbox, clock, timers, log, metrics, newId,
      onSettled(channel, n, outcome, error) {
        if (outcome === 'sent') return channelHealth.success(channel);
        channelHealth.failure(channel, error?.code ?? 'ERR_OUTPUT_UNEXPECTED', outcome === 'dead');
        if (outcome === 'dead' && error) monitor.deliveryDead(channel, n, error);
      },
    });
  };

  function commit(batch: CommitBatch): void {
    // The store announces written records to the deliverer (also after a retried write).
    store.commit(batch);
    for (const n of batch.notifications) metrics.notificationsQueued.inc({ channel: n.channel });
  }

  const pipeline: Pipeline = createPipeline(stagesFor(plan), {
    capacity: plan.loaded.config.queue.capacity,
    metrics,
    log,
    clock,
    commit,
    ...(deps.observe ? { observe: deps.observe } : {}),
  });

  /** Once a second: clock steps, time-based policy, and changes the CLI made to the store. */
  function onTick(): void {
    ticker = undefined;
    if (stopped) return;
    const step = clock.resync();
    if (step !== 0) {
      // Digest, limit, dedup, problem and absence deadlines move too (committed with the tick).
      engine.shift(step);
      try {
        outbox.shiftSchedules(step);
        log.warn({ stepMs: step }, 'the wall clock stepped; delivery schedules and policy deadlines moved with it');
      } catch (err) {
        log.error({ code: 'ERR_STORE_WRITE', err, stepMs: step }, 'the wall clock stepped; moving delivery schedules failed');
      }
      deliverer.wake();
    }
    pipeline.tick();
    if (store.changedExternally()) {
      engine.setSilences([...plan.silences, ...compileStoredSilences(store.silences(), log)]);
      outbox.refresh();
      deliverer.wake();
    }
    ticker = timers.setTimeout(onTick, TICK_MS);
  }

  /** Removes history beyond the retention, a chunk per turn of the event loop. */
  function onRetention(): void {
    retention = undefined;
    if (stopped) return;
    const cutoff = clock.now() - plan.loaded.config.store.retention;
    const step = () => {
      if (stopped) return;
      if (store.purge(cutoff) > 0) setImmediate(step);
    };
    step();
    retention = timers.setTimeout(onRetention, RETENTION_EVERY_MS);
  }

  const listenerCtx: ListenerContext = {
    log,
    clock,
    metrics,
    newId,
    warn: createRateLimitedWarn(log, clock),
    emit: (event) => pipeline.emit(event),
    hasRoom: () => pipeline.hasRoom(),
    onDrain: (fn) => pipeline.onDrain(fn),
  };

  const listenerSet = createListenerSet(listenerCtx, log);

  deliverer = buildDeliverer(plan);

  const http = createHttpEndpoint({
    log,
    health: () => health(),
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  });

  async function startHttp(p: GatewayPlan): Promise<void> {
    const at = parseListen(p.loaded.config.http.listen);
    if (at) await http.start(at.host, at.port);
  }

  function health(): HealthReport {
    const bound = listenerSet.bound(plan);
    return buildHealth({
      now: clock.now(),
      startedAt,
      generation,
      listeners: bound,
      outboxDepth: outbox.depth(),
      storeWritable: store.healthy(),
      channels: [...plan.channels.values()].map((c) => ({ id: c.id, type: c.config.type, depth: outbox.depth(c.id), health: channelHealth.get(c.id) })),
    });
  }

  return {
    metrics,
    store,
    generation: () => generation,
    health,
    httpAddress: () => http.address(),
    reloadRejected(issues) {
      metrics.configReloads.inc({ result: 'rejected' });
      monitor.reloadRejected(issues.length, issues[0]);
    },
    ready: () => store.healthy(),
    async start() {
      await listenerSet.start(plan);
      try {
        await startHttp(plan);
      } catch (err) {
        await listenerSet.stop();
        throw err;
      }
      metrics.configGeneration.set(generation);
      processMetrics.start();
      monitor.start();
      deliverer.wake();
      ticker = timers.setTimeout(onTick, TICK_MS);
      retention = timers.setTimeout(onRetention, RETENTION_FIRST_MS);
      log.info({ listeners: listenerSet.size(), channels: plan.channels.size, rules: plan.rules.length }, 'eventgate started');
    },
    async reload(next) {
      const oldListen = plan.loaded.config.http.listen;
      await listenerSet.reconcile(next);
      if (JSON.stringify(next.loaded.config.store) !== JSON.stringify(plan.loaded.config.store)) {
        log.warn('store settings changed; they take effect after a restart');
      }
      // Route state carries over: the new engine starts from the old one's memory.
      engine = engineFor(next, engine.exportState());
      pipeline.swap(stagesFor(next));
      const old = deliverer;
      await old.stop(5000);
      plan = next;
      deliverer = buildDeliverer(next);
      deliverer.wake();
      generation++;
      metrics.configGeneration.set(generation);
      metrics.configReloads.inc({ result: 'ok' });
      if (next.loaded.config.http.listen !== oldListen) {
        await http.stop();
        try {
          await startHttp(next);
        } catch (err) {
          log.error({ err, listen: next.loaded.config.http.listen }, 'http endpoint could not start after reload');
        }
      }
      log.info({ generation, listeners: listenerSet.size(), channels: next.channels.size, rules: next.rules.length }, 'configuration reloaded');
    },
    async stop(graceMs = 4000) {
      const deadline = clock.monotonic() + graceMs;
      await listenerSet.stop();
      monitor.stop();
      processMetrics.stop();
      await http.stop();
      await pipeline.drain();
      stopped = true;
      if (ticker !== undefined) timers.clearTimeout(ticker);
      if (retention !== undefined) timers.clearTimeout(retention);
      await deliverer.stop(Math.max(0, deadline - clock.monotonic()));
      await hookRunner.close();
      const pending = outbox.depth();
      await store.close();
      log.info({ pending }, 'eventgate stopped; pending notifications stay in the outbox');
    },
    addresses: () => listenerSet.addresses(),
  };
}
