/**
 * Email test helpers: builds a channel from YAML through the real loader, compiler and
 * channel wiring (so tests exercise what `run` builds), and makes notifications.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { buildChannel, type ChannelDeps } from '../../src/app/channels.js';
import { compilePlan, type GatewayPlan } from '../../src/app/compile.js';
import { loadConfig } from '../../src/config/load.js';
import { formatIssue, type ConfigIssue } from '../../src/config/source-map.js';
import { ROOT } from './gateway-process.js';
import { createUlidFactory } from '../../src/core/ids.js';
import type { Notification, NotificationItem } from '../../src/core/notification.js';
import { createLogger, type Logger } from '../../src/observe/logger.js';
import type { Channel } from '../../src/outputs/deliverer.js';

/** A logger that keeps its JSON records in memory. */
export function memoryLogger(level: 'debug' | 'info' | 'warn' | 'silent' = 'debug'): { log: Logger; records: () => Record<string, unknown>[]; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  const log = createLogger({ level, destination: stream as unknown as Parameters<typeof createLogger>[0]['destination'] });
  return { log, records: () => lines.flatMap((l) => l.split('\n').filter(Boolean).map((x) => JSON.parse(x) as Record<string, unknown>)), text: () => lines.join('') };
}

/** Writes a config whose only channel `mail` is `channelYaml` (indented under it). */
export function writeConfig(dir: string, channelYaml: string, extra = ''): string {
  const path = join(dir, 'eventgate.yaml');
  const body = channelYaml.trim().split('\n').map((l) => `    ${l}`).join('\n');
  writeFileSync(path, `channels:\n  mail:\n${body}\n${extra}`);
  return path;
}

export function compileConfig(path: string, env: NodeJS.ProcessEnv = {}): { ok: true; plan: GatewayPlan } | { ok: false; issues: ConfigIssue[] } {
  const loaded = loadConfig(path, env);
  if (!loaded.ok) return loaded;
  return compilePlan(loaded.loaded);
}

/** Loads `channelYaml` as channel `mail` and builds its Channel (output + retry policy). */
export function emailChannel(dir: string, channelYaml: string, opts: { env?: NodeJS.ProcessEnv; log?: Logger; email?: ChannelDeps['email']; extra?: string } = {}): Channel {
  const path = writeConfig(dir, channelYaml, opts.extra);
  const r = compileConfig(path, opts.env ?? {});
  if (!r.ok) throw new Error(`config invalid:\n${r.issues.map(formatIssue).join('\n')}`);
  const log = opts.log ?? createLogger({ level: 'silent' });
  return buildChannel(r.plan.channels.get('mail')!, { log, stdout: process.stdout, configDir: dir, ...(opts.email ? { email: opts.email } : {}) });
}

const newId = createUlidFactory(() => Date.now());

export function item(over: Partial<NotificationItem> = {}): NotificationItem {
  return {
    eventId: newId(),
    receivedAt: Date.now(),
    host: 'PC-0042',
    message: 'Virus found: EICAR-Test-File in C:\\Users\\bob\\eicar.com on PC-0042',
    ruleId: 'generic-virus-found',
    category: 'virus',
    severity: 'critical',
    title: 'Virus EICAR-Test-File found',
    fields: { ComputerName: 'PC-0042', VirusName: 'EICAR-Test-File', InfectedObject: 'C:\\Users\\bob\\eicar.com', TimeStamp: '2026-11-22T10:15:02Z' },
    ...over,
  };
}

export function notification(over: Partial<Notification> = {}, items: NotificationItem[] = [item()]): Notification {
  return {
    id: newId(),
    createdAt: Date.now(),
    kind: 'alert',
    channel: 'mail',
    routeIndex: 0,
    key: 'virus|PC-0042',
    severity: 'critical',
    category: 'virus',
    title: items[0]?.title ?? 'title',
    items,
    suppressed: 0,
    ...over,
  };
}

export const signal = (ms = 20_000): AbortSignal => AbortSignal.timeout(ms);

/**
 * The config of an `eventgate run` that sends every virus event by email: one syslog
 * listener, every shipped pack, the SQLite store in ./state, and the channel `mail` on
 * `server` (no TLS). `smtp`, `mail` and `route` add to the smtp settings, the channel and the
 * route (YAML, as written there); `extra` adds top-level sections.
 */
export function mailGatewayConfig(o: { server: string; listener?: 'udp' | 'tcp'; smtp?: string; mail?: readonly string[]; route?: string; extra?: string }): string {
  const l = o.listener ?? 'udp';
  return `
listeners: { syslog: [{ id: ${l}, protocol: ${l}, address: 127.0.0.1, port: 0 }] }
rules: ["${ROOT}/config/rules/*.yaml"]
store: { path: ./state }
channels:
  mail:
    type: email
    smtp: { servers: ["${o.server}"], tls: none${o.smtp ? `, ${o.smtp}` : ''} }
    to: soc@example.com
${(o.mail ?? []).map((line) => `    ${line}\n`).join('')}routes:
  - { match: { category: virus }, channels: [mail]${o.route ? `, ${o.route}` : ''} }
${o.extra ?? ''}`;
}
