import { describe, expect, it } from 'vitest';
import { esc } from '../../src/report/html-escape.js';
import { renderReconcileHtml, renderScanHtml } from '../../src/report/html.js';
import { TABLE_LIMIT, selectTableRows } from '../../src/report/html-table.js';
import { HOSTILE_ATTR, HOSTILE_HTML, SCAN, dataFor, sampleRows, view } from '../helpers/report-sample.js';

describe('HTML reconcile report', () => {
  const page = renderReconcileHtml(dataFor(sampleRows(), [SCAN]));

  it('escapes hostile references, reasons and paths everywhere', () => {
    expect(page).not.toContain(HOSTILE_HTML);
    expect(page).not.toContain(HOSTILE_ATTR);
    expect(page).not.toMatch(/onmouseover="/);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot; onmouseover=&quot;alert(2)');
    // our own sort script is the only script element
    expect(page.match(/<script/g)).toHaveLength(1);
  });

  it('is self-contained: no external URLs, fonts, stylesheets or scripts', () => {
    expect(page).not.toMatch(/\b(src|href)=/i);
    expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(page).not.toMatch(/@import|url\(/);
    expect(page).toContain("default-src 'none'");
  });

  it('shows headline figures, the four charts and printable CSS', () => {
    expect(page).toContain('run 7');
    expect(page).toContain('12345.67'); // matched EUR amount
    for (const id of ['chart-kind', 'chart-source', 'chart-risk', 'chart-age']) expect(page).toContain(`id="${id}"`);
    expect(page).toContain('@media print');
    expect(page).toMatch(/<svg[^>]+viewBox/);
  });

  it('amount at risk is exact per currency (never added across currencies)', () => {
    // EUR: 41 open with difference 0.08 (44 is resolved); USD: missing 12.30; JPY: missing 1000
    expect(page).toContain('0.08 EUR');
    expect(page).toContain('12.30 USD');
    expect(page).toContain('1000 JPY');
  });

  it('groups the table by kind with both sides', () => {
    expect(page).toContain('id="kind-amount_mismatch"');
    expect(page).toContain('id="kind-missing_in_psp"');
    expect(page).toContain('<code>psp-41</code>');
    expect(page).toContain('<code>L-41</code>');
    expect(page).toContain('title="/in/ledger.csv">ledger.csv:88');
  });

  it('includes integrity findings of the latest scans, escaped', () => {
    expect(page).toContain('Integrity findings');
    expect(page).toContain('/etc/keys/&lt;script&gt;');
    expect(renderReconcileHtml(dataFor(sampleRows()))).not.toContain('Integrity findings');
  });

  it('an empty run still renders, saying there is nothing to show', () => {
    const p = renderReconcileHtml(dataFor([]));
    expect(p).toContain('No discrepancies in this run.');
    expect(p).toContain('No open discrepancies.');
  });
});

describe('HTML table past the limit', () => {
  const rows = Array.from({ length: TABLE_LIMIT + 500 }, (_, i) =>
    view({ id: i + 1, severity: i % 7 === 0 ? 'high' : 'low', status: i % 3 === 0 ? 'resolved' : 'open' }),
  );
  const page = renderReconcileHtml(dataFor(rows));

  it('shows at most TABLE_LIMIT rows and says where the full list is', () => {
    expect(page.match(/<tr class="row">/g)).toHaveLength(TABLE_LIMIT);
    expect(page).toContain(`Showing the ${TABLE_LIMIT.toLocaleString('en-US')} most pressing of ${rows.length.toLocaleString('en-US')}`);
    expect(page).toContain('payrecon discrepancies --json');
  });

  it('keeps the most pressing rows: unresolved high severity before resolved ones', () => {
    const shown = selectTableRows(rows);
    const highOpen = rows.filter((r) => r.severity === 'high' && r.status === 'open');
    expect(shown.slice(0, highOpen.length).every((r) => r.severity === 'high' && r.status === 'open')).toBe(true);
    const unresolved = rows.filter((r) => r.status !== 'resolved');
    expect(shown.slice(0, unresolved.length).every((r) => r.status === 'open')).toBe(true);
    expect(shown.slice(unresolved.length).every((r) => r.status === 'resolved')).toBe(true);
  });
});

describe('HTML scan report', () => {
  it('lists findings per baseline', () => {
    const p = renderScanHtml({ scans: [SCAN], generatedAt: '2025-04-01T00:00:00Z' });
    expect(p).toContain('Baseline <code>keys</code>');
    expect(p).not.toContain(HOSTILE_HTML);
  });
});

describe('esc', () => {
  it.each([
    ['<a href="x">', '&lt;a href=&quot;x&quot;&gt;'],
    ["it's & more", 'it&#39;s &amp; more'],
    [null, ''],
    [42, '42'],
  ])('%j', (input, expected) => expect(esc(input)).toBe(expected));
});

describe('HTML cash section', () => {
  const cash = {
    accounts: [{ account: '<b>DE89</b>', currency: 'EUR', statements: 1, credits: 2, credits_amount: '738.28', paired: 1, paired_amount: '238.28', unexplained_amount: '500.00' }],
    payouts: [{ currency: 'USD', payouts: 2, payouts_amount: '1071.78', found: 1, found_amount: '831.60', not_deposited: 1, not_deposited_amount: '240.18', in_transit: 0, in_transit_amount: '0.00' }],
  };

  it('shows accounts and payouts per currency when bank statements were imported, escaped', () => {
    const page = renderReconcileHtml({ ...dataFor(sampleRows()), cash });
    expect(page).toContain('<h2 id="cash">Cash: payouts and bank deposits</h2>');
    expect(page).toContain('&lt;b&gt;DE89&lt;/b&gt;');
    expect(page).not.toContain('<b>DE89</b>');
    expect(page).toMatch(/<td>USD<\/td><td class="num">2 · 1071\.78<\/td><td class="num">1 · 831\.60<\/td><td class="num">1 · 240\.18<\/td>/);
  });

  it('has no cash section without bank statements', () => {
    expect(renderReconcileHtml(dataFor(sampleRows()))).not.toContain('id="cash"');
  });
});
