/**
 * Webhook sink: POST the alert with `X-Payrecon-Delivery` (the same id on every retry) and
 * `X-Payrecon-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Connection errors,
 * timeouts, 5xx and 429 are worth retrying; any other 4xx is the receiver saying no.
 */
import { createHmac } from 'node:crypto';
import { parseRetryAfter } from '../backoff.js';
import { redactUrl } from '../config.js';
import { DeliveryError, type Delivery, type Sink } from './types.js';

export interface WebhookOptions {
  key: string;
  label: string;
  url: string;
  secret: string;
  timeoutMs: number;
  concurrency?: number;
}

export function signBody(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export function createWebhookSink(opts: WebhookOptions): Sink {
  // fetch refuses a URL with user:password in it: send those as Basic authorization instead.
  const target = new URL(opts.url);
  const auth = target.username || target.password
    ? 'Basic ' + Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')
    : undefined;
  target.username = '';
  target.password = '';
  // Error text is logged and stored in the outbox: never with the URL's token in it.
  const scrub = (text: string) => [opts.url, target.href].reduce((t, u) => t.split(u).join(redactUrl(u)), text);
  return {
    key: opts.key,
    label: opts.label,
    concurrency: opts.concurrency ?? 8,
    async deliver(d: Delivery, signal: AbortSignal): Promise<void> {
      // One controller per request, its listener removed afterwards: the stop signal lives as
      // long as the process, and listeners left on it (AbortSignal.any) would pile up.
      const request = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.abort();
      }, opts.timeoutMs);
      const onStop = () => request.abort();
      signal.addEventListener('abort', onStop, { once: true });
      let res: Response;
      try {
        res = await fetch(target, {
          method: 'POST',
          headers: {
            ...(auth ? { authorization: auth } : {}),
            'content-type': 'application/json',
            'user-agent': 'payrecon-alerts',
            'x-payrecon-delivery': d.alertId,
            'x-payrecon-signature': signBody(opts.secret, d.body),
          },
          body: d.body,
          redirect: 'manual',
          signal: request.signal,
        });
        // Drain the body so the connection can be reused; its content does not matter.
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        if (timedOut) throw new DeliveryError(`no response within ${opts.timeoutMs} ms`, true);
        if (signal.aborted) throw new DeliveryError('stopped before the receiver answered', true);
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new DeliveryError(scrub(`connection failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`), true);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onStop);
      }
      if (res.status >= 200 && res.status < 300) return;
      const what = `HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}`;
      if (res.status >= 500 || res.status === 429) {
        throw new DeliveryError(what, true, parseRetryAfter(res.headers.get('retry-after'), new Date()));
      }
      if (res.status >= 300 && res.status < 400) {
        throw new DeliveryError(scrub(`${what}: redirect to ${res.headers.get('location') ?? '?'} not followed (configure the final URL)`), false);
      }
      throw new DeliveryError(`${what}: the receiver refused the alert; not retried`, false);
    },
  };
}
