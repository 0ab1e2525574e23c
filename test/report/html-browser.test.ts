/**
 * The HTML report in a real headless browser (Debian's chromium driven by playwright-core):
 * it renders, its charts have a size, hostile references do not run, sorting works and it
 * makes no network request. A screenshot goes to test-output/.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscrepancyKind } from '../../src/domain/discrepancy.js';
import { renderReconcileHtml } from '../../src/report/html.js';
import { ROOT } from '../helpers/cli.js';
import { SCAN, dataFor, sampleRows, view } from '../helpers/report-sample.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(ROOT, 'test-output');
const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

if (!existsSync(CHROMIUM)) {
  console.warn(`skipping the browser test: ${CHROMIUM} not found. Install it with: sudo apt-get install -y chromium`);
}

function manyRows() {
  const kinds: DiscrepancyKind[] = ['missing_in_ledger', 'missing_in_psp', 'amount_mismatch', 'fee_mismatch', 'duplicate'];
  const sources = ['stripe', 'adyen', 'paypal'];
  return Array.from({ length: 2600 }, (_, i) =>
    view({
      id: 1000 + i,
      kind: kinds[i % kinds.length],
      severity: i % 5 === 0 ? 'high' : 'medium',
      reference: i === 3 ? XSS : `ORD-${1000 + i}`,
      age_days: (i * 7) % 120,
      difference: `${(i % 90) + 1}.${String(i % 100).padStart(2, '0')}`,
      currency: i % 4 === 0 ? 'USD' : 'EUR',
      status: i % 9 === 0 ? 'resolved' : 'open',
      psp: { id: `p-${i}`, amount: '10.00', source: sources[i % 3], file: '/in/psp.csv', line: i + 2 },
    }),
  );
}

describe.skipIf(!existsSync(CHROMIUM))('HTML report in chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'report.html');
    writeFileSync(file, renderReconcileHtml(dataFor([...sampleRows(), ...manyRows()], [SCAN])));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the headline and the table', async () => {
    expect(await page.title()).toContain('run 7');
    expect(await page.locator('.card').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#discrepancies tr.row').count()).toBe(2000);
    expect(errors).toEqual([]);
  });

  it('every chart has a non-zero size and visible marks', async () => {
    for (const id of ['chart-kind', 'chart-source', 'chart-risk', 'chart-age']) {
      const box = await page.locator(`#${id} svg`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, id).toBeGreaterThan(100);
      expect(box!.height, id).toBeGreaterThan(50);
      const mark = await page.locator(`#${id} rect`).first().boundingBox();
      expect(mark!.width * mark!.height, id).toBeGreaterThan(0);
    }
  });

  it('hostile references are shown as text and never run', async () => {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.getByText('window.__pwned=2', { exact: false }).count()).resolves.toBeGreaterThan(0);
  });

  it('makes no request beyond the file itself', () => {
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  });

  it('sorts a group by a column when its header is clicked', async () => {
    const ages = () => page.locator('#kind-amount_mismatch tr.row td:nth-child(4)').allTextContents();
    await page.locator('th', { hasText: 'Age (d)' }).click();
    const asc = (await ages()).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.locator('th', { hasText: 'Age (d)' }).click();
    const desc = (await ages()).map(Number);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
  });

  it('prints without the screen-only hints', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.noprint').first().isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
  });

  it('writes a screenshot to test-output/', async () => {
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: false });
    expect(existsSync(join(OUT, 'report.png'))).toBe(true);
  });
});
