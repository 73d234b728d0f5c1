/**
 * The ingest queue's two limits: stream listeners (which can pause) stop at half the
 * capacity and hear when it drained to a quarter; datagrams use the rest, and only a full
 * queue refuses them. Each batch is committed once, classified in arrival order.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPipeline } from '../../../src/app/pipeline.js';
import type { Classifier } from '../../../src/classify/classifier.js';
import type { GatewayEvent } from '../../../src/core/event.js';
import type { CommitBatch } from '../../../src/store/index.js';
import type { PolicyEngine } from '../../../src/route/engine.js';
import { createLogger } from '../../../src/observe/logger.js';
import { createMetrics } from '../../../src/observe/metrics.js';
import { createFakeTime } from '../../helpers/fake-clock.js';
import { ev } from '../route/policy-helpers.js';

const engine = {
  process: () => ({ notifications: [], held: [] }),
  tick: () => ({ notifications: [], events: [] }),
  takeChanges: () => [],
  takeEvicted: () => 0,
} as unknown as PolicyEngine;

it('streams stop at half the capacity, datagrams fill the rest, drain is told at a quarter', async () => {
  const batches: CommitBatch[] = [];
  const classify = Object.assign((e: GatewayEvent) => ({ ...ev({}).classification, title: e.id }), { explain: () => [] }) as unknown as Classifier;
  const p = createPipeline({ classify, engine }, {
    capacity: 8, metrics: createMetrics(), log: createLogger({ level: 'silent' }), clock: createFakeTime(), commit: (b) => batches.push(b),
  });
  const event = (i: number) => ({ ...ev({}).event, id: `E${i}` });
  for (let i = 0; i < 4; i++) assert.equal(p.emit(event(i)), true);
  assert.equal(p.hasRoom(), false, 'a stream listener pauses at half the capacity');
  let drained = false;
  p.onDrain(() => (drained = true));
  for (let i = 4; i < 8; i++) assert.equal(p.emit(event(i)), true, 'datagrams use the other half');
  assert.equal(p.emit(event(8)), false, 'a full queue refuses');
  await p.drain();
  assert.equal(drained, true);
  assert.equal(p.hasRoom(), true);
  assert.deepEqual(batches.flatMap((b) => b.events.map((h) => h.classified.classification.title)), ['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7']);
});
