/**
 * ULID generation (https://github.com/ulid/spec): 48-bit time + 80 bits of randomness,
 * Crockford base32, lexicographically sortable. Monotonic within one millisecond.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** Creates a ULID factory; `now` supplies milliseconds since the epoch. */
export function createUlidFactory(now: () => number): () => string {
  let lastTime = -1;
  const random = new Uint8Array(16); // 16 base32 digits, 5 bits each
  return () => {
    const t = now();
    if (t === lastTime) {
      // Increment the random part so ids stay strictly increasing within one millisecond.
      let i = random.length - 1;
      while (i >= 0 && random[i] === 31) random[i--] = 0;
      if (i >= 0) random[i]! += 1;
    } else {
      lastTime = t;
      const bytes = randomBytes(16);
      for (let i = 0; i < 16; i++) random[i] = bytes[i]! & 31;
      random[0]! &= 15; // leave headroom so incrementing cannot overflow
    }
    let rand = '';
    for (const d of random) rand += ALPHABET[d];
    return encodeTime(t) + rand;
  };
}
