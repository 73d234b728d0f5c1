/**
 * GatewayEvent: what a listener received, normalized. Built by listeners only; every later
 * stage reads it and never changes it. `raw` keeps the exact bytes received.
 */

/** `internal`: raised by eventgate itself (self-monitoring), never received from a network. */
export type Transport = 'udp' | 'tcp' | 'tls' | 'internal';

export interface Peer {
  readonly address: string;
  readonly port: number;
  readonly transport: Transport;
}

export type StructuredData = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A parsed message body (CEF, LEEF, JSON, key=value), its fields flattened to strings. */
export interface Payload {
  readonly format: 'cef' | 'leef' | 'json' | 'kv';
  /** Flattened fields; nested JSON keys joined with dots (`detection.name`). */
  readonly fields: Readonly<Record<string, string>>;
}

export interface SyslogParts {
  /** Which header format was recognised. `raw` means no header: the whole line is the message. */
  readonly format: 'rfc5424' | 'rfc3164' | 'raw';
  readonly facility: number;
  readonly severity: number;
  /** The timestamp as the sender wrote it (normalized to ISO 8601 when it could be read). */
  readonly timestamp?: string;
  readonly hostname?: string;
  readonly appName?: string;
  readonly procId?: string;
  readonly msgId?: string;
  readonly structuredData?: StructuredData;
  /** The MSG parsed as a vendor payload, when it is one (filled by the syslog listener). */
  readonly payload?: Payload;
}

/**
 * One variable binding of a trap. `value` is decoded to text: numbers in decimal (Counter64
 * too, as a decimal string), IpAddress dotted, OIDs numeric (with `valueName` when a MIB
 * names them), OctetString as text when it is printable UTF-8 (`encoding: 'text'`), else as
 * lowercase hex without separators (`encoding: 'hex'`); Null-like types as an empty string.
 */
export interface TrapVarbind {
  /** Numeric OID, dotted, no leading dot: `1.3.6.1.2.1.2.2.1.1.3`. */
  readonly oid: string;
  /** MIB name with the instance suffix, when a loaded MIB covers a prefix: `IF-MIB::ifIndex.3`. */
  readonly name?: string;
  /** SMI type: Integer, OctetString, OID, IpAddress, Counter32, Gauge32, TimeTicks, Opaque, Counter64, Null, Boolean, BitString, NoSuchObject, NoSuchInstance, EndOfMibView. */
  readonly type: string;
  readonly value: string;
  /** OctetString and Opaque only: how `value` encodes the bytes. */
  readonly encoding?: 'text' | 'hex';
  /** Set when `value` was cut at the listener's per-value bound (it then ends with `…`): not the bytes received. */
  readonly truncated?: true;
  /** OID values only: the MIB name of the value. */
  readonly valueName?: string;
}

/** Who sent the trap: a community (never its value: which configured entry matched) or a v3 USM user. */
export type TrapSecurity =
  | { readonly model: 'community'; /** `communities[N]`, the matching entry of the listener config. */ readonly community: string }
  | { readonly model: 'usm'; readonly user: string; readonly level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv'; /** Authoritative engine ID, hex. */ readonly engineId: string };

/** The SNMPv1 Trap-PDU fields, kept as received (RFC 1157 section 4.1.6). */
export interface TrapV1Parts {
  readonly enterprise: string;
  readonly enterpriseName?: string;
  readonly agentAddress: string;
  /** 0 coldStart .. 5 egpNeighborLoss, 6 enterpriseSpecific. */
  readonly genericTrap: number;
  readonly specificTrap: number;
}

/**
 * A trap or inform, normalized to the SNMPv2 form. For v1, `trapOid` is converted per
 * RFC 3584 section 3.1 (generic 0-5 → snmpTraps.N+1; 6 → enterprise.0.specific) and
 * snmpTrapAddress.0 and snmpTrapEnterprise.0 are appended to the varbinds. `varbinds` holds
 * every binding except sysUpTime.0 and snmpTrapOID.0, which become `uptime` and `trapOid`.
 */
export interface TrapParts {
  readonly version: 'v1' | 'v2c' | 'v3';
  readonly pdu: 'trap' | 'inform';
  /** Numeric notification OID, e.g. `1.3.6.1.6.3.1.1.5.3`. */
  readonly trapOid: string;
  /** Its MIB name, e.g. `IF-MIB::linkDown`, when a loaded MIB names it. */
  readonly trapName?: string;
  /** sysUpTime of the sender in hundredths of a second, when present. */
  readonly uptime?: number;
  readonly security: TrapSecurity;
  readonly v1?: TrapV1Parts;
  readonly varbinds: readonly TrapVarbind[];
  /** Number of varbinds beyond the per-event bound that were left out. */
  readonly varbindsOmitted?: number;
}

/** Kinds of self-monitoring event, each classified by its fixed rule `eventgate-<kind>`. */
export const INTERNAL_KINDS = ['delivery-dead', 'input-dropped', 'reload-failed', 'outbox-full'] as const;
export type InternalKind = (typeof INTERNAL_KINDS)[number];

/**
 * A self-monitoring event (kind `internal`): eventgate reporting on itself through its own
 * pipeline, so operators route it like any other event (category `system-status`, rule
 * `eventgate-<kind>`). Raised rate-limited by app/self-monitor.ts; values come from config
 * ids and fixed texts, never from network input.
 */
export interface InternalParts {
  readonly kind: InternalKind;
  /** What it is about: a channel id, a listener id, or `config`. */
  readonly subject: string;
  readonly severity: 'warning' | 'error';
  /** An error code from core/errors.ts, when one applies. */
  readonly code?: string;
}

export interface GatewayEvent {
  /** ULID, sortable by arrival. */
  readonly id: string;
  /** Milliseconds since the epoch, from the injected clock. */
  readonly receivedAt: number;
  readonly kind: 'syslog' | 'trap' | 'internal';
  /** Id of the listener that received it. */
  readonly listener: string;
  readonly peer: Peer;
  /** The reporting device: the host the message claims, else the peer address. */
  readonly host: string;
  /** Human text: the syslog MSG, or a rendering of the trap. Decoded, may hold U+FFFD. */
  readonly message: string;
  readonly syslog?: SyslogParts;
  readonly trap?: TrapParts;
  readonly internal?: InternalParts;
  /** The bytes exactly as received. */
  readonly raw: Uint8Array;
}
