/**
 * The route stage: a classified event in, one Notification per chosen channel out. It only
 * builds notifications; the caller writes them to the outbox.
 */
import type { Classified } from '../core/classification.js';
import type { TrapParts } from '../core/event.js';
import { MAX_RELAY_VARBINDS, type Notification, type NotificationTrap, type NotificationTrapVarbind } from '../core/notification.js';
import type { RoutePolicy } from './policy.js';

export interface RouterDeps {
  readonly newId: () => string;
  readonly now: () => number;
}

export type Router = (c: Classified) => Notification[];

export function createRouter(policy: RoutePolicy, deps: RouterDeps): Router {
  return ({ event, classification: c }) => {
    const targets = policy.resolve(c);
    if (targets.length === 0) return [];
    const createdAt = deps.now();
    const item = {
      eventId: event.id,
      receivedAt: event.receivedAt,
      host: event.host,
      message: event.message,
      ruleId: c.ruleId,
      category: c.category,
      severity: c.severity,
      title: c.title,
      fields: c.fields,
      source: event.peer.address,
      ...(event.trap ? { trap: trapCopy(event.trap) } : {}),
    };
    return targets.map(({ channel, routeIndex }) => ({
      id: deps.newId(),
      createdAt,
      kind: c.state === 'recovery' ? 'recovery' : 'alert',
      channel,
      routeIndex,
      key: c.key,
      severity: c.severity,
      category: c.category,
      title: c.title,
      items: [item],
      suppressed: 0,
    }));
  };
}

/**
 * A bounded copy of the original trap, kept so an snmp channel can relay it unchanged:
 * only what re-encoding needs (no MIB names), and a count of every varbind not copied.
 */
export function trapCopy(t: TrapParts): NotificationTrap {
  const kept = t.varbinds.slice(0, MAX_RELAY_VARBINDS).map((vb): NotificationTrapVarbind => ({
    oid: vb.oid,
    type: vb.type,
    value: vb.value,
    ...(vb.encoding !== undefined ? { encoding: vb.encoding } : {}),
    ...(vb.truncated ? { truncated: vb.truncated } : {}),
  }));
  const omitted = (t.varbindsOmitted ?? 0) + (t.varbinds.length - kept.length);
  return {
    version: t.version,
    trapOid: t.trapOid,
    ...(t.uptime !== undefined ? { uptime: t.uptime } : {}),
    varbinds: kept,
    ...(omitted > 0 ? { omitted } : {}),
  };
}
