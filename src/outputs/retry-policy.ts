/**
 * Retry policy as data (undici's retry handler, Fluent Bit's scheduler): capped exponential
 * backoff with jitter, a maximum number of attempts and a maximum age.
 */

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly maxAgeMs: number;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly concurrency: number;
  /** Upper bound for one attempt; the signal given to `send` aborts then. */
  readonly attemptTimeoutMs: number;
}

/**
 * Delay before attempt `attempts + 1`: "equal jitter", half the capped exponential step plus
 * a random half, so retries spread out without ever collapsing to zero (no retry storm).
 */
export function backoffDelay(policy: RetryPolicy, attempts: number, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export type RetryDecision = { action: 'retry'; at: number } | { action: 'bury'; reason: 'attempts' | 'age' };

/** Decides what happens after a temporary failure. */
export function decideRetry(
  policy: RetryPolicy,
  o: { attempts: number; createdAt: number; now: number; retryAfterMs?: number },
  random: () => number,
): RetryDecision {
  if (o.attempts >= policy.maxAttempts) return { action: 'bury', reason: 'attempts' };
  const at = o.now + Math.max(o.retryAfterMs ?? 0, backoffDelay(policy, o.attempts, random));
  if (at - o.createdAt > policy.maxAgeMs) return { action: 'bury', reason: 'age' };
  return { action: 'retry', at };
}
