/**
 * A total, allocation-light reader of the SNMP message header (RFC 3416/3412/3414): version,
 * community, PDU type, and for v3 the flags and the USM security parameters. It reads only
 * what the admission policy needs before net-snmp decodes the rest, and never throws: any
 * malformed or truncated input yields undefined.
 */

/** PDU tags (context-specific, constructed). */
export const PDU = {
  get: 0xa0, getNext: 0xa1, response: 0xa2, set: 0xa3, trapV1: 0xa4, getBulk: 0xa5, inform: 0xa6, trapV2: 0xa7, report: 0xa8,
} as const;

export type SnmpVersion = 'v1' | 'v2c' | 'v3';

export interface UsmHeader {
  /** msgFlags bit 0 (auth), bit 1 (priv), bit 2 (reportable). */
  readonly auth: boolean;
  readonly priv: boolean;
  readonly reportable: boolean;
  readonly securityModel: number;
  readonly engineId: Buffer;
  readonly engineBoots: number;
  readonly engineTime: number;
  readonly userName: Buffer;
  /** Where msgAuthenticationParameters' value lies in the datagram (zeroed for the HMAC). */
  readonly authParamsStart: number;
  readonly authParamsEnd: number;
  readonly privParams: Buffer;
  /** The offset of the scoped PDU's tag (OCTET STRING when encrypted, else SEQUENCE). */
  readonly scopedAt: number;
  /** Where its value lies (the ciphertext when encrypted). */
  readonly scopedStart: number;
  readonly scopedEnd: number;
}

export interface MessageHeader {
  readonly version: SnmpVersion;
  /** v1/v2c only. */
  readonly community?: Buffer;
  /** The PDU tag, when visible (not for an encrypted v3 PDU). */
  readonly pduType?: number;
  /** v1/v2c only: the offset of the PDU's tag. */
  readonly pduAt?: number;
  readonly usm?: UsmHeader;
}

interface Tlv {
  readonly tag: number;
  /** Offset of the value. */
  readonly start: number;
  /** Offset just past the value. */
  readonly end: number;
}

/** Reads one TLV at `pos` within `limit`; undefined when it does not fit. */
function tlv(b: Uint8Array, pos: number, limit: number): Tlv | undefined {
  if (pos + 2 > limit) return undefined;
  const tag = b[pos]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // multi-byte tags never occur in SNMP
  let len = b[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) return undefined;
  return { tag, start, end };
}

/** A non-negative INTEGER of at most 4 value bytes (versions, flags, boots, time). */
function smallUint(b: Uint8Array, t: Tlv): number | undefined {
  const n = t.end - t.start;
  if (t.tag !== 0x02 || n < 1 || n > 5) return undefined;
  let v = 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + b[i]!;
  if (b[t.start]! & 0x80) return undefined; // negative
  return v;
}

function octets(b: Uint8Array, t: Tlv | undefined): Buffer | undefined {
  if (!t || t.tag !== 0x04) return undefined;
  return Buffer.from(b.buffer, b.byteOffset + t.start, t.end - t.start);
}

const VERSIONS: Record<number, SnmpVersion> = { 0: 'v1', 1: 'v2c', 3: 'v3' };

/** Reads the header of one datagram; undefined when it is not a well-formed SNMP message. */
export function peekMessage(b: Uint8Array): MessageHeader | undefined {
  const outer = tlv(b, 0, b.length);
  if (!outer || outer.tag !== 0x30) return undefined;
  const ver = tlv(b, outer.start, outer.end);
  if (!ver) return undefined;
  const vnum = smallUint(b, ver);
  const version = vnum === undefined ? undefined : VERSIONS[vnum];
  if (!version) return undefined;
  if (version !== 'v3') {
    const comm = tlv(b, ver.end, outer.end);
    const community = octets(b, comm);
    if (!comm || !community) return undefined;
    const pdu = tlv(b, comm.end, outer.end);
    if (!pdu || (pdu.tag & 0xe0) !== 0xa0) return undefined;
    return { version, community, pduType: pdu.tag, pduAt: comm.end };
  }
  const global = tlv(b, ver.end, outer.end);
  if (!global || global.tag !== 0x30) return undefined;
  const msgId = tlv(b, global.start, global.end);
  const maxSize = msgId && tlv(b, msgId.end, global.end);
  const flagsT = maxSize && tlv(b, maxSize.end, global.end);
  const modelT = flagsT && tlv(b, flagsT.end, global.end);
  if (!modelT || flagsT!.tag !== 0x04 || flagsT!.end - flagsT!.start !== 1) return undefined;
  const flags = b[flagsT!.start]!;
  const securityModel = smallUint(b, modelT);
  if (securityModel === undefined) return undefined;
  const secParams = tlv(b, global.end, outer.end);
  if (!secParams || secParams.tag !== 0x04) return undefined;
  const usmSeq = tlv(b, secParams.start, secParams.end);
  if (!usmSeq || usmSeq.tag !== 0x30) return undefined;
  const eid = tlv(b, usmSeq.start, usmSeq.end);
  const boots = eid && tlv(b, eid.end, usmSeq.end);
  const time = boots && tlv(b, boots.end, usmSeq.end);
  const user = time && tlv(b, time.end, usmSeq.end);
  const authParams = user && tlv(b, user.end, usmSeq.end);
  const privParamsT = authParams && tlv(b, authParams.end, usmSeq.end);
  const engineId = octets(b, eid);
  const userName = octets(b, user);
  const privParams = octets(b, privParamsT);
  const engineBoots = boots && smallUint(b, boots);
  const engineTime = time && smallUint(b, time);
  if (!engineId || !userName || !privParams || authParams!.tag !== 0x04 || engineBoots === undefined || engineTime === undefined) return undefined;
  // The scoped PDU is plaintext (SEQUENCE) unless privacy is on (OCTET STRING).
  const scoped = tlv(b, secParams.end, outer.end);
  if (!scoped) return undefined;
  const usm: UsmHeader = {
    auth: (flags & 1) !== 0, priv: (flags & 2) !== 0, reportable: (flags & 4) !== 0,
    securityModel, engineId, engineBoots, engineTime, userName,
    authParamsStart: authParams!.start, authParamsEnd: authParams!.end, privParams,
    scopedAt: secParams.end, scopedStart: scoped.start, scopedEnd: scoped.end,
  };
  if (usm.priv) return scoped.tag === 0x04 ? { version, usm } : undefined;
  if (scoped.tag !== 0x30) return undefined;
  const ctxEngine = tlv(b, scoped.start, scoped.end);
  const ctxName = ctxEngine && tlv(b, ctxEngine.end, scoped.end);
  const pdu = ctxName && tlv(b, ctxName.end, scoped.end);
  if (!pdu || (pdu.tag & 0xe0) !== 0xa0) return undefined;
  return { version, usm, pduType: pdu.tag };
}
