/**
 * A progress bar for long imports, reconciles and scans. On a TTY (Output.interactive) it
 * mounts an ink component on stderr, so stdout stays clean; everywhere else it is a no-op and
 * the command prints its plain summary lines instead. Updates are throttled: callers may call
 * `update` per batch without paying for a redraw each time.
 *
 * The rate is measured over the last few seconds (so the ETA follows a run that speeds up or
 * stalls), the bar fits the terminal width, and `finish` replaces the bar with the summary
 * line so the scrollback keeps only what matters.
 */
import React from 'react';
import { Box, Text, render, type Instance } from 'ink';
import { formatBytes, type Output } from '../output.js';
import { NO_PROGRESS, type Progress, type ProgressOptions } from '../domain/progress.js';

export type { Progress, ProgressOptions };

const REDRAW_MS = 80;
/** Redraw at least this often so elapsed time and ETA move while a batch takes long. */
const TICK_MS = 500;
/** The rate is measured over this window. */
const RATE_WINDOW_MS = 5000;
/** No ETA before this much time and work: early rates are noise. */
const ETA_AFTER_MS = 1000;

export function formatQuantity(n: number, unit: ProgressOptions['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSecond: number, unit: ProgressOptions['unit']): string {
  return unit === 'bytes' ? `${formatQuantity(perSecond, unit)}/s` : `${formatQuantity(perSecond, unit)} ${unit}/s`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Recent progress samples; the rate is the slope over the window. Pure apart from the clock passed in. */
export class RateMeter {
  private samples: Array<{ t: number; done: number }> = [];
  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  add(t: number, done: number): void {
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
  }

  /** Units per second over the window, 0 until two samples are apart in time. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.t <= first.t) return 0;
    return Math.max(0, (last.done - first.done) / ((last.t - first.t) / 1000));
  }
}

export interface BarProps extends ProgressOptions {
  done: number;
  elapsedMs: number;
  /** Units per second; when absent, the average since the start. */
  rate?: number;
  info?: string;
  /** Columns available for the whole line (the bar shrinks to fit). */
  columns?: number;
  colour?: boolean;
}

/** The numbers a bar shows, computed once so the layout and the tests agree. */
export function barFigures(p: BarProps) {
  const known = p.total > 0;
  const frac = known ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  const rate = p.rate ?? (p.elapsedMs > 0 ? p.done / (p.elapsedMs / 1000) : 0);
  const eta = known && rate > 0 && p.elapsedMs >= ETA_AFTER_MS ? Math.max(0, (p.total - p.done) / rate) : NaN;
  const percent = known ? `${String(Math.floor(frac * 100)).padStart(3)}%` : '';
  const count = known ? `${formatQuantity(p.done, p.unit)}/${formatQuantity(p.total, p.unit)}` : formatQuantity(p.done, p.unit) + (p.unit === 'bytes' ? '' : ` ${p.unit}`);
  const tail = known ? `${formatRate(rate, p.unit)} ETA ${formatDuration(eta)}` : `${formatRate(rate, p.unit)} ${formatDuration(p.elapsedMs / 1000)}`;
  return { known, frac, rate, eta, percent, count, tail };
}

/** The bar itself: label, bar, percentage, counts, rate and ETA. Pure, for tests. */
export function ProgressBar(props: BarProps): React.ReactElement {
  const f = barFigures(props);
  const columns = props.columns ?? 100;
  const colour = props.colour ?? true;
  const fixed = props.label.length + 1 + (f.percent ? f.percent.length + 2 : 0) + f.count.length + 1 + f.tail.length + 1;
  // The info text (a file name) gets up to 30 columns before the bar gives way to it.
  const infoWant = props.info ? Math.min(props.info.length + 1, 30) : 0;
  const width = f.known ? Math.max(10, Math.min(40, columns - fixed - infoWant - 2)) : 0;
  const filled = Math.round(f.frac * width);
  const infoRoom = columns - fixed - width - 2;
  const info = props.info && infoRoom > 4 ? (props.info.length > infoRoom ? '…' + props.info.slice(-(infoRoom - 1)) : props.info) : '';
  return (
    <Box>
      <Text wrap="truncate">
        <Text bold>{props.label} </Text>
        {f.known ? (
          <>
            <Text color={colour ? 'cyan' : undefined}>{'█'.repeat(filled)}</Text>
            <Text dimColor={colour}>{(colour ? '░' : '·').repeat(width - filled)}</Text>
            <Text> {f.percent} </Text>
          </>
        ) : null}
        <Text>{f.count}</Text>
        <Text dimColor={colour}> {f.tail}</Text>
        {info ? <Text dimColor={colour}> {info}</Text> : null}
      </Text>
    </Box>
  );
}

/** A bar when a person is watching; a no-op otherwise. */
export function createProgress(out: Output, opts: ProgressOptions): Progress {
  if (!out.showsProgress) return NO_PROGRESS;
  const started = Date.now();
  const meter = new RateMeter();
  meter.add(started, 0);
  let done = 0;
  let info: string | undefined;
  let last = 0;
  let finished = false;
  const element = () => (
    <ProgressBar
      {...opts}
      done={done}
      info={info}
      elapsedMs={Date.now() - started}
      rate={meter.rate()}
      columns={out.stderr.columns ?? 100}
      colour={out.color}
    />
  );
  const instance: Instance = render(element(), {
    stdout: out.stderr as NodeJS.WriteStream,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  const redraw = () => {
    last = Date.now();
    instance.rerender(element());
  };
  const tick = setInterval(redraw, TICK_MS);
  tick.unref();
  return {
    update(n, i) {
      if (finished) return;
      done = n;
      info = i;
      const now = Date.now();
      meter.add(now, n);
      if (now - last >= REDRAW_MS) redraw();
    },
    finish(summary) {
      if (finished) return;
      finished = true;
      clearInterval(tick);
      // An empty last frame erases the bar; unmount then leaves nothing behind but the summary.
      instance.rerender(<></>);
      instance.unmount();
      instance.cleanup();
      if (summary) out.info(summary);
    },
  };
}
