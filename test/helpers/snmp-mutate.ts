/**
 * Seeded mutation of captured datagrams for fuzzing (TEST-PLAN B1): byte flips, truncation,
 * BER length-field edits, insertions and splices, as a fast-check arbitrary.
 */
import fc from 'fast-check';

type Edit = (b: Buffer) => Buffer;

const flip = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([i, x]): Edit => (b) => {
  const c = Buffer.from(b);
  if (c.length) c[i % c.length]! ^= x;
  return c;
});
const truncate = fc.nat().map((n): Edit => (b) => b.subarray(0, b.length ? n % b.length : 0));
// Length bytes follow tags; setting one to an extreme value exercises every bound check.
const lengthEdit = fc.tuple(fc.nat(), fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x84, 0x89, 0xff)).map(([i, v]): Edit => (b) => {
  const c = Buffer.from(b);
  const tags = [...c.keys()].filter((k) => k + 1 < c.length && [0x02, 0x04, 0x06, 0x30, 0xa4, 0xa6, 0xa7].includes(c[k]!));
  if (tags.length) c[tags[i % tags.length]! + 1] = v;
  return c;
});
const insert = fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, bytes]): Edit => (b) => {
  const at = b.length ? i % b.length : 0;
  return Buffer.concat([b.subarray(0, at), Buffer.from(bytes), b.subarray(at)]);
});

/** A captured datagram with one to four random edits applied. */
export function mutation(seeds: readonly Buffer[]): fc.Arbitrary<Buffer> {
  const edits = fc.array(fc.oneof<fc.Arbitrary<Edit>[]>(flip, truncate, lengthEdit, insert), { minLength: 1, maxLength: 4 });
  return fc.tuple(fc.constantFrom(...seeds), edits)
    .map(([seed, list]) => list.reduce<Buffer>((b, e) => e(b), Buffer.from(seed)));
}
