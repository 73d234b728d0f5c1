/**
 * ULID generation (https://github.com/ulid/spec): 48-bit time + 80 bits of randomness,
 * Crockford base32, lexicographically sortable. Monotonic within one millisecond.
 */
import { randomFillSync } from 'node:crypto';

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

/** Random bytes drawn from a pool filled 4 KiB at a time (one call into the CSPRNG per 256 ids, not per id). */
const POOL = new Uint8Array(4096);
let poolPos = POOL.length;

function takeRandom16(): number {
  if (poolPos + 16 > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  const at = poolPos;
  poolPos += 16;
  return at;
}

/** Creates a ULID factory; `now` supplies milliseconds since the epoch. */
export function createUlidFactory(now: () => number): () => string {
  let lastTime = -1;
  const random = new Uint8Array(16); // 16 base32 digits, 5 bits each
  // The time part and the first 15 random digits as text: within one millisecond usually
  // only the last digit changes, so an id is one concatenation.
  let head = '';
  const buildHead = (timePart: string) => {
    let h = timePart;
    for (let i = 0; i < 15; i++) h += ALPHABET[random[i]!];
    return h;
  };
  let timePart = '';
  return () => {
    const t = now();
    if (t === lastTime) {
      // Increment the random part so ids stay strictly increasing within one millisecond.
      let i = random.length - 1;
      while (i >= 0 && random[i] === 31) random[i--] = 0;
      if (i >= 0) random[i]! += 1;
      if (i !== random.length - 1) head = buildHead(timePart);
    } else {
      lastTime = t;
      timePart = encodeTime(t);
      const at = takeRandom16();
      for (let i = 0; i < 16; i++) random[i] = POOL[at + i]! & 31;
      random[0]! &= 15; // leave headroom so incrementing cannot overflow
      head = buildHead(timePart);
    }
    return head + ALPHABET[random[15]!]!;
  };
}
