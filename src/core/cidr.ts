/**
 * CIDR parsing and address matching (IPv4 and IPv6; an IPv4-mapped IPv6 address matches its
 * IPv4 rule). Pure. Shared by listener allow-lists and classifier peer conditions.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { normalizeAddress } from './net.js';

export interface Cidr {
  readonly v6: boolean;
  readonly bits: bigint;
  readonly mask: bigint;
}

function v4ToBigInt(a: string): bigint {
  return a.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBigInt(a: string): bigint {
  let text = a;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const v = v4ToBigInt(tail[1]!);
    text = text.slice(0, -tail[1]!.length) + `${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address; undefined when invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len] = text.split('/') as [string, string | undefined];
  const written = addr.replace(/^\[|\]$/g, '');
  const address = normalizeAddress(written);
  const v6 = isIPv6(address);
  if (!v6 && !isIPv4(address)) return undefined;
  const width = v6 ? 128 : 32;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  // An IPv4-mapped rule (::ffff:10.0.0.0/104) is the IPv4 rule 10.0.0.0/8.
  const mapped = !v6 && written !== address;
  const prefix = len === undefined ? width : Number(len) - (mapped ? 96 : 0);
  if (prefix < 0) return undefined;
  if (prefix > width) return undefined;
  const all = (1n << BigInt(width)) - 1n;
  const mask = prefix === 0 ? 0n : (all << BigInt(width - prefix)) & all;
  const bits = (v6 ? v6ToBigInt(address) : v4ToBigInt(address)) & mask;
  return { v6, bits, mask };
}

export type AllowList = (address: string) => boolean;

/** Builds a predicate over peer addresses; an empty list allows everyone. */
export function createAllowList(cidrs: readonly string[]): AllowList {
  const rules = cidrs.map((c) => {
    const r = parseCidr(c);
    if (!r) throw new Error(`invalid CIDR "${c}"`);
    return r;
  });
  if (rules.length === 0) return () => true;
  return (raw) => {
    const address = normalizeAddress(raw);
    const v6 = isIPv6(address);
    if (!v6 && !isIPv4(address)) return false;
    const value = v6 ? v6ToBigInt(address) : v4ToBigInt(address);
    return rules.some((r) => r.v6 === v6 && (value & r.mask) === r.bits);
  };
}
