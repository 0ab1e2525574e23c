import React from 'react';
import { PassThrough } from 'node:stream';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/output.js';
import { ProgressBar, RateMeter, barFigures, createProgress, formatDuration, formatQuantity } from '../../src/ui/progress.js';

describe('formatting', () => {
  it.each([
    [1234567, 'rows', '1,234,567'],
    [512, 'bytes', '512 B'],
    [5 * 1024 * 1024, 'bytes', '5.0 MiB'],
  ] as const)('%d %s -> %s', (n, unit, expected) => expect(formatQuantity(n, unit)).toBe(expected));
  it.each([
    [5, '5s'],
    [125, '2m05s'],
    [7260, '2h01m'],
    [NaN, '--'],
  ])('%d s -> %s', (s, expected) => expect(formatDuration(s)).toBe(expected));
});

describe('barFigures', () => {
  it('percentage, counts, rate and ETA of a known total', () => {
    const f = barFigures({ label: 'x', total: 1000, unit: 'rows', done: 250, elapsedMs: 5000, rate: 50 });
    expect([f.percent, f.count, f.tail]).toEqual([' 25%', '250/1,000', '50 rows/s ETA 15s']);
  });
  it('no ETA in the first second (early rates are noise)', () => {
    expect(barFigures({ label: 'x', total: 1000, unit: 'rows', done: 10, elapsedMs: 200 }).tail).toContain('ETA --');
  });
  it('an unknown total shows the count and elapsed time, no percentage', () => {
    const f = barFigures({ label: 'x', total: 0, unit: 'files', done: 42, elapsedMs: 3000 });
    expect([f.percent, f.count, f.tail]).toEqual(['', '42 files', '14 files/s 3s']);
  });
  it('never shows more than 100%', () => {
    expect(barFigures({ label: 'x', total: 10, unit: 'rows', done: 12, elapsedMs: 2000 }).percent).toBe('100%');
  });
});

describe('RateMeter', () => {
  it('measures the recent rate, so a stall shows', () => {
    const m = new RateMeter(5000);
    m.add(0, 0);
    m.add(5000, 5000); // 1000/s
    m.add(10000, 5000); // then nothing for 5 s
    expect(m.rate()).toBe(0);
    m.add(11000, 6000);
    expect(m.rate()).toBe(1000 / 6); // window 5 s..11 s
  });
});

describe('ProgressBar', () => {
  it('renders label, bar, counts and info within the given width', () => {
    const { lastFrame } = render(<ProgressBar label="import a.csv" total={100} unit="rows" done={50} elapsedMs={2000} info="batch 7" columns={80} />);
    const f = lastFrame()!;
    expect(f).toContain('import a.csv');
    expect(f).toContain(' 50% 50/100');
    expect(f).toContain('batch 7');
    expect(f).toMatch(/█+░+/);
    expect(f.split('\n').every((l) => l.length <= 80)).toBe(true);
  });
  it('drops the info before it would wrap a narrow terminal', () => {
    const { lastFrame } = render(<ProgressBar label="scan" total={100} unit="files" done={5} elapsedMs={2000} info="/very/long/path/to/a/file.pem" columns={50} />);
    expect(lastFrame()!.split('\n')).toHaveLength(1);
  });
});

describe('createProgress', () => {
  it('is a no-op (writes nothing) when nobody watches: pipe, CI or --json', () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: true });
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    let written = '';
    stderr.on('data', (d) => (written += d));
    stdout.on('data', (d) => (written += d));
    for (const [opts, env] of [
      [{}, { CI: 'true' }],
      [{ json: true }, {}],
    ] as const) {
      const p = createProgress(new Output(opts, { stdout, stderr, env }), { label: 'x', total: 10, unit: 'rows' });
      p.update(5);
      p.finish();
    }
    expect(written).toBe('');
  });
});
