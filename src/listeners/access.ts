/**
 * Source control shared by every listener: a CIDR allow-list (IPv4 and IPv6; an
 * IPv4-mapped IPv6 address matches its IPv4 rule) and a per-source token bucket. Both are
 * pure and take time from the caller, so tests need no clock.
 */
export { createAllowList, parseCidr, type AllowList, type Cidr } from '../core/cidr.js';

/**
 * Token bucket per source: `rate` tokens per second, up to `burst`. Sources idle long enough
 * to be full again are forgotten, so memory is bounded by the number of active sources.
 */
export function createSourceRateLimit(rate: number, burst: number, maxSources = 10_000): (source: string, nowMs: number) => boolean {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (source, now) => {
    let b = buckets.get(source);
    if (!b) {
      if (buckets.size >= maxSources) {
        for (const [k, v] of buckets) if (v.tokens + ((now - v.at) / 1000) * rate >= burst) buckets.delete(k);
        if (buckets.size >= maxSources) buckets.delete(buckets.keys().next().value!);
      }
      b = { tokens: burst, at: now };
      buckets.set(source, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  };
}
