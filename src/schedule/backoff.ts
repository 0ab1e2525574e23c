/**
 * Retry timing for deliveries: exponential backoff with full jitter (a uniformly random delay
 * between 0 and the capped exponential), so receivers coming back from an outage are not hit
 * by every sender at once. A receiver's Retry-After is honoured up to the cap. Pure.
 */

/** How retries are spaced; the defaults suit production, tests pass milliseconds. */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay (ms); doubles each attempt. */
  baseMs: number;
  /** Largest ceiling (ms); deliveries keep retrying at most this far apart. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000 };

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed attempts (1 = the first failed).
 * `random` returns [0, 1).
 */
export function retryDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  const jittered = Math.floor(random() * exp);
  if (retryAfterMs !== undefined && retryAfterMs > jittered) return Math.min(retryAfterMs, policy.maxMs);
  return jittered;
}

/** Parse a Retry-After header (seconds, or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
