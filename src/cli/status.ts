/**
 * `eventgate status`: asks the running instance's /healthz (at the config's `http.listen`)
 * and says in plain words what is up and what is not. Exit 0 when healthy, 1 when degraded,
 * unreachable, or the endpoint is off. Needs only `http.listen` from the config, so it
 * works in a shell that lacks the service's secret variables.
 */
import { request } from 'node:http';
import type { HealthReport } from '../app/health.js';
import { loadConfig } from '../config/load.js';
import { parseListen } from '../config/schema/http.js';
import { formatIssue } from '../config/source-map.js';
import { ERROR_CODES, type ErrorCode } from '../core/errors.js';
import type { Io } from './check.js';

const TIMEOUT_MS = 5000;

/** Where to connect for a listen address: a wildcard bind is reached on loopback. */
export function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

/** The report in plain words, one fact per line. */
export function describeHealth(r: HealthReport, where: string): string {
  const lines = [`eventgate at ${where}: ${r.status === 'ok' ? 'healthy' : 'DEGRADED'} (configuration generation ${r.generation}, up ${duration(r.uptimeSeconds)})`];
  for (const l of r.listeners) {
    const at = l.addresses.map((a) => `${a.protocol} ${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`).join(', ');
    lines.push(l.up ? `listener ${l.id}: up on ${at}` : `listener ${l.id}: NOT LISTENING`);
  }
  lines.push(`outbox: ${r.outbox.depth} notification(s) waiting`);
  for (const c of r.channels) {
    let text = `channel ${c.id} (${c.type}): ${c.status === 'ok' ? 'ok' : 'DEGRADED'}`;
    if (c.depth) text += `, ${c.depth} waiting`;
    if (c.status !== 'ok' && c.lastError) {
      const what = ERROR_CODES[c.lastError.code as ErrorCode];
      text += `, ${c.failures} failed attempt(s), last ${c.lastError.code} at ${c.lastError.at}${what ? ` (${what})` : ''}`;
    }
    if (c.dead) text += `, ${c.dead} given up since start`;
    lines.push(text);
  }
  return lines.join('\n') + '\n';
}

function fetchHealth(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/healthz', method: 'GET', timeout: TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 1_000_000) body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end();
  });
}

export async function status(configFile: string, io: Io): Promise<number> {
  const loaded = loadConfig(configFile);
  const config = loaded.ok ? loaded.loaded.config : loaded.partial?.config;
  if (!config) {
    for (const i of loaded.ok ? [] : loaded.issues) io.stderr(formatIssue(i) + '\n');
    io.stderr(`${configFile}: cannot read http.listen\n`);
    return 1;
  }
  const at = parseListen(config.http.listen);
  if (!at) {
    io.stderr(`${configFile}: the HTTP endpoint is off (http.listen is not set); status needs it\n`);
    return 1;
  }
  const host = connectHost(at.host);
  const where = host.includes(':') ? `[${host}]:${at.port}` : `${host}:${at.port}`;
  let res;
  try {
    res = await fetchHealth(host, at.port);
  } catch (err) {
    io.stderr(`eventgate at ${where}: UNREACHABLE (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); is the service running?\n`);
    return 1;
  }
  let report: HealthReport;
  try {
    report = JSON.parse(res.body) as HealthReport;
  } catch {
    io.stderr(`eventgate at ${where}: answered HTTP ${res.status} without a health report\n`);
    return 1;
  }
  io.stdout(describeHealth(report, where));
  return report.status === 'ok' && res.status === 200 ? 0 : 1;
}
