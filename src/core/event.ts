/**
 * GatewayEvent: what a listener received, normalized. Built by listeners only; every later
 * stage reads it and never changes it. `raw` keeps the exact bytes received.
 */

export type Transport = 'udp' | 'tcp' | 'tls';

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

export interface TrapVarbind {
  readonly oid: string;
  readonly name?: string;
  readonly type: string;
  readonly value: string;
}

export interface TrapParts {
  readonly version: 'v1' | 'v2c' | 'v3';
  readonly trapOid: string;
  readonly trapName?: string;
  readonly varbinds: readonly TrapVarbind[];
}

export interface GatewayEvent {
  /** ULID, sortable by arrival. */
  readonly id: string;
  /** Milliseconds since the epoch, from the injected clock. */
  readonly receivedAt: number;
  readonly kind: 'syslog' | 'trap';
  /** Id of the listener that received it. */
  readonly listener: string;
  readonly peer: Peer;
  /** The reporting device: the host the message claims, else the peer address. */
  readonly host: string;
  /** Human text: the syslog MSG, or a rendering of the trap. Decoded, may hold U+FFFD. */
  readonly message: string;
  readonly syslog?: SyslogParts;
  readonly trap?: TrapParts;
  /** The bytes exactly as received. */
  readonly raw: Uint8Array;
}
