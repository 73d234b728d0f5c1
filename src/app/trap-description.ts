/**
 * Builds a trap GatewayEvent from a description (rule examples, `eventgate classify`
 * with a JSON line), so traps can be classified without the network. The message
 * rendering mirrors what a listener shows: the trap name or OID, then name=value pairs.
 */
import type { GatewayEvent, Payload, Peer, TrapParts, TrapSecurity, TrapVarbind } from '../core/event.js';

export interface TrapDescription {
  readonly oid: string;
  readonly name?: string;
  readonly version?: 'v1' | 'v2c' | 'v3';
  readonly varbinds?: readonly { oid: string; name?: string; type?: string; value: string }[];
}

export function renderTrapMessage(t: { trapOid: string; trapName?: string; varbinds: readonly TrapVarbind[] }): string {
  const parts = [t.trapName ?? t.trapOid];
  for (const v of t.varbinds) parts.push(`${v.name ?? v.oid}=${v.value}`);
  return parts.join(' ');
}

export function trapEvent(d: TrapDescription, o: { id: string; now: number; listener: string; peer: Peer; host?: string }): GatewayEvent {
  const varbinds: TrapVarbind[] = (d.varbinds ?? []).map((v) => ({
    oid: v.oid,
    type: v.type ?? 'OctetString',
    value: String(v.value),
    ...(v.name !== undefined ? { name: v.name } : {}),
  }));
  const version = d.version ?? 'v2c';
  const security: TrapSecurity = version === 'v3'
    ? { model: 'usm', user: 'example', level: 'authPriv', engineId: '' }
    : { model: 'community', community: 'communities[0]' };
  const trap: TrapParts = { version, pdu: 'trap', security, trapOid: d.oid, varbinds, ...(d.name !== undefined ? { trapName: d.name } : {}) };
  const message = renderTrapMessage(trap);
  return {
    id: o.id,
    receivedAt: o.now,
    kind: 'trap',
    listener: o.listener,
    peer: o.peer,
    host: o.host ?? o.peer.address,
    message,
    trap,
    raw: Buffer.from(message, 'utf8'),
  };
}

/** Returns the event with `payload` set on its syslog parts when the parser gave none. */
export function withPayload(event: GatewayEvent, payload: Payload | undefined): GatewayEvent {
  if (!payload || !event.syslog || event.syslog.payload) return event;
  return { ...event, syslog: { ...event.syslog, payload } };
}
