/**
 * The normalizer as it was before the hot-path work (commit 63c525a), kept verbatim as the
 * oracle for normalize.property.test.ts: the optimized one must give identical events.
 */import type { TrapParts, TrapSecurity, TrapVarbind } from '../../../../src/core/event.js';
import { escapeControls, truncate } from '../../../../src/core/text.js';
import type { OidIndex } from '../../../../src/mib/oid-index.js';
import { PDU, type SnmpVersion } from '../../../../src/listeners/snmp/ber-peek.js';
import type { DecodedPdu } from '../../../../src/listeners/snmp/engine.js';

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

function octetValue(v: unknown): { value: string; encoding: 'text' | 'hex' } {
  const bytes = Buffer.isBuffer(v) ? v : Buffer.from(String(v ?? ''), 'utf8');
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

/** One varbind as the event carries it. */
export function toVarbind(vb: { oid: string; type: number; value: unknown }, mibs: OidIndex): TrapVarbind {
  const type = TYPE_NAMES[vb.type] ?? `Type${vb.type}`;
  const name = mibs.nameOf(vb.oid);
  const base = { oid: vb.oid, type, ...(name ? { name } : {}) };
  switch (vb.type) {
    case 4: case 68: {
      const { value, encoding } = octetValue(vb.value);
      const cut = value.length > MAX_VALUE_CHARS ? { truncated: true as const } : {};
      return { ...base, value: truncate(value, MAX_VALUE_CHARS), encoding, ...cut };
    }
    case 3: return { ...base, value: Buffer.isBuffer(vb.value) ? vb.value.toString('hex') : String(vb.value ?? '') };
    case 6: {
      const oid = String(vb.value ?? '');
      const valueName = mibs.nameOf(oid);
      return { ...base, value: oid, ...(valueName ? { valueName } : {}) };
    }
    case 70: return { ...base, value: unsigned64(vb.value) };
    case 5: case 128: case 129: case 130: return { ...base, value: '' };
    default: return { ...base, value: vb.value === null || vb.value === undefined ? '' : String(vb.value) };
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
    rest.push(...raw);
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
  const kept = rest.slice(0, MAX_VARBINDS).map((vb) => toVarbind(vb, o.mibs));
  const trapName = trapOid ? o.mibs.nameOf(trapOid) : undefined;
  const trap: TrapParts = {
    version: o.version,
    pdu: pdu.type === PDU.inform ? 'inform' : 'trap',
    trapOid,
    ...(trapName ? { trapName } : {}),
    ...(uptime !== undefined && Number.isFinite(uptime) ? { uptime } : {}),
    security: o.security,
    ...(v1 ? { v1 } : {}),
    varbinds: kept,
    ...(rest.length > MAX_VARBINDS ? { varbindsOmitted: rest.length - MAX_VARBINDS } : {}),
  };
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
  return truncate(escapeControls(out), MAX_MESSAGE_CHARS);
}
