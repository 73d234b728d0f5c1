/**
 * Decodes the PDU of a v1 Trap or v2c SNMPv2-Trap message, in place of net-snmp's Receiver
 * (which builds a Message, a Reader, error objects and closures per datagram). It follows
 * net-snmp 3.x's reader (asn1-ber) step by step, leniencies included, so it accepts exactly
 * what net-snmp accepts with the same values (test/unit/listeners/snmp/trap-decode.test.ts
 * checks this against net-snmp itself), and the SNMPv2-Trap inside a v3 scoped PDU. Total:
 * undefined for anything net-snmp rejects.
 */
import { PDU } from './ber-peek.js';
import type { DecodedPdu } from './engine.js';

type Value = DecodedPdu['varbinds'][number]['value'];

/** Thrown where net-snmp would throw; caught by `decodeTrapPdu`. */
const INVALID = new Error('invalid');

/** asn1-ber's Reader: one cursor over the whole datagram (nested lengths are not bounds). */
interface Reader {
  readonly b: Buffer;
  off: number;
  /** The length read by the last `readLength` (the Reader's `length`). */
  len: number;
}

function readLength(r: Reader, at: number): number | null {
  const b = r.b;
  if (at >= b.length) return null;
  let n = b[at++]!;
  if (n & 0x80) {
    n &= 0x7f;
    if (n === 0) throw INVALID; // indefinite length
    if (b.length - at < n) return null;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[at++]!;
    r.len = len;
  } else {
    r.len = n;
  }
  return at;
}

/** `readSequence()` without a tag: any tag; returns false where net-snmp returns null. */
function readSequence(r: Reader): boolean {
  if (r.off >= r.b.length) return false;
  const o = readLength(r, r.off + 1);
  if (o === null) return false;
  r.off = o;
  return true;
}

/** `_readTag(tag)`: a big-endian two's-complement integer; null when it does not fit. */
function readInt(r: Reader, tag?: number): number | null {
  const b = r.b;
  if (r.off >= b.length) return null;
  if (tag !== undefined && b[r.off] !== tag) throw INVALID;
  const o = readLength(r, r.off + 1);
  if (o === null) return null;
  if (r.len === 0) throw INVALID;
  if (r.len > b.length - o) return null;
  let at = o;
  const end = o + r.len;
  let v = b.readInt8(at++);
  while (at < end) v = v * 256 + b[at++]!;
  r.off = end;
  if (!Number.isSafeInteger(v)) throw INVALID;
  return v;
}

/** net-snmp's readInt32/readUint32 (range checks off, as net-snmp ships): null is an error. */
function readInt32(r: Reader): number {
  const v = readInt(r);
  if (v === null) throw INVALID;
  return v;
}

/** `readString(tag, true)`: the value bytes (a view), or null when they do not fit. */
function readBytes(r: Reader, tag: number): Buffer | null {
  const b = r.b;
  if (r.off >= b.length) return null;
  if (b[r.off] !== tag) throw INVALID;
  const o = readLength(r, r.off + 1);
  if (o === null || r.len > b.length - o) return null;
  r.off = o + r.len;
  return r.len === 0 ? Buffer.alloc(0) : b.subarray(o, o + r.len);
}

/** OIDs by their encoded bytes (latin1): traps repeat a few OIDs, so most are not rebuilt. */
const oidCache = new Map<string, string>();
const OID_CACHE_MAX = 4096;
const OID_CACHE_KEY_MAX = 48;

/** `readOID()`: 32-bit arcs (overflow wraps as in net-snmp), the first split by 40. */
function readOid(r: Reader): string | null {
  const b = r.b;
  if (r.off >= b.length) return null;
  if (b[r.off] !== 0x06) throw INVALID;
  const o = readLength(r, r.off + 1);
  if (o === null || r.len > b.length - o) return null;
  const end = o + r.len;
  r.off = end;
  if (r.len > OID_CACHE_KEY_MAX) return oidText(b, o, end);
  const key = b.toString('latin1', o, end);
  let text = oidCache.get(key);
  if (text === undefined) {
    text = oidText(b, o, end);
    if (oidCache.size >= OID_CACHE_MAX) oidCache.clear();
    oidCache.set(key, text);
  }
  return text;
}

function oidText(b: Buffer, o: number, end: number): string {
  let out = '';
  let first = true;
  let v = 0;
  for (let i = o; i < end; i++) {
    const byte = b[i]!;
    v = (v << 7) + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      const arc = v >>> 0;
      if (first) {
        out = `${(arc / 40) >> 0}.${arc % 40}`;
        first = false;
      } else {
        out += `.${arc}`;
      }
      v = 0;
    }
  }
  // No complete arc: net-snmp's arithmetic on `undefined` gives this.
  return first ? '0.NaN' : out;
}

function readIpAddress(r: Reader): string {
  const bytes = readBytes(r, 0x40);
  if (bytes === null || bytes.length !== 4) throw INVALID;
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** `readBitString()`, reproduced literally (its precision limits included). */
function readBitString(r: Reader): string | null {
  const b = r.b;
  if (r.off >= b.length) return null;
  const o = readLength(r, r.off + 1);
  if (o === null || r.len > b.length - o) return null;
  r.off = o;
  if (r.len === 0) return '';
  const ignoredBits = b[r.off++]!;
  const octets = b.subarray(r.off, r.off + r.len - 1);
  const bits = parseInt(octets.toString('hex'), 16).toString(2).padStart(octets.length * 8, '0');
  r.off += r.len - 1;
  return bits.substring(0, bits.length - ignoredBits);
}

/** `readByte()` twice: the tag and one length byte, whatever the length says. */
function skipTwo(r: Reader): null {
  r.off = Math.min(r.off + 2, r.b.length);
  return null;
}

function readValue(r: Reader, type: number): Value {
  switch (type) {
    case 0x01: return readInt(r, 0x01) !== 0;
    case 0x02: return readInt32(r);
    case 0x03: return readBitString(r);
    case 0x04: return readBytes(r, 0x04);
    case 0x05: case 0x80: case 0x81: case 0x82: return skipTwo(r);
    case 0x06: {
      const oid = readOid(r);
      if (oid === null) throw INVALID;
      return oid;
    }
    case 0x40: return readIpAddress(r);
    case 0x41: case 0x42: case 0x43: return readInt32(r) >>> 0;
    case 0x44: return readBytes(r, 0x44);
    case 0x46: return readBytes(r, 0x46);
    default: throw INVALID;
  }
}

/** Reads to the end of the datagram, not of the varbind list, as net-snmp does. */
function readVarbinds(r: Reader): { oid: string; type: number; value: Value }[] {
  const out: { oid: string; type: number; value: Value }[] = [];
  readSequence(r);
  for (;;) {
    if (!readSequence(r)) break;
    if (r.off >= r.b.length || r.b[r.off] !== 0x06) break;
    const oid = readOid(r);
    if (oid === null) throw INVALID;
    if (r.off >= r.b.length) break;
    const type = r.b[r.off]!;
    out.push({ oid, type, value: readValue(r, type) });
  }
  return out;
}

/**
 * The PDU of a v1/v2c message whose header `peekMessage` accepted, starting at its tag
 * (`pduAt`); only Trap (v1) and SNMPv2-Trap PDUs. Undefined where net-snmp fails.
 */
export function decodeTrapPdu(b: Buffer, pduAt: number): DecodedPdu | undefined {
  const r: Reader = { b, off: pduAt, len: 0 };
  try {
    const type = b[pduAt];
    if (type === PDU.trapV2) {
      readSequence(r);
      readInt32(r); // request-id
      readInt32(r); // error-status
      readInt32(r); // error-index
      return { type, varbinds: readVarbinds(r) };
    }
    if (type === PDU.trapV1) {
      readSequence(r);
      const enterprise = readOid(r);
      const agentAddr = readIpAddress(r);
      const generic = readInt32(r);
      const specific = readInt32(r);
      const upTime = readInt32(r) >>> 0;
      const varbinds = readVarbinds(r);
      return { type, varbinds, enterprise, agentAddr, generic, specific, upTime };
    }
    return undefined;
  } catch {
    // INVALID where net-snmp throws; anything else would have been caught by net-snmp's
    // Receiver as well, so it too is an undecodable datagram, never an escaping error.
    return undefined;
  }
}

/**
 * The SNMPv2-Trap PDU of a v3 scoped PDU (plaintext or decrypted) whose SEQUENCE tag is at
 * `at`, read as net-snmp's `readPdu(reader, true)` does: a reader bounded by the scoped PDU,
 * context engine ID and name, then the PDU. Undefined for any other PDU and where net-snmp
 * fails: the caller leaves those to net-snmp itself.
 */
export function decodeScopedTrapPdu(b: Buffer, at: number): DecodedPdu | undefined {
  try {
    const scoped = readBytes({ b, off: at, len: 0 }, 0x30);
    if (scoped === null) return undefined;
    const r: Reader = { b: scoped, off: 0, len: 0 };
    readBytes(r, 0x04); // contextEngineID
    readBytes(r, 0x04); // contextName
    return scoped[r.off] === PDU.trapV2 ? decodeTrapPdu(scoped, r.off) : undefined;
  } catch {
    return undefined;
  }
}
