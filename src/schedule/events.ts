/**
 * An alert as SIEM events (docs/schedule.md, "jsonl and syslog sinks"): each scan finding as
 * the same event `scan --jsonl` prints (src/checksums/events.ts), each reconcile discrepancy
 * as a `reconcile-discrepancy` event, a failed run as `job-failed`, and items left out of a
 * capped alert as one `items-omitted` event, so a collector sees that more happened. Pure.
 */
import { ECS_VERSION, findingEvent, SEVERITY_NUMBER, type FindingItem } from '../checksums/events.js';
import type { AlertBody } from './alert.js';

type Severity = keyof typeof SEVERITY_NUMBER;

/** An event and the severity a syslog header needs. */
export interface AlertEvent {
  severity: Severity;
  action: string;
  event: Record<string, unknown>;
}

function base(body: AlertBody, host: string, action: string, kind: 'alert' | 'event', severity: Severity, message: string, dataset: string) {
  return {
    '@timestamp': body.at,
    message,
    ecs: { version: ECS_VERSION },
    event: { kind, action, severity: SEVERITY_NUMBER[severity], dataset, module: 'payrecon' },
    host: { name: host },
    log: { level: severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'notice' },
  };
}

export function alertEvents(body: AlertBody, host: string): AlertEvent[] {
  const out: AlertEvent[] = [];
  const ids = { job: body.job, alert_id: body.id };
  for (const item of body.findings ?? []) {
    const f = item as FindingItem;
    const ev = findingEvent(f, body.at, host, { job: body.job, alertId: body.id });
    out.push({ severity: f.severity, action: ev.event.action, event: ev as unknown as Record<string, unknown> });
  }
  for (const item of body.discrepancies ?? []) {
    const d = item as { kind?: string; severity?: string; reference?: string | null; reason?: string };
    const severity: Severity = d.severity === 'high' || d.severity === 'low' ? d.severity : 'medium';
    const ev = base(body, host, 'reconcile-discrepancy', 'alert', severity, `${d.kind ?? 'discrepancy'}${d.reference ? ` ${d.reference}` : ''}${d.reason ? `: ${d.reason}` : ''}`, 'payrecon.reconcile');
    out.push({ severity, action: 'reconcile-discrepancy', event: { ...ev, payrecon: { ...ids, discrepancy: item } } });
  }
  if (body.omitted) {
    const ev = base(body, host, 'items-omitted', 'event', 'medium', `${body.omitted} more new items than the alert carries (see payrecon ${body.command === 'scan' ? 'scan --json' : 'discrepancies'})`, `payrecon.${body.command === 'scan' ? 'integrity' : 'reconcile'}`);
    out.push({ severity: 'medium', action: 'items-omitted', event: { ...ev, payrecon: { ...ids, omitted: body.omitted } } });
  }
  if (body.error !== undefined) {
    const ev = base(body, host, 'job-failed', 'event', 'high', `job ${body.job} failed (exit ${body.exit_code}): ${body.error}`, 'payrecon.schedule');
    out.push({ severity: 'high', action: 'job-failed', event: { ...ev, event: { ...ev.event, outcome: 'failure' }, error: { message: body.error }, payrecon: { ...ids, exit_code: body.exit_code } } });
  }
  return out;
}
