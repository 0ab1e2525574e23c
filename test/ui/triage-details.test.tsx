import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { detailLines, fitLines } from '../../src/ui/triage-details.js';
import { TriageApp } from '../../src/ui/triage-app.js';
import { view } from '../helpers/report-sample.js';

afterEach(() => cleanup());

const LONG =
  'payout po_1Q2w3E4r5T6y7U8i of 12,345.67 EUR arrived as 12,300.00 EUR (difference 45.67 EUR); bank statement line 44 of camt053-2025-03-14.xml; ' +
  'the PSP netted a chargeback of ch_3PqRsTuVwXyZ against the payout, which the ledger books separately on 2025-03-17 END';

/** The reason as the screen shows it: its wrapped lines, label and indentation removed, joined. */
function reasonText(lines: string[]): string {
  const at = lines.findIndex((l) => l.startsWith('reason:'));
  const out: string[] = [];
  for (let i = at; i < lines.length && (i === at || lines[i].startsWith('            ')); i++) out.push(lines[i].slice(12).trim());
  return out.join(' ');
}

describe('details: the reason wraps, never cut', () => {
  it('wraps a long reason under its label, every word of it kept, no line wider than the box', () => {
    const lines = detailLines(view({ reason: LONG }), 56).map((l) => l.text);
    expect(reasonText(lines)).toBe(LONG);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(56);
  });

  it('breaks a word longer than a line (a path, an id) rather than cutting it', () => {
    const path = '/srv/settlements/2025/03/' + 'x'.repeat(90) + '.csv';
    const lines = detailLines(view({ reason: path }), 60).map((l) => l.text);
    expect(reasonText(lines).replace(/ /g, '')).toBe(path);
  });

  it('on a short terminal the lines after the reason give way, and the screen says so', () => {
    const lines = detailLines(view({ reason: LONG }), 56);
    const reason = lines.filter((l) => l.keep).length;
    expect(lines.length).toBeGreaterThan(reason + 2);
    const shown = fitLines(lines, reason + 2);
    expect(shown).toHaveLength(reason + 2);
    expect(reasonText(shown)).toBe(LONG);
    expect(shown.at(-1)).toMatch(/^… \d+ more lines: enlarge the terminal$/);
    // Shorter than the reason itself (a tiny terminal): say that the reason goes on.
    expect(fitLines(lines, 4).at(-1)).toMatch(/the reason goes on: enlarge the terminal/);
  });

  it('in the app, at the smallest size, Enter shows the whole reason', async () => {
    const { lastFrame, stdin } = render(<TriageApp items={[view({ id: 5, reason: LONG })]} onChange={vi.fn()} size={{ columns: 60, rows: 16 }} />);
    stdin.write('\r');
    for (let i = 0; i < 500 && !lastFrame()?.includes('reason:'); i++) await new Promise((r) => setTimeout(r, 10));
    const f = lastFrame()!;
    // Inside the box: strip its border and padding.
    const inner = f.split('\n').map((l) => l.replace(/^│ /, '').replace(/ *│$/, ''));
    expect(reasonText(inner)).toBe(LONG);
  });

  it('a currency mismatch has no difference: the details say n/a and show both amounts', () => {
    const item = view({
      kind: 'currency_mismatch',
      difference: null,
      currency: null,
      psp: { id: 'p-1', amount: '10.00', currency: 'EUR', source: 'stripe', file: 'f', line: 1 },
      ledger: { id: 'L-1', amount: '10.00', currency: 'USD', source: 'ledger', file: 'g', line: 2 },
    });
    const text = detailLines(item, 100).map((l) => l.text);
    expect(text).toContain('difference: (n/a)');
    expect(text.join('\n')).toMatch(/psp: p-1  10\.00 EUR[\s\S]*ledger: L-1  10\.00 USD/);
  });
});
