/**
 * Address helpers shared by every listener.
 */

/** Turns an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) into its IPv4 form. */
export function normalizeAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
