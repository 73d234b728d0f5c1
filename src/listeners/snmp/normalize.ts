/**
 * Turns a decoded notification PDU into TrapParts: the v2 form (RFC 3584 for v1), varbind
 * values as text, names from the MIB index, the reporting host by the configured order,
 * and a bounded, readable one-line rendering for the event message. Pure and total.
 */
import type { TrapParts, TrapSecurity, TrapVarbind } from '../../core/event.js';
import { escapeControls, hasControls, truncate } from '../../core/text.js';
import type { OidIndex } from '../../mib/oid-index.js';
import { PDU, type SnmpVersion } from './ber-peek.js';
import type { DecodedPdu } from './engine.js';

export const HOST_SOURCES = ['trap_address', 'agent_address', 'source'] as const;
export type HostSource = (typeof HOST_SOURCES)[number];

const SYS_UPTIME_0 = '1.3.6.1.2.1.1.3.0';
const SNMP_TRAP_OID_0 = '1.3.6.1.6.3.1.1.4.1.0';
const SNMP_TRAP_ADDRESS_0 = '1.3.6.1.6.3.18.1.3.0';
const SNMP_TRAP_ENTERPRISE_0 = '1.3.6.1.6.3.1.1.4.3.0';
const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';
/** Varbinds kept per event; a trap with more is kept with a count of those left out. */
export const MAX_VARBINDS = 1000;
/** OctetString/Opaque value text kept per varbind (UTF-16 units of text or hex digits); longer is cut and flagged. */
export const MAX_VALUE_CHARS = 4096;
const MAX_MESSAGE_CHARS = 8192;

const TYPE_NAMES: Record<number, string> = {
  1: 'Boolean', 2: 'Integer', 3: 'BitString', 4: 'OctetString', 5: 'Null', 6: 'OID', 64: 'IpAddress', 65: 'Counter32',
  66: 'Gauge32', 67: 'TimeTicks', 68: 'Opaque', 70: 'Counter64', 128: 'NoSuchObject', 129: 'NoSuchInstance', 130: 'EndOfMibView',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Printable: no C0/C1 controls other than TAB, CR, LF.
const NON_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Printable ASCII (with TAB, LF, CR): the usual case, decoded without a UTF-8 pass. */
function isPlainAscii(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x7f || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)) return false;
  }
  return true;
}

function octetValue(v: unknown): { value: string; encoding: 'text' | 'hex' } {
  const bytes = Buffer.isBuffer(v) ? v : Buffer.from(String(v ?? ''), 'utf8');
  if (isPlainAscii(bytes)) return { value: bytes.toString('latin1'), encoding: 'text' };
  try {
    const text = utf8.decode(bytes);
    if (!NON_PRINTABLE.test(text)) return { value: text, encoding: 'text' };
  } catch {
    // not UTF-8: shown as hex
  }
  return { value: bytes.toString('hex'), encoding: 'hex' };
}

function unsigned64(v: unknown): string {
  if (!Buffer.isBuffer(v) || v.length === 0) return String(v ?? '');
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  return n.toString();
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One varbind as the event carries it (keys in the order oid, type, name, value, then the flags). */
export function toVarbind(vb: { oid: string; type: number; value: unknown }, mibs: OidIndex): TrapVarbind {
  const type = TYPE_NAMES[vb.type] ?? `Type${vb.type}`;
  const name = mibs.nameOf(vb.oid);
  const at = (value: string): Mutable<TrapVarbind> => (name ? { oid: vb.oid, type, name, value } : { oid: vb.oid, type, value });
  switch (vb.type) {
    case 4: case 68: {
      const { value, encoding } = octetValue(vb.value);
      const out = at(truncate(value, MAX_VALUE_CHARS));
      out.encoding = encoding;
      if (value.length > MAX_VALUE_CHARS) out.truncated = true;
      return out;
    }
    case 3: return at(Buffer.isBuffer(vb.value) ? vb.value.toString('hex') : String(vb.value ?? ''));
    case 6: {
      const oid = String(vb.value ?? '');
      const out = at(oid);
      const valueName = mibs.nameOf(oid);
      if (valueName) out.valueName = valueName;
      return out;
    }
    case 70: return at(unsigned64(vb.value));
    case 5: case 128: case 129: case 130: return at('');
    default: return at(vb.value === null || vb.value === undefined ? '' : String(vb.value));
  }
}

/** RFC 3584 section 3.1 (2): the SNMPv2 notification OID of a v1 trap. */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string {
  return generic >= 0 && generic <= 5 ? `${SNMP_TRAPS}.${generic + 1}` : `${enterprise}.0.${specific}`;
}

export interface NormalizedTrap {
  readonly trap: TrapParts;
  readonly host: string;
  readonly message: string;
}

/** Builds TrapParts, the host and the message for an accepted notification. */
export function normalizeTrap(
  pdu: DecodedPdu,
  o: { version: SnmpVersion; security: TrapSecurity; mibs: OidIndex; hostFrom: readonly HostSource[]; peerAddress: string },
): NormalizedTrap {
  const raw = pdu.varbinds ?? [];
  let trapOid = '';
  let uptime: number | undefined;
  let trapAddress: string | undefined;
  const rest: { oid: string; type: number; value: unknown }[] = [];
  let v1: TrapParts['v1'];
  if (pdu.type === PDU.trapV1) {
    const enterprise = String(pdu.enterprise ?? '');
    const generic = Number(pdu.generic ?? 0);
    const specific = Number(pdu.specific ?? 0);
    trapOid = v1TrapOid(enterprise, generic, specific);
    uptime = pdu.upTime;
    const enterpriseName = o.mibs.nameOf(enterprise);
    v1 = { enterprise, agentAddress: String(pdu.agentAddr ?? ''), genericTrap: generic, specificTrap: specific, ...(enterpriseName ? { enterpriseName } : {}) };
    for (const vb of raw) rest.push(vb);
    rest.push({ oid: SNMP_TRAP_ADDRESS_0, type: 64, value: v1.agentAddress }, { oid: SNMP_TRAP_ENTERPRISE_0, type: 6, value: enterprise });
  } else {
    for (const vb of raw) {
      if (vb.oid === SYS_UPTIME_0 && uptime === undefined && vb.type === 67) uptime = Number(vb.value);
      else if (vb.oid === SNMP_TRAP_OID_0 && !trapOid && vb.type === 6) trapOid = String(vb.value);
      else {
        if (vb.oid === SNMP_TRAP_ADDRESS_0 && vb.type === 64 && trapAddress === undefined) trapAddress = String(vb.value);
        rest.push(vb);
      }
    }
  }
  const keep = Math.min(rest.length, MAX_VARBINDS);
  const kept: TrapVarbind[] = [];
  for (let i = 0; i < keep; i++) kept.push(toVarbind(rest[i]!, o.mibs));
  const trapName = trapOid ? o.mibs.nameOf(trapOid) : undefined;
  // Keys in a fixed order (version, pdu, trapOid, trapName, uptime, security, v1, varbinds,
  // varbindsOmitted): stored and rendered events keep one shape.
  // (security and varbinds are set below, before the object is returned.)
  const trap = { version: o.version, pdu: pdu.type === PDU.inform ? 'inform' : 'trap', trapOid } as Mutable<TrapParts>;
  if (trapName) trap.trapName = trapName;
  if (uptime !== undefined && Number.isFinite(uptime)) trap.uptime = uptime;
  trap.security = o.security;
  if (v1) trap.v1 = v1;
  trap.varbinds = kept;
  if (rest.length > MAX_VARBINDS) trap.varbindsOmitted = rest.length - MAX_VARBINDS;
  return { trap, host: pickHost(o.hostFrom, trapAddress, v1?.agentAddress, o.peerAddress), message: renderTrap(trap) };
}

function pickHost(order: readonly HostSource[], trapAddress: string | undefined, agent: string | undefined, source: string): string {
  for (const s of order) {
    if (s === 'trap_address' && trapAddress && trapAddress !== '0.0.0.0') return trapAddress;
    if (s === 'agent_address' && agent && agent !== '0.0.0.0') return agent;
    if (s === 'source') return source;
  }
  return source;
}

/** `IF-MIB::linkDown IF-MIB::ifIndex.3=3 IF-MIB::ifDescr.3="eth0"`, controls escaped, bounded. */
export function renderTrap(t: TrapParts): string {
  let out = t.trapName ?? (t.trapOid || '(no snmpTrapOID)');
  for (const vb of t.varbinds) {
    const value = vb.encoding === 'text' ? JSON.stringify(vb.value) : vb.encoding === 'hex' ? `0x${vb.value}` : (vb.valueName ?? vb.value);
    out += ` ${vb.name ?? vb.oid}=${value}`;
    if (out.length > MAX_MESSAGE_CHARS) break;
  }
  if (t.varbindsOmitted) out += ` (+${t.varbindsOmitted} varbinds omitted)`;
  // The test is cheaper than a replace that finds nothing, the usual case.
  return truncate(hasControls(out) ? escapeControls(out) : out, MAX_MESSAGE_CHARS);
}
