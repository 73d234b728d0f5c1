/**
 * The User-based Security Model's checks on an incoming v3 message, done here rather than by
 * net-snmp: the HMAC (RFC 3414 with MD5 and SHA-1, RFC 7860 with SHA-2) and AES-128 privacy
 * (RFC 3826). Each user's passphrases are hashed once (the 1 MiB of RFC 3414 A.2) and the
 * keys localized once per sender engine (a bounded table): net-snmp does both per new
 * engine ID, so any datagram naming a known user made it hash a mebibyte and keep an entry
 * forever. The HMAC runs over the datagram without copying it; AES-CFB decrypts with one
 * AES block cipher per key, made once, instead of a new decipher per datagram.
 *
 * Same keys and results as net-snmp (test/unit/listeners/snmp/usm-crypto.test.ts checks
 * against it). DES and AES-256 privacy are left to net-snmp, after the HMAC has passed here.
 */
import { createCipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { UsmHeader } from './ber-peek.js';
import type { AuthProtocol, UsmUser } from './usm.js';

const AUTH: Record<AuthProtocol, { readonly hash: string; readonly macLength: number }> = {
  md5: { hash: 'md5', macLength: 12 },
  sha: { hash: 'sha1', macLength: 12 },
  sha224: { hash: 'sha224', macLength: 16 },
  sha256: { hash: 'sha256', macLength: 24 },
  sha384: { hash: 'sha384', macLength: 32 },
  sha512: { hash: 'sha512', macLength: 48 },
};

type AesBlock = ReturnType<typeof createCipheriv>;

const PASSWORD_BYTES = 1024 * 1024;
const AES_BLOCK = 16;
/** Sender engines whose localized keys one user keeps (the oldest is forgotten beyond). */
const MAX_ENGINES = 1024;

/** RFC 3414 A.2: the hash of the passphrase repeated over 1 MiB (net-snmp's `Buffer.alloc` fill). */
function passwordHash(hash: string, passphrase: string): Buffer {
  return createHash(hash).update(Buffer.alloc(PASSWORD_BYTES, passphrase, 'utf8')).digest();
}

/** RFC 3414 2.6: the key localized to an engine, H(Ku | engineID | Ku). */
function localize(hash: string, ku: Buffer, engineId: Buffer): Buffer {
  return createHash(hash).update(ku).update(engineId).update(ku).digest();
}

interface EngineKeys {
  readonly auth: Buffer;
  /** AES-128 in ECB: the block function CFB is built from (no state between blocks). */
  readonly aes?: AesBlock;
}

interface UserKeys {
  readonly authKu: Buffer;
  readonly privKu?: Buffer;
  readonly engines: Map<string, EngineKeys>;
}

export interface UsmCrypto {
  /** Whether the datagram's HMAC is right for `user` (who must have an auth protocol). */
  authentic(bytes: Buffer, h: UsmHeader, user: UsmUser): boolean;
  /**
   * The decrypted scoped PDU of an authentic AES-128 message, or undefined when this module
   * does not decrypt the user's privacy protocol (or the privacy parameters are not 8 bytes).
   */
  decrypt(bytes: Buffer, h: UsmHeader, user: UsmUser): Buffer | undefined;
}

export function createUsmCrypto(): UsmCrypto {
  // By user entry: a reload builds new entries, so a changed passphrase is hashed anew.
  const users = new WeakMap<UsmUser, UserKeys>();

  function keysOf(user: UsmUser, engineId: Buffer): EngineKeys {
    const hash = AUTH[user.auth!.protocol].hash;
    let u = users.get(user);
    if (!u) {
      const privKu = user.priv?.protocol === 'aes' ? passwordHash(hash, user.priv.key.reveal()) : undefined;
      u = { authKu: passwordHash(hash, user.auth!.key.reveal()), ...(privKu ? { privKu } : {}), engines: new Map() };
      users.set(user, u);
    }
    const id = engineId.toString('latin1');
    let k = u.engines.get(id);
    if (!k) {
      if (u.engines.size >= MAX_ENGINES) u.engines.delete(u.engines.keys().next().value!);
      // RFC 3826 1.2: the AES key is the first 128 bits of the privacy key localized with
      // the authentication protocol's hash.
      const aes = u.privKu ? createCipheriv('aes-128-ecb', localize(hash, u.privKu, engineId).subarray(0, AES_BLOCK), null).setAutoPadding(false) : undefined;
      k = { auth: localize(hash, u.authKu, engineId), ...(aes ? { aes } : {}) };
      u.engines.set(id, k);
    }
    return k;
  }

  return {
    authentic(bytes, h, user) {
      const { hash, macLength } = AUTH[user.auth!.protocol];
      const start = h.authParamsStart;
      const end = h.authParamsEnd;
      if (end - start !== macLength) return false;
      // The HMAC covers the whole message with its own field zeroed.
      const mac = createHmac(hash, keysOf(user, h.engineId).auth)
        .update(bytes.subarray(0, start)).update(Buffer.alloc(macLength)).update(bytes.subarray(end)).digest();
      return timingSafeEqual(mac.subarray(0, macLength), bytes.subarray(start, end));
    },
    decrypt(bytes, h, user) {
      const aes = user.priv?.protocol === 'aes' ? keysOf(user, h.engineId).aes : undefined;
      if (!aes || h.privParams.length !== 8) return undefined;
      return cfbDecrypt(aes, bytes.subarray(h.scopedStart, h.scopedEnd), h);
    },
  };
}

/**
 * AES-128-CFB decryption (RFC 3826 3.1.4): P(i) = C(i) XOR E(C(i-1)), C(0) the IV (engine
 * boots, engine time, salt). All the E() are known up front, so one ECB pass over the IV and
 * every ciphertext block but the last gives the whole key stream.
 */
function cfbDecrypt(aes: AesBlock, c: Buffer, h: UsmHeader): Buffer {
  const blocks = Math.ceil(c.length / AES_BLOCK);
  const input = Buffer.alloc(blocks * AES_BLOCK);
  input.writeUInt32BE(h.engineBoots >>> 0, 0);
  input.writeUInt32BE(h.engineTime >>> 0, 4);
  h.privParams.copy(input, 8);
  c.copy(input, AES_BLOCK, 0, (blocks - 1) * AES_BLOCK);
  const stream = aes.update(input);
  const out = Buffer.allocUnsafe(c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i]! ^ stream[i]!;
  return out;
}
