/**
 * Compiles the syslog listener section into what the listeners run with (allow-lists,
 * decoders, TLS contexts read from the certificate files) and builds the listeners. TLS
 * files are read here, at load and at every reload, so a renewed certificate is picked up on
 * SIGHUP and a broken one is reported with its position while the running one stays.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { LoadedConfig } from '../config/load.js';
import type { SyslogListenerConfig, SyslogTlsListenerConfig } from '../config/schema/listeners.js';
import { issueAt, type ConfigIssue } from '../config/source-map.js';
import { createAllowList, createSourceRateLimit, parseCidr } from '../listeners/access.js';
import type { Listener, ListenerContext } from '../listeners/listener.js';
import { charsetSupported, createDecoder } from '../listeners/syslog/charset.js';
import { createStreamSyslogListener, type StreamSyslogListener, type StreamTlsOptions } from '../listeners/syslog/tcp.js';
import { createUdpSyslogListener } from '../listeners/syslog/udp.js';

export interface SyslogListenerPlan {
  readonly id: string;
  readonly config: SyslogListenerConfig;
  /** Settings identity: a listener is rebuilt on reload only when this changes. */
  readonly fingerprint: string;
  /** TLS listeners: certificate, key and CA as read at load time (checked by OpenSSL). */
  readonly tls?: { readonly context: SecureContextOptions; readonly requestCert: boolean };
}

export function syslogListenerId(l: SyslogListenerConfig): string {
  return l.id ?? `syslog-${l.protocol}-${l.port}`;
}

function readTls(l: SyslogTlsListenerConfig, dir: string, at: (key: string, msg: string) => void): SyslogListenerPlan['tls'] {
  const files: Partial<Record<'cert' | 'key' | 'client_ca', Buffer>> = {};
  for (const key of ['cert', 'key', 'client_ca'] as const) {
    const path = l[key];
    if (path === undefined) continue;
    try {
      files[key] = readFileSync(resolve(dir, path));
    } catch (err) {
      at(key, `cannot read ${resolve(dir, path)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (!files.cert || !files.key || (l.client_ca !== undefined && !files.client_ca)) return undefined;
  try {
    const context: SecureContextOptions = {
      cert: files.cert,
      key: files.key,
      ...(files.client_ca ? { ca: files.client_ca } : {}),
      minVersion: l.min_version === '1.3' ? 'TLSv1.3' : 'TLSv1.2',
    };
    createSecureContext(context); // throws on a bad PEM or a key that does not match
    return { context, requestCert: files.client_ca !== undefined };
  } catch (err) {
    // OpenSSL's message names the problem (bad PEM, key does not match the certificate).
    at('cert', `TLS certificate, key or CA not usable: ${(err as Error).message}`);
    return undefined;
  }
}

/** Checks CIDRs, charsets and TLS files of every syslog listener; issues carry positions. */
export function compileSyslogListeners(loaded: LoadedConfig): { plans: SyslogListenerPlan[]; issues: ConfigIssue[] } {
  const main = loaded.sources.get(loaded.file)!;
  const issues: ConfigIssue[] = [];
  const plans: SyslogListenerPlan[] = [];
  loaded.config.listeners.syslog.forEach((l, i) => {
    const at = (key: string | (string | number)[], msg: string) =>
      issues.push(issueAt(main, ['listeners', 'syslog', i, ...(Array.isArray(key) ? key : [key])], msg));
    l.allow.forEach((c, j) => {
      if (!parseCidr(c)) at(['allow', j], `invalid CIDR "${c}": use e.g. 10.0.0.0/8, 2001:db8::/32 or a single address`);
    });
    if (!charsetSupported(l.charset)) at('charset', `unknown charset "${l.charset}"`);
    const tls = l.protocol === 'tls' ? readTls(l, loaded.dir, at) : undefined;
    plans.push({ id: syslogListenerId(l), config: l, fingerprint: JSON.stringify(l), ...(tls ? { tls } : {}) });
  });
  return { plans, issues };
}

function tlsOptions(plan: SyslogListenerPlan): StreamTlsOptions | undefined {
  const l = plan.config;
  if (l.protocol !== 'tls' || !plan.tls) return undefined;
  return { context: plan.tls.context, requestCert: plan.tls.requestCert, handshakeTimeoutMs: l.handshake_timeout };
}

/** Builds the listener a compiled plan describes (not started). */
export function createSyslogListener(ctx: ListenerContext, plan: SyslogListenerPlan): Listener {
  const l = plan.config;
  const common = {
    id: plan.id,
    address: l.address,
    port: l.port,
    decode: createDecoder(l.charset),
    ...(l.rate_limit ? { rateLimit: createSourceRateLimit(l.rate_limit.rate, l.rate_limit.burst) } : {}),
  };
  if (l.protocol === 'udp') return createUdpSyslogListener(ctx, { ...common, allow: l.allow, receiveBufferBytes: l.receive_buffer_size, burstBufferBytes: l.burst_buffer_size });
  const tls = tlsOptions(plan);
  if (l.protocol === 'tls' && !tls) throw new Error(`listener ${plan.id}: TLS settings were not compiled`);
  return createStreamSyslogListener(ctx, {
    ...common,
    allow: createAllowList(l.allow),
    maxFrame: l.max_frame,
    idleTimeoutMs: l.idle_timeout,
    maxConnections: l.max_connections,
    maxConnectionsPerSource: l.max_connections_per_source,
    ...(tls ? { tls } : {}),
  });
}

/** On reload, a kept TLS listener takes the freshly read certificates for new connections. */
export function refreshSyslogListener(listener: Listener, plan: SyslogListenerPlan): void {
  const tls = tlsOptions(plan);
  if (tls && 'setTls' in listener) (listener as StreamSyslogListener).setTls(tls);
}
