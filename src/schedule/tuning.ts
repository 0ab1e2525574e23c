/**
 * Delivery timing. The defaults suit production; the environment can shorten them (the test
 * suite and the benchmark use milliseconds), never to nonsense: bad values fall back.
 */
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';

/** How long deliveries wait, retry and get to finish at shutdown. */
export interface Tuning {
  backoff: BackoffPolicy;
  /** One webhook request or command run (unless the sink sets timeoutSeconds). */
  timeoutMs: number;
  /** After the job in flight finished, how long a stop keeps delivering before exiting. */
  graceMs: number;
}

function ms(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return fallback;
  return Math.max(min, Number(raw));
}

export function readTuning(env: NodeJS.ProcessEnv): Tuning {
  const baseMs = ms(env, 'PAYRECON_ALERT_RETRY_BASE_MS', DEFAULT_BACKOFF.baseMs, 1);
  return {
    backoff: { baseMs, maxMs: Math.max(baseMs, ms(env, 'PAYRECON_ALERT_RETRY_MAX_MS', DEFAULT_BACKOFF.maxMs, 1)) },
    timeoutMs: ms(env, 'PAYRECON_ALERT_TIMEOUT_MS', 10_000, 1),
    graceMs: ms(env, 'PAYRECON_SHUTDOWN_GRACE_MS', 10_000),
  };
}
