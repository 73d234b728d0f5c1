/**
 * The `snmp` output: every notification goes to every target of the channel, as an
 * EVENTGATE-MIB notification or, in relay mode, as the original trap of a trap event.
 * Several targets: a notification counts as sent only when every target took it (trap
 * handed to the kernel, inform acknowledged). Targets that already took it are remembered
 * per notification id in memory (bounded), so a retry goes only to the targets that failed;
 * after a restart or reload that memory is gone and a retry may repeat a target that had it
 * (at-least-once; receivers deduplicate on egNotificationId).
 */
import { lookup } from 'node:dns/promises';
import { GatewayError, type ErrorCode } from '../../core/errors.js';
import type { Notification } from '../../core/notification.js';
import type { Delivery, Output, Verified } from '../../core/output.js';
import type { Logger } from '../../observe/logger.js';
import { relayNotification } from './relay.js';
import { createTargetSession, type SnmpTarget, type TargetSession } from './session.js';
import { eventgateNotification, type SnmpNotification } from './varbinds.js';

export interface SnmpOutputOptions {
  readonly id: string;
  readonly targets: readonly SnmpTarget[];
  /** OID prefix EVENTGATE-MIB is registered under. */
  readonly enterpriseOid: string;
  readonly relay: boolean;
}

export interface SnmpOutputDeps {
  readonly log: Logger;
  readonly createSession?: (t: SnmpTarget) => TargetSession;
}

/** Notifications whose partial progress is remembered; the oldest is forgotten first. */
const MAX_REMEMBERED = 10_000;

/** USM reports that retrying cannot fix: the user, its keys or its level are wrong. */
const USM_PERMANENT = ['Unsupported Security Level', 'Unknown User Name', 'Wrong Digest', 'Decryption Error'];

type TargetResult = { ok: true; note: string } | { ok: false; permanent: boolean; code: ErrorCode; message: string };

export function targetLabel(t: SnmpTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${host}:${t.port} v${t.version} ${t.inform ? 'inform' : 'trap'}`;
}

function classify(error: Error): { permanent: boolean; code: ErrorCode; message: string } {
  if (error.name === 'RequestTimedOutError') return { permanent: false, code: 'ERR_TRAP_TIMEOUT', message: 'not acknowledged' };
  if (USM_PERMANENT.some((m) => error.message.startsWith(m))) return { permanent: true, code: 'ERR_TRAP_AUTH', message: error.message };
  return { permanent: false, code: 'ERR_TRAP_SEND', message: error.message };
}

/** What to send for `n`: original traps in relay mode (when `n` has any), else the EVENTGATE-MIB notification. */
export function pdusFor(n: Notification, o: Pick<SnmpOutputOptions, 'enterpriseOid' | 'relay'>): { pdus: SnmpNotification[] } | { error: string } {
  if (o.relay) {
    const pdus: SnmpNotification[] = [];
    for (const item of n.items) {
      if (!item.trap) continue;
      const r = relayNotification(item.trap, item.source);
      if ('error' in r) return { error: `event ${item.eventId}: ${r.error}` };
      pdus.push(r);
    }
    if (pdus.length) return { pdus };
  }
  return { pdus: [eventgateNotification(n, o.enterpriseOid)] };
}

export function createSnmpOutput(opts: SnmpOutputOptions, deps: SnmpOutputDeps): Output {
  const log = deps.log.child({ component: 'snmp', channel: opts.id });
  const sessions = opts.targets.map((t) => (deps.createSession ?? createTargetSession)(t));
  const labels = opts.targets.map(targetLabel);
  /** Notification id → indexes of targets that took it (or refused it for good) in an earlier attempt. */
  const settled = new Map<string, Map<number, TargetResult>>();

  function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T | 'aborted'> {
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
      void p.then((v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      });
    });
  }

  async function deliverTo(i: number, pdus: readonly SnmpNotification[], signal: AbortSignal): Promise<TargetResult> {
    const t = opts.targets[i]!;
    for (const pdu of pdus) {
      const r = await abortable(sessions[i]!.send(pdu), signal);
      if (r === 'aborted') return { ok: false, permanent: false, code: 'ERR_OUTPUT_TIMEOUT', message: 'attempt timed out' };
      if (!r.ok) return { ok: false, ...classify(r.error) };
    }
    return { ok: true, note: t.inform ? 'acked' : 'sent' };
  }

  async function send(n: Notification, signal: AbortSignal): Promise<Delivery> {
    const built = pdusFor(n, opts);
    if ('error' in built) return { status: 'failed', error: new GatewayError('ERR_TRAP_RELAY', `cannot relay the original trap: ${built.error}`) };
    const earlier = settled.get(n.id) ?? new Map<number, TargetResult>();
    const results = await Promise.all(opts.targets.map(async (_, i): Promise<[TargetResult, boolean]> => {
      const before = earlier.get(i);
      return before ? [before, true] : [await deliverTo(i, built.pdus, signal), false];
    }));

    const parts: string[] = [];
    let retry: GatewayError | undefined;
    let failed: GatewayError | undefined;
    results.forEach(([r, fromEarlier], i) => {
      if (r.ok) {
        parts.push(`${labels[i]} ${r.note}${fromEarlier ? ' (earlier attempt)' : ''}`);
        earlier.set(i, r);
        return;
      }
      parts.push(`${labels[i]} failed: ${r.code} ${r.message}`);
      log.debug({ notification: n.id, target: labels[i], code: r.code, error: r.message }, 'target did not take the notification');
      if (r.permanent) {
        earlier.set(i, r);
        failed ??= new GatewayError(r.code, '', { retryable: false });
      } else {
        retry ??= new GatewayError(r.code, '', { retryable: true });
      }
    });
    const ok = results.filter(([r]) => r.ok).length;
    const summary = `${ok} of ${results.length} targets: ${parts.join('; ')}`;

    if (retry) {
      settled.delete(n.id);
      settled.set(n.id, earlier);
      if (settled.size > MAX_REMEMBERED) settled.delete(settled.keys().next().value!);
      return { status: 'retry', error: new GatewayError(retry.code, summary, { retryable: true }) };
    }
    settled.delete(n.id);
    if (failed) return { status: 'failed', error: new GatewayError(failed.code, summary, { retryable: false }) };
    return { status: 'sent', detail: summary };
  }

  /** Every target's host resolves (traps need no answer; informs discover at the first send). */
  async function verify(): Promise<Verified> {
    const found = await Promise.all(opts.targets.map(async (t) => {
      try {
        return { ok: true, text: `${targetLabel(t)} (${(await lookup(t.host)).address})` };
      } catch (err) {
        return { ok: false, text: `${targetLabel(t)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
      }
    }));
    const bad = found.filter((f) => !f.ok);
    return bad.length
      ? { ok: false, detail: `cannot resolve ${bad.map((f) => f.text).join(', ')}` }
      : { ok: true, detail: `resolved ${found.map((f) => f.text).join(', ')}` };
  }

  return {
    id: opts.id,
    type: 'snmp',
    send,
    verify,
    async close() {
      for (const s of sessions) s.close();
    },
  };
}
