/**
 * The copy of an original trap a notification item carries, so an snmp channel can relay
 * it unchanged: bounded (MAX_RELAY_VARBINDS), no MIB names, every varbind left out counted.
 */
import type { TrapParts } from '../core/event.js';
import { MAX_RELAY_VARBINDS, type NotificationTrap, type NotificationTrapVarbind } from '../core/notification.js';

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
