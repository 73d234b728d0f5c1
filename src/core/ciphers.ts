/**
 * What this Node's OpenSSL can do. OpenSSL 3 moved DES to its legacy provider, which Node
 * loads only with `--openssl-legacy-provider`: without it SNMPv3 DES privacy cannot work in
 * either direction, so a config asking for it is refused with this explanation rather than
 * failing every datagram.
 */
import { createCipheriv } from 'node:crypto';

let des: boolean | undefined;

/** Whether DES-CBC is available (probed once). */
export function desAvailable(): boolean {
  if (des === undefined) {
    try {
      createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
      des = true;
    } catch {
      des = false;
    }
  }
  return des;
}

export const DES_UNAVAILABLE = 'DES privacy needs OpenSSL\'s legacy provider, which this Node does not load: use aes '
  + '(or aes256b, aes256r), or start eventgate with NODE_OPTIONS=--openssl-legacy-provider';
