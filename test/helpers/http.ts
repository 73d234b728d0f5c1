/**
 * HTTP helpers for e2e tests of the /healthz and /metrics endpoint: a free loopback port,
 * a GET that resolves with status and body, and a reader for Prometheus sample values.
 */
import { get } from 'node:http';
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (for configs that must name a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type'] ?? '') }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** The value of one sample (`name{labels}`) in Prometheus text, or undefined. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' ')) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

