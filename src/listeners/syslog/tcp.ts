/**
 * Syslog over TCP (RFC 6587) and TLS (RFC 5425) on node:net, one server for both. A new
 * connection arrives paused: the allow-list and the connection limits (total, per source)
 * are checked before a single byte is read, and a refused peer is closed at once. TLS wraps
 * the accepted socket itself, so the handshake has its own timeout and the certificates can
 * be swapped on reload without closing the connections already open.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServerRaw, type SecureContextOptions, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { normalizeAddress } from '../../core/net.js';
import type { AllowList } from '../access.js';
import type { BoundAddress, Listener, ListenerContext } from '../listener.js';
import type { Decoder } from './charset.js';
import { serveConnection } from './connection.js';

export interface StreamTlsOptions {
  /** Certificate, key, CA and minimum version, as for tls.createSecureContext. */
  readonly context: SecureContextOptions;
  /** Require and verify a client certificate against the context's CA (mutual TLS). */
  readonly requestCert: boolean;
  readonly handshakeTimeoutMs: number;
}

export interface StreamSyslogOptions {
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly maxFrame: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
  readonly allow: AllowList;
  readonly rateLimit?: (source: string, nowMs: number) => boolean;
  readonly decode: Decoder;
  readonly tls?: StreamTlsOptions;
}

export interface StreamSyslogListener extends Listener {
  /** New TLS settings (reloaded certificates) for connections accepted from now on. */
  setTls(tls: StreamTlsOptions): void;
}

export function createStreamSyslogListener(ctx: ListenerContext, opts: StreamSyslogOptions): StreamSyslogListener {
  const listener = opts.id;
  const transport = opts.tls ? 'tls' : 'tcp';
  const log = ctx.log.child({ component: 'syslog', listener });
  const { metrics } = ctx;
  let server: Server | undefined;
  const open = new Set<Socket>();
  const perSource = new Map<string, number>();

  function refuse(socket: Socket, address: string, reason: string): void {
    metrics.connectionsRejected.inc({ listener, reason });
    ctx.warn('ERR_SOURCE_REFUSED', 'syslog connection refused', { listener, peer: address, reason });
    socket.on('error', () => {});
    socket.destroy();
  }

  function track(socket: Socket, address: string): void {
    open.add(socket);
    perSource.set(address, (perSource.get(address) ?? 0) + 1);
    metrics.connectionsOpen.inc({ listener });
    socket.once('close', () => {
      open.delete(socket);
      const n = (perSource.get(address) ?? 1) - 1;
      if (n <= 0) perSource.delete(address);
      else perSource.set(address, n);
      metrics.connectionsOpen.dec({ listener });
    });
  }

  /**
   * A tls.Server that never listens: accepted sockets are handed to it, so Node does the
   * handshake and its timeout, and `setSecureContext` swaps certificates for new
   * connections. Every handshake ends in `secureConnection` or `tlsClientError`. The client
   * certificate is checked here (`rejectUnauthorized` off, `authorized` read) so that a
   * refused certificate is counted and logged like any other refusal.
   */
  function createTlsServer(t: StreamTlsOptions): TlsServer {
    const s = createTlsServerRaw({
      ...t.context,
      requestCert: t.requestCert,
      rejectUnauthorized: false,
      handshakeTimeout: t.handshakeTimeoutMs,
    });
    s.on('tlsClientError', (err: NodeJS.ErrnoException, sock: TLSSocket) => {
      const reason = err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'handshake_timeout' : 'handshake';
      metrics.connectionsRejected.inc({ listener, reason });
      ctx.warn('ERR_TLS_HANDSHAKE', 'TLS handshake with a syslog sender failed', { listener, peer: normalizeAddress(sock.remoteAddress ?? ''), reason, tlsError: err.code });
      sock.destroy();
    });
    s.on('secureConnection', (sock: TLSSocket) => {
      const address = normalizeAddress(sock.remoteAddress ?? '');
      if (t.requestCert && !sock.authorized) {
        metrics.connectionsRejected.inc({ listener, reason: 'client_certificate' });
        ctx.warn('ERR_TLS_HANDSHAKE', 'syslog client certificate not accepted', { listener, peer: address, reason: 'client_certificate', tlsError: String(sock.authorizationError) });
        return void sock.destroy();
      }
      metrics.connectionsAccepted.inc({ listener });
      serveConnection(ctx, connectionOptions, sock, { address, port: sock.remotePort ?? 0, transport: 'tls' });
    });
    return s;
  }

  const connectionOptions = {
    listenerId: listener,
    maxFrame: opts.maxFrame,
    idleTimeoutMs: opts.idleTimeoutMs,
    decode: opts.decode,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  };

  const tlsServer = opts.tls ? createTlsServer(opts.tls) : undefined;

  function onConnection(socket: Socket): void {
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const port = socket.remotePort ?? 0;
    if (!address) return void socket.destroy();
    if (!opts.allow(address)) return refuse(socket, address, 'not_allowed');
    if (open.size >= opts.maxConnections) return refuse(socket, address, 'max_connections');
    if ((perSource.get(address) ?? 0) >= opts.maxConnectionsPerSource) return refuse(socket, address, 'max_connections_per_source');
    track(socket, address);
    socket.on('error', () => {}); // reported by the TLS layer or the connection
    if (tlsServer) return void tlsServer.emit('connection', socket);
    metrics.connectionsAccepted.inc({ listener });
    serveConnection(ctx, connectionOptions, socket, { address, port, transport: 'tcp' });
  }

  async function bind(address: string): Promise<Server> {
    const s = createServer({ pauseOnConnect: true }, (socket) => {
      try {
        onConnection(socket);
      } catch (err) {
        log.error({ err }, 'accepting a syslog connection failed');
        socket.destroy();
      }
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen({ host: address, port: opts.port, exclusive: true, ipv6Only: false }, () => {
        s.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  return {
    id: listener,
    async start() {
      try {
        server = await bind(opts.address);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (opts.address !== '::' || (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL')) throw err;
        log.warn({ code }, 'IPv6 unavailable; listening on IPv4 only');
        server = await bind('0.0.0.0');
      }
      server.on('error', (err) => ctx.warn('ERR_LISTENER_SOCKET', 'syslog server error', { listener, err }));
      const a = server.address();
      log.info({ transport, ...(a && typeof a === 'object' ? { address: a.address, port: a.port } : {}) }, `syslog ${transport} listener started`);
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
    addresses(): BoundAddress[] {
      const a = server?.address();
      if (!a || typeof a !== 'object') return [];
      return [{ protocol: transport, address: a.address, port: a.port }];
    },
    setTls(next) {
      tlsServer?.setSecureContext(next.context);
    },
  };
}
