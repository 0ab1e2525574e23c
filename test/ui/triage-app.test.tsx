import React from 'react';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { DiscrepancyView } from '../../src/domain/discrepancy.js';
import { ConflictError } from '../../src/errors.js';
import { TriageApp } from '../../src/ui/triage-app.js';
import { view } from '../helpers/report-sample.js';
import { press, until } from '../helpers/ink-frames.js';

const KEYS = { up: '\u001B[A', down: '\u001B[B', enter: '\r', esc: '\u001B', backspace: '\u007F' };
const SIZE = { columns: 100, rows: 20 };

function items(): DiscrepancyView[] {
  return [
    view({ id: 41, reference: 'ORD-41', difference: '0.08' }),
    view({ id: 42, kind: 'missing_in_ledger', severity: 'high', reference: 'ORD-42', ledger: null, difference: '-12.30', age_days: 12, currency: 'USD',
      psp: { id: 'ch_42', amount: '-12.30', source: 'stripe', file: '/in/stripe.csv', line: 9 } }),
    view({ id: 43, kind: 'missing_in_psp', reference: 'ORD-43', psp: null, difference: '-1000', currency: 'JPY', status: 'acknowledged',
      ledger: { id: 'L-43', amount: '1000', source: 'ledger', file: '/in/ledger.csv', line: 5 } }),
  ];
}

function selectedLine(frame: string): string {
  return frame.split('\n').find((l) => l.startsWith('›')) ?? '';
}

afterEach(() => cleanup());

describe('TriageApp', () => {
  it('lists open and acknowledged discrepancies with kind, reference, difference and age', () => {
    const { lastFrame } = render(<TriageApp items={items()} onChange={vi.fn()} size={SIZE} />);
    const f = lastFrame()!;
    expect(f).toContain('2 open · 1 acknowledged');
    expect(f).toMatch(/41\s+amount_mismatch\s+ORD-41\s+0\.08 EUR\s+0d/);
    expect(f).toMatch(/42\s+missing_in_ledger\s+ORD-42\s+-12\.30 USD\s+12d/);
    expect(f).toMatch(/43\s+missing_in_psp\s+ORD-43\s+-1000 JPY\s+0d\s+ack/);
    expect(selectedLine(f)).toContain('ORD-41');
  });

  it('moves with j/k and the arrow keys', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={vi.fn()} size={SIZE} />);
    await press(stdin, 'j');
    await until(lastFrame, (f) => selectedLine(f).includes('ORD-42'));
    await press(stdin, KEYS.down);
    await until(lastFrame, (f) => selectedLine(f).includes('ORD-43'));
    await press(stdin, KEYS.down); // stays on the last item
    await press(stdin, 'k', KEYS.up);
    await until(lastFrame, (f) => selectedLine(f).includes('ORD-41'));
  });

  it('Enter shows details with both sides; Esc goes back', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={vi.fn()} size={SIZE} />);
    await press(stdin, 'j', KEYS.enter);
    const f = await until(lastFrame, (x) => x.includes('reason:'));
    expect(f).toContain('#42  missing_in_ledger  severity high');
    expect(f).toContain('psp: ch_42  -12.30 USD  source stripe');
    expect(f).toContain('/in/stripe.csv:9');
    expect(f).toContain('ledger: (none)');
    await press(stdin, KEYS.esc);
    await until(lastFrame, (x) => !x.includes('reason:') && x.includes('ORD-43'));
  });

  it('resolves an item through keys: r, a note, Enter', async () => {
    const onChange = vi.fn((ids: number[], status: string, note: string) =>
      ids.map((id) => ({ ...items().find((i) => i.id === id)!, status: status as 'resolved', note })),
    );
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={onChange} size={SIZE} />);
    await press(stdin, 'j', 'r');
    await until(lastFrame, (f) => f.includes('Resolve #42 note'));
    await press(stdin, 'booked ', 'lateX', KEYS.backspace, KEYS.enter);
    const f = await until(lastFrame, (x) => x.includes('resolved #42'));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith([42], 'resolved', 'booked late');
    expect(f).not.toContain('ORD-42');
    expect(f).toContain('1 open · 1 acknowledged');
  });

  it('Esc cancels the note prompt and nothing is written', async () => {
    const onChange = vi.fn();
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={onChange} size={SIZE} />);
    await press(stdin, 'r', 'oops', KEYS.esc);
    await until(lastFrame, (f) => f.includes('cancelled'));
    expect(onChange).not.toHaveBeenCalled();
    expect(lastFrame()).toContain('ORD-41');
  });

  it('refuses to resolve without a note', async () => {
    const onChange = vi.fn();
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={onChange} size={SIZE} />);
    await press(stdin, 'r', KEYS.enter);
    await until(lastFrame, (f) => f.includes('a note is required'));
    expect(onChange).not.toHaveBeenCalled();
  });

  it('acknowledges with a; the item stays, marked ack', async () => {
    const onChange = vi.fn((ids: number[], status: string, note: string) =>
      ids.map((id) => ({ ...items().find((i) => i.id === id)!, status: status as 'acknowledged', note })),
    );
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={onChange} size={SIZE} />);
    await press(stdin, 'a', KEYS.enter);
    const f = await until(lastFrame, (x) => x.includes('acknowledged #41'));
    expect(onChange).toHaveBeenCalledWith([41], 'acknowledged', 'acknowledged in payrecon tui');
    expect(f).toMatch(/41\s+amount_mismatch\s+ORD-41.*ack/);
    expect(f).toContain('1 open · 2 acknowledged');
  });

  it('/ filters as you type; Esc clears', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={vi.fn()} size={SIZE} />);
    await press(stdin, '/', 'stripe');
    let f = await until(lastFrame, (x) => x.includes('1 shown'));
    expect(f).toContain('ORD-42');
    expect(f).not.toContain('ORD-41');
    await press(stdin, KEYS.enter, KEYS.esc);
    f = await until(lastFrame, (x) => x.includes('ORD-41'));
    expect(f).toContain('ORD-43');
  });

  it('shows the failure when saving fails, and keeps the item', async () => {
    const onChange = vi.fn(() => Promise.reject(new Error('database is locked')));
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={onChange} size={SIZE} />);
    await press(stdin, 'r', 'x', KEYS.enter);
    const f = await until(lastFrame, (x) => x.includes('could not save: database is locked'));
    expect(f).toContain('ORD-41');
  });

  it('shows a conflict (someone resolved it first) naming who, and keeps the item', async () => {
    const conflict = new ConflictError('discrepancy 41 is already resolved (by bob at 2026-03-04T10:00:00.000Z); nothing was changed');
    const onChange = vi.fn(() => Promise.reject(conflict));
    const { lastFrame, stdin } = render(<TriageApp items={items()} onChange={onChange} size={{ columns: 160, rows: 20 }} />);
    await press(stdin, 'r', 'x', KEYS.enter);
    const f = await until(lastFrame, (x) => x.includes('could not save: discrepancy 41 is already resolved (by bob at 2026-03-04T10:00:00.000Z)'));
    expect(f).toContain('ORD-41');
  });

  it('says so when the terminal is too small instead of drawing a garbled screen', () => {
    const { lastFrame } = render(<TriageApp items={items()} onChange={vi.fn()} size={{ columns: 40, rows: 8 }} />);
    expect(lastFrame()).toContain('Terminal too small (40x8)');
    expect(lastFrame()).not.toContain('ORD-41');
  });

  it('shows control characters in references instead of sending them to the terminal', () => {
    const hostile = [view({ id: 7, reference: 'ORD\u001b[2J\u001b]0;pwned\u0007' })];
    const { lastFrame } = render(<TriageApp items={hostile} onChange={vi.fn()} size={SIZE} />);
    expect(lastFrame()).toContain('ORD\\x1b[2J');
    expect(lastFrame()).not.toContain('\u001b]0;');
  });

  it('says when there is nothing to triage', () => {
    const { lastFrame } = render(<TriageApp items={[]} onChange={vi.fn()} size={SIZE} />);
    expect(lastFrame()).toContain('no open discrepancies');
  });
});

describe('TriageApp with the bank leg', () => {
  it('lists a payout/deposit kind in full and shows its bank entry in the details', async () => {
    const bank = { id: 'BR-15', amount: '500.00', currency: 'EUR', source: 'bank:DE89370400440532013000', file: 'eur.xml', line: 22, booked_at: '2025-03-14' };
    const item = view({ id: 15, kind: 'unexplained_deposit', reference: 'BR-15', psp: null, ledger: null, difference: '-500.00', currency: 'EUR', bank });
    const { lastFrame, stdin } = render(<TriageApp items={[item]} onChange={vi.fn()} size={SIZE} />);
    expect(selectedLine(lastFrame()!)).toContain('unexplained_deposit');
    await press(stdin, KEYS.enter);
    const f = await until(lastFrame, (x) => x.includes('bank: BR-15'));
    expect(f).toContain('bank: BR-15  500.00 EUR  source bank:DE89370400440532013000  booked 2025-03-14');
    expect(f).toContain('eur.xml:22');
  });
});
