/**
 * Address helpers shared by every listener.
 */

/** Turns an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) into its IPv4 form. */
export function normalizeAddress(address: string): string {
  // Per datagram: most addresses are plain IPv4 and need no lower-cased copy.
  if (address.charCodeAt(0) !== 0x3a /* : */) return address;
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
