/**
 * The HTTP endpoint: GET /healthz (JSON health, 200 when healthy, 503 when not) and
 * GET /metrics (Prometheus text). Nothing else: no request body is read, other paths are
 * 404, other methods 405. Bounded: few connections, short timeouts. Bind it to localhost.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../observe/logger.js';
import type { HealthReport } from './health.js';

export interface HttpEndpointDeps {
  readonly log: Logger;
  readonly health: () => HealthReport;
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
}

export interface HttpEndpoint {
  start(host: string, port: number): Promise<void>;
  stop(): Promise<void>;
  /** `host:port` actually bound, or undefined when not listening. */
  address(): string | undefined;
}

const MAX_CONNECTIONS = 32;

export function createHttpEndpoint(deps: HttpEndpointDeps): HttpEndpoint {
  const log = deps.log.child({ component: 'http' });
  let server: Server | undefined;

  function send(res: ServerResponse, status: number, contentType: string, body: string): void {
    res.writeHead(status, {
      'content-type': contentType,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-length': Buffer.byteLength(body),
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/metrics') return send(res, 404, 'text/plain; charset=utf-8', 'not found: try /healthz or /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    if (path === '/healthz') {
      const report = deps.health();
      return send(res, report.status === 'ok' ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(report) + '\n');
    }
    const m = await deps.metrics();
    return send(res, 200, m.contentType, m.body);
  }

  return {
    async start(host, port) {
      const s = createServer((req, res) => {
        req.resume();
        handle(req, res).catch((err) => {
          log.error({ err }, 'http request failed');
          if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
          else res.destroy();
        });
      });
      s.maxConnections = MAX_CONNECTIONS;
      s.requestTimeout = 10_000;
      s.headersTimeout = 5_000;
      s.keepAliveTimeout = 5_000;
      s.on('clientError', (_err, socket) => socket.destroy());
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen({ host, port, exclusive: true }, () => {
          s.off('error', reject);
          resolve();
        });
      });
      s.on('error', (err) => log.error({ err }, 'http server error'));
      server = s;
      log.info({ address: this.address() }, 'http endpoint listening (/healthz, /metrics)');
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    address() {
      const a = server?.address() as AddressInfo | null | undefined;
      if (!a) return undefined;
      return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    },
  };
}
