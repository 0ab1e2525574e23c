/** Reports total the written-off amounts per reason and currency, in every format, streamed or not. */
import { describe, expect, it } from 'vitest';
import { REPORTERS } from '../../src/report/index.js';
import { streamDataOf } from '../../src/report/stream.js';
import { dataFor, sampleRows, view } from '../helpers/report-sample.js';

const rows = [
  ...sampleRows(),
  view({ id: 46, status: 'written_off', reason_code: 'fx_rounding', note: 'rounding', difference: '0.02', currency: 'EUR' }),
];
const writtenOff = [
  { reason: 'fx_rounding', currency: 'EUR', count: 3, amount: '0.05' },
  { reason: 'fx_rounding', currency: 'JPY', count: 1, amount: '-2' },
  { reason: 'test_transaction', currency: 'USD', count: 2, amount: '19.98' },
];
const data = { ...dataFor(rows), writtenOff };
const by = (name: string) => REPORTERS.find((r) => r.name === name)!;

describe('written off per reason and currency', () => {
  it('HTML: a table of reason, currency, items and amount', () => {
    const page = by('HTML').renderReconcile(data);
    expect(page).toMatch(/<h3 id="written-off">Written off per reason<\/h3>/);
    expect(page).toMatch(/<tr><td>fx_rounding<\/td><td>JPY<\/td><td class="num">1<\/td><td class="num">-2<\/td><\/tr>/);
    expect(by('HTML').renderReconcile(dataFor(rows))).not.toContain('Written off per reason');
  });

  it('CSV: each item carries its reason code; the totals follow as a second table', () => {
    const text = by('CSV').renderReconcile(data);
    const [items, totals] = text.split('\r\n\r\n');
    expect(items.split('\r\n')[0]).toMatch(/,reason_code,assignee,bank_id,/);
    expect(items).toMatch(/^46,.*,fx_rounding,(,*)$/m);
    expect(totals).toBe('written_off_reason,currency,items,amount\r\nfx_rounding,EUR,3,0.05\r\nfx_rounding,JPY,1,-2\r\ntest_transaction,USD,2,19.98\r\n');
  });

  it('JSON: the run document plus "written_off"; without write-offs exactly the document', () => {
    const doc = JSON.parse(by('JSON').renderReconcile(data));
    expect(doc.written_off).toEqual(writtenOff);
    expect(JSON.parse(by('JSON').renderReconcile(dataFor(rows)))).not.toHaveProperty('written_off');
  });

  for (const reporter of REPORTERS) {
    it(`${reporter.name}: streamed text equals the rendered text with write-offs`, () => {
      const pieces: string[] = [];
      reporter.streamReconcile(streamDataOf(data), (t) => pieces.push(t));
      expect(pieces.join('')).toBe(reporter.renderReconcile(data));
    });
  }
});
