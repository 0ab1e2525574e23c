/**
 * The scheduler's log: one line per event on stderr (stdout stays free for the single JSON
 * document of --json). JSON lines when nobody is watching (systemd, containers, CI: what a log
 * shipper parses); a short readable line at a terminal. --quiet keeps only errors.
 */
import type { Output } from '../output.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where scheduler events go; tests collect them in memory. */
export interface EventLog {
  event(name: string, fields: Record<string, unknown>, level?: LogLevel): void;
}

export function createEventLog(out: Output, now: () => Date = () => new Date()): EventLog {
  return {
    event(name, fields, level = 'info') {
      if (out.quiet && level !== 'error') return;
      const line = out.interactive ? humanLine(out, name, fields, level, now()) : JSON.stringify({ ts: now().toISOString(), level, event: name, ...fields });
      out.stderr.write(line + '\n');
    },
  };
}

function humanLine(out: Output, name: string, fields: Record<string, unknown>, level: LogLevel, at: Date): string {
  const time = out.c.dim(at.toISOString().slice(11, 19));
  const tag = level === 'error' ? out.c.red(name) : level === 'warn' ? out.c.yellow(name) : out.c.cyan(name);
  const rest = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${tag} ${rest}`;
}

/** An EventLog that keeps events in memory (tests, and the --json summary). */
export class MemoryLog implements EventLog {
  readonly events: Array<{ name: string; level: LogLevel; fields: Record<string, unknown> }> = [];
  constructor(private readonly next?: EventLog) {}
  event(name: string, fields: Record<string, unknown>, level: LogLevel = 'info'): void {
    this.events.push({ name, level, fields });
    this.next?.event(name, fields, level);
  }
  named(name: string) {
    return this.events.filter((e) => e.name === name);
  }
}
