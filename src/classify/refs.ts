/**
 * References to values of an event (and of the fields extracted so far), as rules write
 * them in `copy`, `severity.from` and varbind conditions. Compiled once into getters; a
 * getter returns undefined when the event has no such value. Pure.
 */
import type { GatewayEvent, TrapVarbind } from '../core/event.js';
import { SYSLOG_FACILITIES, SYSLOG_SEVERITIES } from '../core/severity.js';
import { bareName, isNumericOid, normalizeOid, oidUnder } from './oid.js';

export type Getter = (event: GatewayEvent, fields: Readonly<Record<string, string>>) => string | undefined;

/** Finds a varbind by numeric OID (exact, or an instance under it) or by MIB name. */
export function varbindFinder(written: string): (varbinds: readonly TrapVarbind[]) => TrapVarbind | undefined {
  if (isNumericOid(written)) {
    const want = normalizeOid(written);
    return (vbs) => {
      let under: TrapVarbind | undefined;
      for (const v of vbs) {
        const oid = normalizeOid(v.oid);
        if (oid === want) return v;
        if (!under && oidUnder(oid, want)) under = v;
      }
      return under;
    };
  }
  const bare = bareName(written);
  return (vbs) => vbs.find((v) => v.name !== undefined && bareName(v.name) === bare);
}

const EVENT_REFS: Record<string, Getter> = {
  host: (e) => e.host,
  app_name: (e) => e.syslog?.appName,
  msg_id: (e) => e.syslog?.msgId,
  message: (e) => e.message,
  listener: (e) => e.listener,
  peer: (e) => e.peer.address,
  kind: (e) => e.kind,
  facility: (e) => (e.syslog ? SYSLOG_FACILITIES[e.syslog.facility] ?? String(e.syslog.facility) : undefined),
  severity: (e) => (e.syslog ? SYSLOG_SEVERITIES[e.syslog.severity] : undefined),
  'payload.format': (e) => e.syslog?.payload?.format,
  'trap.oid': (e) => e.trap?.trapOid,
  'trap.name': (e) => e.trap?.trapName,
};

/** Compiles a reference; returns an error message instead when the text is not one. */
export function compileRef(text: string): Getter | string {
  const direct = EVENT_REFS[text];
  if (direct) return direct;
  if (text.startsWith('field.') && text.length > 6) {
    const name = text.slice(6);
    return (_e, fields) => fields[name];
  }
  if (text.startsWith('payload.fields.') && text.length > 15) {
    const name = text.slice(15);
    return (e) => e.syslog?.payload?.fields[name];
  }
  if (text.startsWith('varbind.') && text.length > 8) {
    const find = varbindFinder(text.slice(8));
    return (e) => (e.trap ? find(e.trap.varbinds)?.value : undefined);
  }
  if (text.startsWith('sd.')) {
    // SD-IDs may contain dots (rarely); the param is what follows the last one.
    const rest = text.slice(3);
    const dot = rest.lastIndexOf('.');
    if (dot > 0 && dot < rest.length - 1) {
      const id = rest.slice(0, dot);
      const param = rest.slice(dot + 1);
      return (e) => e.syslog?.structuredData?.[id]?.[param];
    }
  }
  return `unknown reference "${text}": use field.NAME, sd.ID.PARAM, payload.fields.NAME, payload.format, varbind.NAME, trap.oid, trap.name, ${Object.keys(EVENT_REFS).filter((k) => !k.includes('.')).join(', ')}`;
}
