/** The triage screen with many items: one screen of rows, sorting, multi-select, the key help. */
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DiscrepancyView } from '../../src/domain/discrepancy.js';
import { TriageApp } from '../../src/ui/triage-app.js';
import { TRIAGE_KEYS } from '../../src/ui/triage-help.js';
import { view } from '../helpers/report-sample.js';
import { press, until } from '../helpers/ink-frames.js';

afterEach(() => cleanup());

const SIZE = { columns: 120, rows: 24 };
const many = (n: number): DiscrepancyView[] =>
  Array.from({ length: n }, (_, i) => view({ id: i + 1, reference: `ORD-${i + 1}`, difference: `${(i * 37) % 500}.${String(i % 100).padStart(2, '0')}`, age_days: i % 40 }));

const rows = (f: string) => f.split('\n').filter((l) => /^[› ][* ]\s*\d+ /.test(l));
const cursorRow = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('TriageApp with 500 items', () => {
  it('draws one screen of rows, not 500, and the frame fits the terminal', () => {
    const { lastFrame } = render(<TriageApp items={many(500)} onChange={vi.fn()} size={SIZE} />);
    const f = lastFrame()!;
    expect(f).toContain('[1/500]');
    expect(f.split('\n').length).toBeLessThanOrEqual(SIZE.rows);
    expect(rows(f)).toHaveLength(SIZE.rows - 5);
    expect(f).not.toContain('ORD-500');
  });

  it('scrolls with the cursor: G shows the last item, PgUp a page before it', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={many(500)} onChange={vi.fn()} size={SIZE} />);
    await press(stdin, 'G');
    let f = await until(lastFrame, (x) => x.includes('[500/500]'));
    expect(cursorRow(f)).toMatch(/^›\s+500 amount_mismatch\s+ORD-500 /);
    expect(f).not.toMatch(/ ORD-1 /);
    expect(f.split('\n').length).toBeLessThanOrEqual(SIZE.rows);
    await press(stdin, '\u001B[5~'); // PgUp
    f = await until(lastFrame, (x) => x.includes(`[${500 - (SIZE.rows - 5)}/500]`));
    expect(rows(f)).toHaveLength(SIZE.rows - 5);
  });

  it('s sorts by the next column, the header marks it; the cursor keeps its item', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={many(500)} onChange={vi.fn()} size={SIZE} />);
    expect(lastFrame()).toMatch(/ID↑ KIND/);
    await press(stdin, 's', 's', 's'); // kind, reference, difference (largest first)
    const f = await until(lastFrame, (x) => x.includes('sort: difference ↓'));
    expect(f).toMatch(/DIFFERENCE↓/);
    expect(cursorRow(f)).toMatch(/ORD-1 /); // still on the item it was on
    const diffs = rows(f).map((l) => /(\d+\.\d\d) EUR/.exec(l)![1]);
    expect(diffs.length).toBeGreaterThan(3);
    await press(stdin, 'g');
    const top = await until(lastFrame, (x) => x.includes('[1/500]'));
    expect(cursorRow(top)).toMatch(/499\.\d\d EUR/);
  });

  it('space selects three; r asks once for a note and resolves exactly those three', async () => {
    const onChange = vi.fn((ids: number[], status: string, note: string) => ids.map((id) => ({ ...view({ id }), status: status as 'resolved', note })));
    const { lastFrame, stdin } = render(<TriageApp items={many(500)} onChange={onChange} size={SIZE} />);
    await press(stdin, 'j', ' ');
    await until(lastFrame, (f) => f.includes('1 selected'));
    await press(stdin, 'j', ' ', ' ');
    await until(lastFrame, (f) => f.includes('3 selected'));
    await press(stdin, 'r');
    await until(lastFrame, (f) => f.includes('Resolve 3 selected (#2 #4 #5) note'));
    await press(stdin, 'duplicate bookings', '\r');
    const f = await until(lastFrame, (x) => x.includes('resolved #2, #4, #5'));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith([2, 4, 5], 'resolved', 'duplicate bookings');
    expect(f).toContain('497 open');
    expect(f).not.toContain('selected');
  });

  it('a currency mismatch shows no difference in the list', () => {
    const items = [
      view({ id: 1, kind: 'currency_mismatch', reference: 'ORD-CUR', difference: null, currency: null, psp: { id: 'p', amount: '10.00', currency: 'EUR', source: 's', file: 'f', line: 1 } }),
    ];
    const { lastFrame } = render(<TriageApp items={items} onChange={vi.fn()} size={SIZE} />);
    const row = cursorRow(lastFrame()!);
    expect(row).toMatch(/currency_mismatch\s+ORD-CUR\s+0d open/);
    expect(row).not.toContain('10.00');
  });

  it('? lists every key; any key goes back', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={many(5)} onChange={vi.fn()} size={{ columns: 120, rows: 30 }} />);
    await press(stdin, '?');
    const f = await until(lastFrame, (x) => x.includes('Keys'));
    for (const [keys, what] of TRIAGE_KEYS) expect(f).toContain(`${keys}`.padEnd(15) + what);
    await press(stdin, 'x');
    await until(lastFrame, (x) => x.includes('ORD-1') && !x.includes('Keys'));
  });
});
