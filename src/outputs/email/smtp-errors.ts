/**
 * The email retry table (as undici keeps its retry lists next to the client): which SMTP
 * failures a later attempt can cure. Connection errors, timeouts, TLS problems and 4xx are
 * temporary; 5xx, refused credentials and a rejected envelope are permanent. The reply code
 * and the command that drew it stay in the message, for the log and the dead letters.
 */
import { GatewayError, type ErrorCode } from '../../core/errors.js';

/** Where in the SMTP session a failure happened. */
export type SmtpStep = 'connect' | 'tls' | 'auth' | 'envelope' | 'data';

/** One failed attempt against one server, as the transport reports it. */
export interface SmtpFailure {
  /** nodemailer's code (ECONNECTION, ETLS, EAUTH, EENVELOPE, ...) or one of ours (ETLSREQUIRED, EINSECUREAUTH). */
  readonly code: string;
  readonly message: string;
  readonly step: SmtpStep;
  /** `host:port` */
  readonly server: string;
  readonly responseCode?: number;
  readonly command?: string;
  readonly response?: string;
  /** The system error under nodemailer's (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...). */
  readonly systemCode?: string;
}

export interface SmtpVerdict {
  readonly retry: boolean;
  readonly code: ErrorCode;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const AUTH_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);
// OpenSSL/Node certificate and handshake codes surface as the system code of a socket error.
const TLS_SYSTEM = /CERT|SELF_SIGNED|ERR_SSL|ERR_TLS|HOSTNAME|UNABLE_TO_(GET|VERIFY)|ALTNAME/;

/** The retry table. Order matters: TLS before reply codes (a 5xx to STARTTLS is a TLS problem). */
export function classifySmtpFailure(f: SmtpFailure): SmtpVerdict {
  if (f.code === 'EINSECUREAUTH') return { retry: true, code: 'ERR_SMTP_INSECURE_AUTH' };
  if (f.code === 'ETLS' || f.code === 'ETLSREQUIRED' || f.step === 'tls' || TLS_SYSTEM.test(f.systemCode ?? '')) {
    return { retry: true, code: 'ERR_SMTP_TLS' };
  }
  if (f.code === 'EABORT') return { retry: true, code: 'ERR_OUTPUT_TIMEOUT' };
  const reply = f.responseCode ?? 0;
  if (reply >= 400 && reply < 500) return { retry: true, code: AUTH_CODES.has(f.code) ? 'ERR_SMTP_AUTH' : 'ERR_SMTP_TEMPORARY' };
  if (reply >= 500 && reply < 600) {
    if (AUTH_CODES.has(f.code)) return { retry: false, code: 'ERR_SMTP_AUTH' };
    if (f.code === 'EENVELOPE' && f.command !== 'MAIL FROM') return { retry: false, code: 'ERR_SMTP_RECIPIENTS' };
    return { retry: false, code: 'ERR_SMTP_REJECTED' };
  }
  if (AUTH_CODES.has(f.code)) return { retry: false, code: 'ERR_SMTP_AUTH' };
  if (f.code === 'EENVELOPE') return { retry: false, code: 'ERR_SMTP_RECIPIENTS' };
  if (CONNECTION_CODES.has(f.code)) return { retry: true, code: 'ERR_SMTP_CONNECT' };
  return { retry: true, code: 'ERR_SMTP_PROTOCOL' };
}

/** One line naming the server, the step, the command and the reply: `mx1:25 RCPT TO: 550 5.1.1 no such user`. */
export function describeFailure(f: SmtpFailure): string {
  const where = `${f.server} ${f.step}`;
  if (f.responseCode) return `${where}: ${f.command ?? '?'} → ${oneLine(f.response ?? String(f.responseCode))}`;
  const sys = f.systemCode && !f.message.includes(f.systemCode) ? ` (${f.systemCode})` : '';
  return `${where}: ${oneLine(f.message)}${sys}`;
}

/** Turns the failures of one attempt (one per server tried) into a GatewayError and its verdict. */
export function failureError(failures: readonly SmtpFailure[]): { error: GatewayError; retry: boolean } {
  const last = failures[failures.length - 1]!;
  const verdict = classifySmtpFailure(last);
  const text = failures.length === 1
    ? describeFailure(last)
    : `all ${failures.length} servers failed: ${failures.map(describeFailure).join('; ')}`;
  return { error: new GatewayError(verdict.code, text, { retryable: verdict.retry }), retry: verdict.retry };
}

/** Reads nodemailer's error fields into an SmtpFailure. */
export function fromNodemailerError(err: unknown, step: SmtpStep, server: string): SmtpFailure {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; responseCode?: unknown; command?: unknown; response?: unknown; originalCode?: unknown };
  const systemCode = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  return {
    code: typeof e.code === 'string' ? e.code : 'EUNKNOWN',
    message: typeof e.message === 'string' ? e.message : String(err),
    step,
    server,
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.command === 'string' ? { command: e.command } : {}),
    ...(typeof e.response === 'string' ? { response: e.response } : {}),
    ...(systemCode ? { systemCode } : {}),
  };
}

// Server replies are untrusted text: one line, bounded.
function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > 300 ? flat.slice(0, 299) + '…' : flat;
}
