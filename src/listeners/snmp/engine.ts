/**
 * Admission and decoding of one datagram, socket-free. Policy checks (source, version,
 * community, user, level, PDU type) run on the raw header first, so a rejected datagram is
 * never decoded. v1/v2c traps are decoded by trap-decode.ts (net-snmp's rules, without its
 * per-message objects); v3 messages are authenticated by usm-crypto.ts, and v3 traps in
 * plaintext or AES-128 decrypted there too; informs and the rest by net-snmp's Receiver on
 * a virtual socket (net-snmp-decode.ts). `process` returns the only bytes the listener may
 * send back (the ack of an accepted inform, or a v3 discovery Report), and never throws.
 */
import type { TrapSecurity } from '../../core/event.js';
import type { AllowList } from '../access.js';
import { PDU, peekMessage, type MessageHeader, type SnmpVersion, type UsmHeader } from './ber-peek.js';
import { AUTH_FAILURE_CODES, createNetSnmpDecoder } from './net-snmp-decode.js';
import { decodeScopedTrapPdu, decodeTrapPdu } from './trap-decode.js';
import { createUsmCrypto } from './usm-crypto.js';
import { createTimeWindow, levelRank, userLevel, type SecurityLevel, type UserLookup, type UsmUser } from './usm.js';

/** A decoded notification PDU, as net-snmp hands it to a receiver callback. */
export interface DecodedPdu {
  readonly type: number;
  readonly varbinds: readonly { oid: string; type: number; value: unknown }[];
  /** null when net-snmp found it truncated. */
  readonly enterprise?: string | null;
  readonly agentAddr?: string;
  readonly generic?: number;
  readonly specific?: number;
  readonly upTime?: number;
}

export const REJECT_REASONS = ['source', 'malformed', 'version', 'community', 'user', 'engine', 'level', 'auth', 'time_window', 'pdu'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export type Outcome =
  | {
    readonly kind: 'accepted'; readonly version: SnmpVersion; readonly pdu: DecodedPdu; readonly security: TrapSecurity;
    /** The datagram, with the community octets (a secret) overwritten by `*`. */
    readonly raw: Buffer;
    readonly responses: readonly Buffer[];
  }
  | { readonly kind: 'discovery'; readonly responses: readonly Buffer[] }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly version?: SnmpVersion };

export interface EngineOptions {
  readonly versions: ReadonlySet<SnmpVersion>;
  readonly minLevel: SecurityLevel;
  /** Community bytes (hex) → the label recorded on events (`communities[N]`). */
  readonly communities: ReadonlyMap<string, string>;
  readonly users: readonly UsmUser[];
  readonly findUser: (name: string, engineIdHex: string) => UserLookup;
  readonly allow: AllowList;
  /** The gateway's own engine ID (hex) for v3 informs; random when absent. */
  readonly engineId?: string;
  /** Whether this source may get a discovery Report now (a per-source rate limit). */
  readonly discoveryAllowed: (peer: string) => boolean;
}

const NOTIFICATIONS: Record<SnmpVersion, readonly number[]> = {
  v1: [PDU.trapV1],
  v2c: [PDU.trapV2, PDU.inform],
  v3: [PDU.trapV2, PDU.inform],
};

export interface Engine {
  process(bytes: Buffer, peer: { address: string; port: number }, nowMs: number): Outcome;
  /** The engine ID v3 informs must be sent to (hex). */
  readonly engineId: string;
}

function levelOf(h: MessageHeader): SecurityLevel | undefined {
  const u = h.usm!;
  if (u.priv && !u.auth) return undefined; // privacy without authentication is not a level
  return u.priv ? 'authPriv' : u.auth ? 'authNoPriv' : 'noAuthNoPriv';
}

export function createEngine(o: EngineOptions): Engine {
  const netSnmp = createNetSnmpDecoder(o.engineId);
  const usm = createUsmCrypto();
  /**
   * An authentic v3 SNMPv2-Trap decoded here (plaintext or AES-128); undefined for anything
   * else (informs, whose ack net-snmp encodes, DES and AES-256, undecodable PDUs), which
   * net-snmp decodes as before.
   */
  const v3Trap = (bytes: Buffer, u: UsmHeader, user: UsmUser): DecodedPdu | undefined => {
    if (!u.priv) return decodeScopedTrapPdu(bytes, u.scopedAt);
    const plain = usm.decrypt(bytes, u, user);
    return plain && decodeScopedTrapPdu(plain, 0);
  };
  const ownEngine = netSnmp.engineId;
  const inTimeWindow = createTimeWindow();
  const communities = [...o.communities].map(([hex, label]) => ({ bytes: Buffer.from(hex, 'hex'), label }));
  const communityLabel = (c: Buffer) => communities.find((k) => k.bytes.equals(c))?.label;

  function rejectFor(error: unknown): RejectReason {
    const e = error as { name?: string; code?: number } | undefined;
    if (e?.name === 'ResponseInvalidError' && e.code !== undefined && AUTH_FAILURE_CODES.has(e.code)) return 'auth';
    // An encrypted request (Get, Set, ...) is only recognisable once decrypted.
    if (e?.name === 'RequestInvalidError') return 'pdu';
    return 'malformed';
  }

  return {
    engineId: ownEngine,
    process(bytes, peer, now) {
      const reject = (reason: RejectReason, version?: SnmpVersion): Outcome => ({ kind: 'rejected', reason, ...(version ? { version } : {}) });
      if (!o.allow(peer.address)) return reject('source');
      const h = peekMessage(bytes);
      if (!h) return reject('malformed');
      const v = h.version;
      if (!o.versions.has(v)) return reject('version', v);
      let security: TrapSecurity;
      let r: { error?: unknown; pdu?: DecodedPdu; sent: readonly Buffer[] };
      if (v !== 'v3') {
        if (!NOTIFICATIONS[v].includes(h.pduType!)) return reject('pdu', v);
        const label = communityLabel(h.community!);
        if (!label) return reject('community', v);
        security = { model: 'community', community: label };
        if (h.pduType === PDU.inform) {
          r = netSnmp.decode(bytes, peer, { community: h.community!.toString('utf8') });
        } else {
          // net-snmp finds no community when it is empty (a falsy match): undecodable.
          const pdu = h.community!.length > 0 ? decodeTrapPdu(bytes, h.pduAt!) : undefined;
          if (!pdu) return reject('malformed', v);
          r = { pdu, sent: [] };
        }
      } else {
        const u = h.usm!;
        const level = levelOf(h);
        if (u.securityModel !== 3 || !level) return reject('malformed', v);
        const name = u.userName.toString('utf8');
        if (name === '') {
          // RFC 3414 discovery: the one unauthenticated request answered, so v3 informs work.
          const discovery = h.pduType === PDU.get && level === 'noAuthNoPriv' && u.reportable && o.users.length > 0;
          if (!discovery) return reject('user', v);
          if (!o.discoveryAllowed(peer.address)) return reject('pdu', v);
          const d = netSnmp.decode(bytes, peer, {});
          return d.sent.length === 1 ? { kind: 'discovery', responses: d.sent } : reject('malformed', v);
        }
        if (levelRank(level) < levelRank(o.minLevel)) return reject('level', v);
        if (h.pduType !== undefined && !NOTIFICATIONS.v3.includes(h.pduType)) return reject('pdu', v);
        const found = o.findUser(name, u.engineId.toString('hex'));
        if ('problem' in found) return reject(found.problem, v);
        if (userLevel(found.user) !== level) return reject('level', v);
        security = { model: 'usm', user: name, level, engineId: u.engineId.toString('hex') };
        // Authenticated here first: a datagram without the key never reaches net-snmp
        // (which would hash a mebibyte for each new engine ID it names).
        if (found.user.auth && !usm.authentic(bytes, u, found.user)) return reject('auth', v);
        const pdu = v3Trap(bytes, u, found.user);
        r = pdu ? { pdu, sent: [] } : netSnmp.decode(bytes, peer, { user: found.user });
      }
      if (r.error !== undefined || !r.pdu) return reject(r.error !== undefined ? rejectFor(r.error) : 'malformed', v);
      const pdu = r.pdu;
      if (!NOTIFICATIONS[v].includes(pdu.type)) return reject('pdu', v);
      if (v === 'v3' && security.model === 'usm') {
        const u = h.usm!;
        if (pdu.type === PDU.inform && security.engineId !== ownEngine) return reject('engine', v);
        if (pdu.type === PDU.trapV2 && !inTimeWindow(security.engineId, u.engineBoots, u.engineTime, now)) return reject('time_window', v);
      }
      const responses = pdu.type === PDU.inform ? r.sent.slice(0, 1) : [];
      const raw = Buffer.from(bytes);
      if (h.community) {
        const at = h.community.byteOffset - bytes.byteOffset;
        raw.fill(0x2a, at, at + h.community.length);
      }
      return { kind: 'accepted', version: v, pdu, security, raw, responses };
    },
  };
}
