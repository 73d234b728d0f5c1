/**
 * `eventgate replay FILE`: feeds a capture through the gateway's own stages with the outputs
 * in dry-run, to see what a config would have notified. Each line (a syslog message, or a
 * JSON trap description as `classify` takes) is classified and routed, and dedup, limits,
 * digests, problems and recoveries, repeats and absence run on a clock that follows the
 * capture: each line's own timestamp (a trap description's `time`), else the previous one.
 * Every notification that would have been queued is printed with its time. Nothing is sent
 * or stored: the state database is not opened, so only the config's silences apply.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseDuration } from '../config/schema/common.js';
import type { GatewayConfig } from '../config/schema/root.js';
import { createUlidFactory } from '../core/ids.js';
import type { Notification } from '../core/notification.js';
import { createPolicyEngine, type Decision } from '../route/engine.js';
import { UsageError } from './args.js';
import type { Io } from './check.js';
import { inputEvent } from './input-lines.js';
import { loadPlan, printIssues } from './load-plan.js';
import { parseOptions } from './state-access.js';

/** The gateway's policy tick. */
const TICK_MS = 1000;
/** A longer quiet stretch in the capture is ticked through for its first day only. */
const MAX_TICKED_GAP_MS = 86_400_000;

export const REPLAY_USAGE = 'replay FILE (- for stdin) [--json] [--tail DURATION]';

export async function replay(configFile: string, rest: readonly string[], io: Io, stdin: Readable = process.stdin): Promise<number> {
  const { values, positionals } = parseOptions(rest, { json: { type: 'boolean', default: false }, tail: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(`replay needs one FILE (- for stdin): ${REPLAY_USAGE}`);
  const tailMs = values.tail === undefined ? undefined : parseDuration(values.tail);
  if (values.tail !== undefined && tailMs === undefined) throw new UsageError(`invalid duration "${values.tail}": use e.g. 30m or 2h`);
  const result = loadPlan(configFile);
  if (!result.ok) {
    printIssues(result.issues, io.stderr);
    return 1;
  }
  const { plan } = result;
  const input = positionals[0] === '-' ? stdin : createReadStream(positionals[0]!);
  const opened = await new Promise<Error | undefined>((resolve) => {
    if (input === stdin) return resolve(undefined);
    input.once('ready', () => resolve(undefined)).once('error', resolve);
  });
  if (opened) {
    io.stderr(`eventgate replay: cannot read ${positionals[0]}: ${opened.message}\n`);
    return 1;
  }

  let now: number | undefined;
  let nextTick = 0;
  const newId = createUlidFactory(() => now ?? Date.now());
  const engine = createPolicyEngine(plan.policy, { newId, absence: plan.absence });
  engine.setSilences(plan.silences);
  const counts = { lines: 0, unreadable: 0, events: new Map<string, number>(), dropped: 0, silenced: 0, held: new Map<string, number>(), sent: new Map<string, number>() };
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  const print = (list: readonly Notification[]) => {
    for (const n of list) {
      bump(counts.sent, n.channel);
      io.stdout(values.json ? `${JSON.stringify({ time: new Date(n.createdAt).toISOString(), ...n })}\n` : `${describe(n)}\n`);
    }
  };
  const decided = (d: Decision) => {
    if (d.silencedBy !== undefined) counts.silenced++;
    for (const h of d.held) bump(counts.held, h.reason);
    print(d.notifications);
  };
  /** Moves the clock to `to`, running the policy tick once a second on the way. */
  const advance = (to: number) => {
    if (to - nextTick > MAX_TICKED_GAP_MS) {
      while (nextTick <= now! + MAX_TICKED_GAP_MS) tick(nextTick);
      nextTick = to - (to % TICK_MS);
    }
    while (nextTick <= to) tick(nextTick);
    now = Math.max(now!, to);
  };
  const tick = (at: number) => {
    now = at;
    const r = engine.tick(at);
    print(r.notifications);
    for (const e of r.events) {
      bump(counts.events, e.classified.classification.category);
      decided(e.decision);
    }
    nextTick = at + TICK_MS;
  };

  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      counts.lines++;
      const built = inputEvent(line, newId(), now ?? Date.now());
      if (!built) {
        counts.unreadable++;
        continue;
      }
      const at = built.time ?? now ?? Date.now();
      if (now === undefined) {
        now = at;
        nextTick = at + TICK_MS;
      } else if (at > now) advance(at);
      const event = { ...built.event, receivedAt: now };
      const classification = plan.classifier(event);
      bump(counts.events, classification.category);
      if (classification.drop) {
        counts.dropped++;
        continue;
      }
      decided(engine.process({ event, classification }, now));
    }
  } catch (err) {
    // Opened but unreadable (a directory, an I/O error).
    io.stderr(`eventgate replay: cannot read ${positionals[0]}: ${(err as Error).message}\n`);
    return 1;
  }
  if (now !== undefined) advance(now + (tailMs ?? defaultTail(plan.loaded.config)));
  io.stderr(summary(counts));
  return 0;
}

/**
 * How long to run on after the last line, by default: the longest digest interval, limit
 * window or dedup window, so what they hold at the end comes out.
 */
function defaultTail(config: GatewayConfig): number {
  const windows = [...config.routes, ...Object.values(config.channels)]
    .flatMap((p) => [p.digest?.interval ?? 0, p.limit?.per ?? 0, p.dedup?.window ?? 0]);
  return Math.min(MAX_TICKED_GAP_MS, Math.max(0, ...windows) + TICK_MS);
}

function describe(n: Notification): string {
  const items = n.items.length === 1 ? '1 event' : `${n.items.length} events`;
  const more = n.suppressed > 0 ? `, ${n.suppressed} held back` : '';
  return `${new Date(n.createdAt).toISOString()}  ${n.channel}  ${n.kind}  [${n.severity}] ${n.category}: ${n.title}  (${items}${more})`;
}

function summary(c: { lines: number; unreadable: number; events: Map<string, number>; dropped: number; silenced: number; held: Map<string, number>; sent: Map<string, number> }): string {
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return `replay: ${c.lines} line(s), ${c.unreadable} unreadable; ${total(c.events)} event(s) (${list(c.events) || 'none'}), `
    + `${c.dropped} dropped by rules, ${c.silenced} silenced, held back: ${list(c.held) || 'none'}; `
    + `${total(c.sent)} notification(s) (${list(c.sent) || 'none'})\n`;
}
