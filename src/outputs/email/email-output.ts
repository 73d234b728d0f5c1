/**
 * The `email` output: renders a notification, resolves its recipients (configured and from
 * event fields, each checked), and offers it to the SMTP servers in order (then the MX hosts
 * of the recipient domain, when configured). A temporary failure moves on to the next server;
 * a permanent one, or a connection lost after the message was sent, ends the attempt. One
 * rejected recipient does not block the others: the message counts as sent to those
 * accepted, and the rejected ones are logged and reported.
 */
import { GatewayError } from '../../core/errors.js';
import type { Notification } from '../../core/notification.js';
import type { Delivery, Output, Verified } from '../../core/output.js';
import { notificationData } from '../../core/template-data.js';
import type { Template } from '../../core/template.js';
import type { Logger } from '../../observe/logger.js';
import { domainOf, partitionRecipients } from './recipients.js';
import { renderMessage, type RenderOptions } from './render.js';
import { classifySmtpFailure, failureError, type SmtpFailure } from './smtp-errors.js';
import { createSmtpTransport, type SmtpServer, type SmtpSettings, type SmtpTraceStep, type TransportFactory } from './smtp-transport.js';

export interface EmailOutputOptions {
  readonly id: string;
  readonly servers: readonly SmtpServer[];
  readonly mx?: { readonly port: number };
  readonly smtp: SmtpSettings;
  /** Recipient templates; each renders to one or more addresses separated by ";" or ",". */
  readonly to: readonly Template[];
  readonly message: RenderOptions;
}

export interface MxRecord {
  readonly exchange: string;
  readonly priority: number;
}

/** Everything a send went through, for `test-notify` (plain words) and debug logs. */
export type EmailTraceStep =
  | SmtpTraceStep
  | { readonly step: 'recipients'; readonly valid: readonly string[]; readonly invalid: readonly string[] }
  | { readonly step: 'trying'; readonly server: string }
  | { readonly step: 'failed'; readonly failure: SmtpFailure; readonly retry: boolean };

export interface EmailOutputDeps {
  readonly log: Logger;
  readonly createTransport?: TransportFactory;
  readonly resolveMx?: (domain: string) => Promise<MxRecord[]>;
  readonly trace?: (step: EmailTraceStep) => void;
}

async function systemResolveMx(domain: string): Promise<MxRecord[]> {
  const { resolveMx } = await import('node:dns/promises');
  return resolveMx(domain);
}

function label(s: SmtpServer): string {
  return s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

export function createEmailOutput(opts: EmailOutputOptions, deps: EmailOutputDeps): Output {
  const log = deps.log.child({ component: 'email', channel: opts.id });
  const transport = (deps.createTransport ?? createSmtpTransport)(opts.smtp);
  const resolveMx = deps.resolveMx ?? systemResolveMx;
  const trace = deps.trace ?? (() => {});

  /** The servers for this message: configured ones, then MX hosts of the one recipient domain. */
  async function serversFor(to: readonly string[]): Promise<{ servers: SmtpServer[]; failures: SmtpFailure[] }> {
    const servers = [...opts.servers];
    const failures: SmtpFailure[] = [];
    if (!opts.mx) return { servers, failures };
    const domains = new Set(to.map((a) => domainOf(a).toLowerCase()));
    if (domains.size !== 1) {
      log.warn({ domains: domains.size }, 'recipients in several domains: MX lookup skipped, configured servers only');
      return { servers, failures };
    }
    const [domain] = domains;
    try {
      const records = (await resolveMx(domain!)).sort((a, b) => a.priority - b.priority);
      for (const r of records) servers.push({ host: r.exchange, port: opts.mx.port, implicitTls: opts.mx.port === 465 });
      if (records.length === 0) servers.push({ host: domain!, port: opts.mx.port, implicitTls: opts.mx.port === 465 }); // RFC 5321 5.1: implicit MX
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EDNS';
      failures.push({ code: 'EDNS', systemCode: code, message: `MX lookup for ${domain} failed: ${code}`, step: 'connect', server: `MX ${domain}` });
    }
    return { servers, failures };
  }

  async function send(n: Notification, signal: AbortSignal): Promise<Delivery> {
    const data = notificationData(n);
    const { valid, invalid } = partitionRecipients(opts.to.map((t) => t.render(data)));
    trace({ step: 'recipients', valid, invalid });
    if (invalid.length) log.warn({ notification: n.id, event: { invalidRecipients: invalid.slice(0, 20) } }, 'recipients from event fields are not valid addresses; skipped');
    if (valid.length === 0) {
      return { status: 'failed', error: new GatewayError('ERR_SMTP_RECIPIENTS', `no valid recipient (${invalid.length} invalid)`, { retryable: false }) };
    }
    let raw: Buffer;
    let messageId: string;
    try {
      ({ raw, messageId } = await renderMessage(n, valid, opts.message));
    } catch (err) {
      return { status: 'failed', error: new GatewayError('ERR_EMAIL_RENDER', `message could not be built: ${(err as Error).message}`, { retryable: false, cause: err }) };
    }
    const { servers, failures } = await serversFor(valid);
    for (const server of servers) {
      if (signal.aborted) break;
      trace({ step: 'trying', server: label(server) });
      const outcome = await transport.send(server, { from: opts.message.from.address, to: valid }, raw, signal, trace);
      if (outcome.ok) {
        const r = outcome.result;
        if (r.rejected.length) {
          log.error({ notification: n.id, server: r.server, accepted: r.accepted.length, event: { rejected: r.rejected } }, 'some recipients were rejected; delivered to the others');
        }
        const rejected = r.rejected.length ? `; rejected ${r.rejected.map((x) => `${x.address} (${x.reply})`).join(', ')}` : '';
        return { status: 'sent', detail: `${r.server} accepted ${messageId} for ${r.accepted.length} of ${valid.length} recipient(s): ${r.response}${rejected}` };
      }
      const { retry } = classifySmtpFailure(outcome.failure);
      trace({ step: 'failed', failure: outcome.failure, retry });
      failures.push(outcome.failure);
      // Unanswered after the message went out: this server may have it, so no other server
      // gets a copy now; the outbox retries (recorded, backed off) and the duplicate, if
      // any, carries the same Message-ID.
      if (!retry || (outcome.failure.step === 'data' && outcome.failure.responseCode === undefined)) break;
    }
    if (failures.length === 0) {
      return { status: 'retry', error: new GatewayError('ERR_OUTPUT_TIMEOUT', 'attempt aborted before any server was tried', { retryable: true }) };
    }
    const { error, retry } = failureError(failures);
    return retry ? { status: 'retry', error } : { status: 'failed', error };
  }

  /** Every configured server must connect, negotiate TLS and log in as a send would. */
  async function verify(signal: AbortSignal): Promise<Verified> {
    if (opts.servers.length === 0) return { ok: true, detail: 'servers come from the MX records of each message\'s recipient domain: nothing to verify in advance' };
    const failed: string[] = [];
    for (const server of opts.servers) {
      trace({ step: 'trying', server: label(server) });
      const outcome = await transport.verify(server, signal, trace);
      if (outcome.ok) continue;
      trace({ step: 'failed', failure: outcome.failure, retry: classifySmtpFailure(outcome.failure).retry });
      failed.push(label(server));
    }
    const n = opts.servers.length;
    return failed.length
      ? { ok: false, detail: `${failed.length} of ${n} server(s) failed: ${failed.join(', ')}` }
      : { ok: true, detail: `${n} server(s) connected${opts.smtp.auth ? ' and accepted the credentials' : ''}${opts.mx ? '; MX hosts are looked up per message' : ''}` };
  }

  return {
    id: opts.id,
    type: 'email',
    send,
    verify,
    close: () => transport.close(),
  };
}
