/**
 * A progress bar for long imports and scans. On a TTY (Output.interactive) it mounts an ink
 * component on stderr, so stdout stays clean; everywhere else it is a no-op and the command
 * prints its plain summary lines instead. Updates are throttled: callers may call `update`
 * per batch without paying for a redraw each time.
 */
import React from 'react';
import { Box, Text, render, type Instance } from 'ink';
import type { Output } from '../output.js';

export interface Progress {
  /** `done` in the unit of the bar; `info` is a short trailing text (e.g. the file name). */
  update(done: number, info?: string): void;
  /** Unmount the bar; `summary` is printed as a plain line afterwards. */
  finish(summary?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  unit: 'rows' | 'bytes' | 'files';
}

const NOOP: Progress = { update() {}, finish() {} };
const REDRAW_MS = 80;

export function formatQuantity(n: number, unit: ProgressOptions['unit']): string {
  if (unit !== 'bytes') return n.toLocaleString('en-US');
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface BarProps extends ProgressOptions {
  done: number;
  elapsedMs: number;
  info?: string;
  width?: number;
}

/** The bar itself: label, bar, percentage, counts, rate and ETA. Pure, for tests. */
export function ProgressBar(props: BarProps): React.ReactElement {
  const { label, total, unit, done, elapsedMs, info } = props;
  const width = props.width ?? 30;
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(frac * width);
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? (total - done) / rate : NaN;
  return (
    <Box>
      <Text bold>{label} </Text>
      <Text color="cyan">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
      <Text> {String(Math.floor(frac * 100)).padStart(3)}% </Text>
      <Text>
        {formatQuantity(done, unit)}/{formatQuantity(total, unit)}
      </Text>
      <Text dimColor>
        {' '}
        {formatQuantity(Math.round(rate), unit)}/s ETA {formatDuration(eta)}
      </Text>
      {info ? <Text dimColor> {info}</Text> : null}
    </Box>
  );
}

/** A bar when a person is watching; a no-op otherwise. */
export function createProgress(out: Output, opts: ProgressOptions): Progress {
  if (!out.interactive) return NOOP;
  const started = Date.now();
  let done = 0;
  let info: string | undefined;
  let last = 0;
  const element = () => <ProgressBar {...opts} done={done} info={info} elapsedMs={Date.now() - started} />;
  const instance: Instance = render(element(), {
    stdout: out.stderr as NodeJS.WriteStream,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  return {
    update(n, i) {
      done = n;
      info = i;
      const now = Date.now();
      if (now - last >= REDRAW_MS) {
        last = now;
        instance.rerender(element());
      }
    },
    finish(summary) {
      instance.rerender(element());
      instance.unmount();
      instance.cleanup();
      if (summary) out.info(summary);
    },
  };
}
