/**
 * Webhook sink: POST the alert with `X-Payrecon-Delivery` (the same id on every retry) and
 * `X-Payrecon-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. Connection errors,
 * timeouts, 5xx and 429 are worth retrying; any other 4xx is the receiver saying no.
 */
import { createHmac } from 'node:crypto';
import { parseRetryAfter } from '../backoff.js';
import { printable } from '../../output.js';
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
      let answer = '';
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
        // Read the body (the connection can then be reused): a refusal's explains why.
        answer = await responseExcerpt(res);
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
      // Slack answers 400 `invalid_payload`, Teams a JSON error: the operator needs those words.
      throw new DeliveryError(scrub(`${what}: the receiver refused the alert; not retried${answer ? `; it answered: ${answer}` : ''}`), false);
    },
  };
}

/** Bytes of a response body kept for the log: enough for an error message, never a page. */
export const MAX_RESPONSE_EXCERPT = 500;

/**
 * The start of a response body as one printable line (controls escaped, whitespace folded),
 * cut at MAX_RESPONSE_EXCERPT characters with `…`; the rest is read and dropped unbuffered.
 */
async function responseExcerpt(res: Response): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let kept = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (kept < MAX_RESPONSE_EXCERPT * 4) {
        chunks.push(Buffer.from(chunk));
        kept += chunk.length;
      }
    }
  } catch {
    // a body cut short says what it said so far
  }
  const text = printable(Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim());
  return text.length > MAX_RESPONSE_EXCERPT ? `${text.slice(0, MAX_RESPONSE_EXCERPT - 1)}…` : text;
}
