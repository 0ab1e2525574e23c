/**
 * One interface for every alert channel. A sink delivers one alert body and resolves, or
 * throws a DeliveryError saying whether trying again could help.
 */

/** An alert on its way to one sink: the delivery id and the exact bytes to send. */
export interface Delivery {
  alertId: string;
  body: string;
}

/** A configured alert channel (webhook, file, command). */
export interface Sink {
  /** Stable identity in the outbox across restarts (type + url/path/argv). */
  readonly key: string;
  /** For logs: never carries secrets. */
  readonly label: string;
  /** Deliveries in flight at once: files and commands keep order, webhooks go wide. */
  readonly concurrency: number;
  deliver(delivery: Delivery, signal: AbortSignal): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    /** False when the receiver refused for good (e.g. HTTP 400): retrying would not help. */
    readonly retryable: boolean,
    /** The receiver asked us to wait this long (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
