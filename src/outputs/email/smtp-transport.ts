/**
 * The production SMTP transport, on nodemailer's SMTPConnection so that each step of the
 * session can be checked before the next: TLS is verified before AUTH, and credentials are
 * never sent on a plaintext connection unless allowed (nodemailer alone would send AUTH in
 * clear to a server without STARTTLS). Connections are pooled per server and dropped on any
 * error; a send returns only once a connection it ended is closed, so the server never sees
 * more connections than sends in flight plus idle ones. Failures come out as SmtpFailure
 * (step, code, reply), never as thrown strings; a failure once the message went out is step
 * `data`, and is never resent within the attempt.
 */
import { Readable } from 'node:stream';
import type { SecureVersion, TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import XOAuth2 from 'nodemailer/lib/xoauth2';
import type { Secret } from '../../core/secret.js';
import { fromNodemailerError, type SmtpFailure, type SmtpStep } from './smtp-errors.js';
import { createConnectionPool, retire, type Pooled } from './smtp-pool.js';

export interface SmtpServer {
  readonly host: string;
  readonly port: number;
  readonly implicitTls: boolean;
}

export interface SmtpSettings {
  readonly tls: 'none' | 'opportunistic' | 'required';
  readonly minVersion: SecureVersion;
  readonly ca?: Buffer;
  readonly servername?: string;
  readonly clientCert?: { readonly cert: Buffer; readonly key: Buffer; readonly passphrase?: Secret } | { readonly pfx: Buffer; readonly passphrase?: Secret };
  readonly auth?: { readonly user: string; readonly method?: 'PLAIN' | 'LOGIN' | 'XOAUTH2'; readonly pass?: Secret; readonly accessToken?: Secret };
  readonly allowInsecureAuth: boolean;
  readonly heloName?: string;
  readonly pool: boolean;
  readonly maxMessages: number;
  readonly idleTimeoutMs: number;
  readonly connectionTimeoutMs: number;
  readonly greetingTimeoutMs: number;
  readonly socketTimeoutMs: number;
}

/** What a session went through, for `test-notify` and debug logs. */
export type SmtpTraceStep =
  | { readonly step: 'connected'; readonly server: string; readonly reused: boolean; readonly tls?: { readonly version: string; readonly cipher: string; readonly subject: string; readonly issuer: string; readonly verified: boolean } }
  | { readonly step: 'authenticated'; readonly server: string; readonly user: string }
  | { readonly step: 'accepted'; readonly server: string; readonly response: string; readonly accepted: readonly string[]; readonly rejected: readonly RejectedRecipient[] };

export interface RejectedRecipient {
  readonly address: string;
  readonly reply: string;
}

export interface SmtpSendResult {
  readonly server: string;
  readonly response: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly RejectedRecipient[];
}

export type SmtpSendOutcome = { readonly ok: true; readonly result: SmtpSendResult } | { readonly ok: false; readonly failure: SmtpFailure };

export interface SmtpTransport {
  /** One SMTP transaction on `server`; resolves (never rejects) with the result or the failure. */
  send(server: SmtpServer, envelope: { from: string; to: readonly string[] }, message: Buffer, signal: AbortSignal, trace?: (s: SmtpTraceStep) => void): Promise<SmtpSendOutcome>;
  /** Connects, negotiates TLS and logs in as a send would, then quits; resolves (never rejects). */
  verify(server: SmtpServer, signal: AbortSignal, trace?: (s: SmtpTraceStep) => void): Promise<{ readonly ok: true } | { readonly ok: false; readonly failure: SmtpFailure }>;
  close(): Promise<void>;
}

/** Builds a transport for one channel; tests inject their own. */
export type TransportFactory = (settings: SmtpSettings) => SmtpTransport;

class StepError extends Error {
  constructor(readonly failure: SmtpFailure) {
    super(failure.message);
  }
}

const MIN_VERSIONS: Record<string, SecureVersion> = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

/** `"1.2"` → `"TLSv1.2"`. */
export function tlsVersion(v: string | undefined): SecureVersion {
  return MIN_VERSIONS[v ?? '1.2'] ?? 'TLSv1.2';
}

function serverName(s: SmtpServer): string {
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

function certName(c: Record<string, unknown> | undefined): string {
  if (!c) return '';
  return Object.entries(c).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}

export const createSmtpTransport: TransportFactory = (settings) => {
  const pool = createConnectionPool(settings);

  function connectionOptions(server: SmtpServer): ConstructorParameters<typeof SMTPConnection>[0] {
    const verify = settings.tls === 'required';
    const cc = settings.clientCert;
    return {
      host: server.host,
      port: server.port,
      secure: server.implicitTls,
      requireTLS: settings.tls === 'required' && !server.implicitTls,
      ignoreTLS: settings.tls === 'none',
      // Opportunistic: a failed STARTTLS continues in plaintext (nodemailer then offers no AUTH).
      opportunisticTLS: settings.tls === 'opportunistic',
      ...(settings.heloName ? { name: settings.heloName } : {}),
      connectionTimeout: settings.connectionTimeoutMs,
      greetingTimeout: settings.greetingTimeoutMs,
      socketTimeout: settings.socketTimeoutMs,
      dnsTimeout: settings.connectionTimeoutMs,
      socketCloseTimeout: 1000,
      logger: false,
      allowInternalNetworkInterfaces: true,
      tls: {
        rejectUnauthorized: verify,
        minVersion: settings.minVersion,
        ...(settings.ca ? { ca: settings.ca } : {}),
        ...(settings.servername ? { servername: settings.servername } : {}),
        ...(cc && 'pfx' in cc ? { pfx: cc.pfx } : {}),
        ...(cc && 'cert' in cc ? { cert: cc.cert, key: cc.key } : {}),
        ...(cc?.passphrase ? { passphrase: cc.passphrase.reveal() } : {}),
      },
    };
  }

  /** Runs one callback-style step, settling once on its callback, an 'error' or the connection ending. */
  function step<T>(conn: SMTPConnection, name: SmtpStep, server: string, signal: AbortSignal, run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown, value?: T) => {
        if (settled) return;
        settled = true;
        conn.removeListener('error', onError);
        conn.removeListener('end', onEnd);
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err instanceof StepError ? err : new StepError(fromNodemailerError(err, name, server)));
        else resolve(value as T);
      };
      const onError = (err: unknown) => finish(err ?? new Error('connection error'));
      const onEnd = () => finish(Object.assign(new Error('connection closed by the server'), { code: 'ECONNECTION' }));
      const onAbort = () => {
        finish(Object.assign(new Error('attempt aborted (timeout or shutdown)'), { code: 'EABORT' }));
        conn.close();
      };
      if (signal.aborted) return onAbort();
      conn.on('error', onError);
      conn.once('end', onEnd);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        run((err, value) => finish(err, value));
      } catch (err) {
        finish(err);
      }
    });
  }

  function tlsInfo(conn: SMTPConnection): Extract<SmtpTraceStep, { step: 'connected' }>['tls'] {
    const socket = conn._socket as TLSSocket | false | null;
    if (!conn.secure || !socket || typeof socket.getProtocol !== 'function') return undefined;
    const peer = socket.getPeerCertificate?.() as { subject?: Record<string, unknown>; issuer?: Record<string, unknown> } | undefined;
    return {
      version: socket.getProtocol() ?? '?',
      cipher: socket.getCipher?.()?.name ?? '?',
      subject: certName(peer?.subject),
      issuer: certName(peer?.issuer),
      verified: socket.authorized,
    };
  }

  async function open(server: SmtpServer, signal: AbortSignal, trace?: (s: SmtpTraceStep) => void): Promise<Pooled> {
    const name = serverName(server);
    const conn = new SMTPConnection(connectionOptions(server));
    // A stray 'error' after a step settled must never become an uncaught exception.
    const pooled: Pooled = { conn, messages: 0, broken: false };
    conn.on('error', () => { pooled.broken = true; });
    conn.on('end', () => { pooled.broken = true; });
    try {
      await step<void>(conn, server.implicitTls ? 'tls' : 'connect', name, signal, (done) => conn.connect((err) => done(err)));
      const tls = tlsInfo(conn);
      if (settings.tls === 'required' && (!tls || !tls.verified)) {
        // nodemailer's requireTLS already refuses this; checked again because AUTH and DATA depend on it.
        throw new StepError({ code: 'ETLSREQUIRED', message: 'TLS required but the connection is not encrypted with a verified certificate', step: 'tls', server: name });
      }
      trace?.({ step: 'connected', server: name, reused: false, ...(tls ? { tls } : {}) });
      const auth = settings.auth;
      if (auth) {
        if (!conn.secure && !settings.allowInsecureAuth) {
          throw new StepError({ code: 'EINSECUREAUTH', message: 'the server offered no TLS; credentials not sent over an unencrypted connection (set allow_insecure_auth to permit)', step: 'auth', server: name });
        }
        const data = auth.method === 'XOAUTH2'
          ? { user: auth.user, method: 'XOAUTH2', oauth2: new XOAuth2({ user: auth.user, accessToken: auth.accessToken!.reveal() }) }
          : { user: auth.user, pass: auth.pass!.reveal(), ...(auth.method ? { method: auth.method } : {}) };
        await step<void>(conn, 'auth', name, signal, (done) => conn.login(data, (err) => done(err)));
        trace?.({ step: 'authenticated', server: name, user: auth.user });
      }
      return pooled;
    } catch (err) {
      await retire(conn, 'drop');
      throw err;
    }
  }

  async function transact(p: Pooled, name: string, envelope: { from: string; to: readonly string[] }, message: Buffer, signal: AbortSignal): Promise<SmtpSendResult> {
    // Handed over as a stream so we learn when nodemailer starts writing it (the server
    // answered DATA with 354): from then on the server may keep the message whatever follows.
    let sending = false;
    const body = new Readable({
      read() {
        sending = true;
        this.push(message);
        this.push(null);
      },
    });
    let info: SMTPConnection.SentMessageInfo;
    try {
      info = await step<SMTPConnection.SentMessageInfo>(p.conn, 'envelope', name, signal, (done) =>
        p.conn.send({ from: envelope.from, to: [...envelope.to] }, body, (err, value) => done(err, value)));
    } catch (err) {
      if (!sending || !(err instanceof StepError)) throw err;
      const f = err.failure;
      // No reply after the message went out (RFC 1047): it may be delivered already.
      const unanswered = f.responseCode === undefined ? '; no reply after the message was sent, the server may have kept it' : '';
      throw new StepError({ ...f, step: 'data', message: f.message + unanswered });
    }
    const rejected = (info.rejectedErrors ?? []).map((e, i) => ({
      address: info.rejected[i] ?? '?',
      reply: (e as { response?: string }).response ?? e.message,
    }));
    for (const a of info.rejected.slice(rejected.length)) rejected.push({ address: a, reply: 'rejected' });
    return { server: name, response: info.response, accepted: info.accepted, rejected };
  }

  return {
    async verify(server, signal, trace) {
      try {
        const p = await open(server, signal, trace);
        await retire(p.conn, 'quit');
        return { ok: true };
      } catch (err) {
        return { ok: false, failure: (err as StepError).failure ?? fromNodemailerError(err, 'connect', serverName(server)) };
      }
    },
    async send(server, envelope, message, signal, trace) {
      const name = serverName(server);
      const reused = await pool.take(name);
      if (reused) {
        trace?.({ step: 'connected', server: name, reused: true, ...(tlsInfo(reused.conn) ? { tls: tlsInfo(reused.conn)! } : {}) });
        try {
          const result = await transact(reused, name, envelope, message, signal);
          await pool.release(name, reused);
          trace?.({ step: 'accepted', ...result });
          return { ok: true, result };
        } catch (err) {
          await retire(reused.conn, 'drop');
          const f = (err as StepError).failure;
          // A pooled connection the server closed meanwhile: try once more on a fresh one, but
          // only while the server cannot have the message. Lost after DATA, a resend here would
          // be a duplicate nobody counts; the outbox retries it instead (recorded, backed off).
          if (!f || f.responseCode !== undefined || f.code === 'EABORT' || f.step === 'data') return { ok: false, failure: f ?? fromNodemailerError(err, 'envelope', name) };
        }
      }
      let p: Pooled | undefined;
      try {
        p = await open(server, signal, trace);
        const result = await transact(p, name, envelope, message, signal);
        await pool.release(name, p);
        trace?.({ step: 'accepted', ...result });
        return { ok: true, result };
      } catch (err) {
        if (p) await retire(p.conn, 'drop');
        if (err instanceof StepError) return { ok: false, failure: err.failure };
        return { ok: false, failure: fromNodemailerError(err, 'connect', name) };
      }
    },
    close: () => pool.close(),
  };
};
