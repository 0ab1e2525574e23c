/**
 * Exception work as a team does it on the demo month: write-offs against reason codes (and the
 * HTML report totalling them, checked in chromium), bulk resolve by filters changing exactly
 * the filtered items, owners and queues, and the spreadsheet round trip: a CSV exported,
 * re-saved the way Excel does in a `;` locale (BOM, CRLF, quoted numbers), edited by a script
 * and applied, with a row changed meanwhile refused. Run `npm run build` first.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');
const PSP_FILES = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];
const CHROMIUM = '/usr/bin/chromium';

let tmp: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO, env: { PAYRECON_ACTOR: 'ana' } });
type Item = { id: number; kind: string; status: string; currency: string | null; difference: string | null; reason_code: string | null; assignee: string | null; version: number; note: string | null };
const list = (...filters: string[]): Item[] => parseJson(cli('discrepancies', '--json', ...filters)).discrepancies;
const byId = (id: number) => list('--status', 'all').find((d) => d.id === id)!;

beforeAll(() => {
  tmp = tempDir('payrecon-triage-');
  db = join(tmp.dir, 't.db');
  cli('import', 'psp', ...PSP_FILES);
  cli('import', 'ledger', 'ledger.csv');
  expect(cli('reconcile').code).toBe(15);
});
afterAll(() => tmp.cleanup());

describe('write-offs with reason codes', () => {
  test('reason codes: defaults, add (audited), refusals', () => {
    const codes = parseJson(cli('reasons', '--json')).reasons.map((r: { code: string }) => r.code);
    expect(codes).toEqual(['bank_charge', 'duplicate_refund', 'fx_rounding', 'psp_fee_adjustment', 'test_transaction']);
    expect(cli('reasons', 'add', 'payout_rounding', 'payout', 'rounded', 'by', 'the', 'PSP').code).toBe(0);
    expect(cli('reasons', 'add', 'payout_rounding', 'again').code).toBe(16);
    expect(cli('reasons', 'add', 'Bad-Code', 'x').code).toBe(16);
  });

  test('a write-off needs a known reason; --max-amount guards it; the item stops setting bits', () => {
    const mismatch = list('--kind', 'amount_mismatch')[0]; // 0.90 USD
    expect(cli('resolve', String(mismatch.id), '--status', 'written_off', '--note', 'x').code).toBe(16);
    const unknown = cli('resolve', String(mismatch.id), '--status', 'written_off', '--reason', 'nope', '--note', 'x');
    expect(unknown.code).toBe(16);
    expect(unknown.stderr).toMatch(/unknown reason code "nope"/);
    const guard = cli('resolve', String(mismatch.id), '--status', 'written_off', '--reason', 'fx_rounding', '--note', 'x', '--max-amount', '0.50');
    expect(guard.code).toBe(16);
    expect(guard.stderr).toMatch(/differs by 0.90 USD, more than --max-amount; nothing was changed/);
    const ok = cli('resolve', String(mismatch.id), '--status', 'written_off', '--reason', 'fx_rounding', '--note', 'rounding at the PSP', '--max-amount', '1');
    expect(ok.code).toBe(0);
    expect(byId(mismatch.id)).toMatchObject({ status: 'written_off', reason_code: 'fx_rounding', note: 'rounding at the PSP' });
    const doc = parseJson(cli('reconcile', '--json'));
    expect(doc.discrepancies.map((d: Item) => d.id)).not.toContain(mismatch.id);
    expect(byId(mismatch.id).status).toBe('written_off'); // found again, stays written off
  });

  test.skipIf(!existsSync(CHROMIUM))('the HTML report shows the write-off under its reason, in chromium', async () => {
    const out = join(tmp.dir, 'report.html');
    expect(cli('report', '--out', out).code).toBe(0);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(out).href);
      const cells = await page.locator('table.written-off tbody tr').first().locator('td').allTextContents();
      expect(cells).toEqual(['fx_rounding', 'USD', '1', '0.90']);
      expect(await page.locator('#written-off').isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  });

  test('CSV and JSON reports total it too', () => {
    const csv = join(tmp.dir, 'r.csv');
    cli('report', '--out', csv);
    expect(readFileSync(csv, 'utf8')).toContain('\r\n\r\nwritten_off_reason,currency,items,amount\r\nfx_rounding,USD,1,0.90\r\n');
    const json = join(tmp.dir, 'r.json');
    cli('report', '--out', json);
    expect(JSON.parse(readFileSync(json, 'utf8')).written_off).toEqual([{ reason: 'fx_rounding', currency: 'USD', count: 1, amount: '0.90' }]);
  });
});

describe('bulk triage with filters', () => {
  test('a bulk change says how many items and needs --yes; --dry-run lists them and changes nothing', () => {
    const before = JSON.stringify(list('--status', 'all'));
    const r = cli('resolve', '--kind', 'missing_in_psp', '--currency', 'USD', '--status', 'acknowledged', '--note', 'asked the shop');
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/2 discrepancies would be acknowledged; nothing was changed/);
    const dry = cli('resolve', '--kind', 'missing_in_psp', '--currency', 'USD', '--status', 'acknowledged', '--note', 'asked the shop', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dry run: 2 discrepancies would be acknowledged/);
    expect(JSON.stringify(list('--status', 'all'))).toBe(before);
  });

  test('--yes changes exactly the filtered items, one audit entry each', () => {
    const target = list('--kind', 'missing_in_psp', '--currency', 'USD').map((d) => d.id);
    const others = list('--status', 'live').filter((d) => !target.includes(d.id));
    expect(target).toHaveLength(2);
    const r = cli('resolve', '--kind', 'missing_in_psp', '--currency', 'USD', '--status', 'acknowledged', '--note', 'asked the shop', '--yes', '--json');
    expect(r.code).toBe(0);
    expect(parseJson(r).count).toBe(2);
    for (const id of target) expect(byId(id).status).toBe('acknowledged');
    for (const o of others) expect(byId(o.id).status).toBe(o.status);
    const log = JSON.stringify(parseJson(cli('audit', 'log', '--json', '--limit', '500')));
    for (const id of target) expect(log).toMatch(new RegExp(`"action":\\s*"acknowledge",\\s*"subject":\\s*"discrepancy ${id}"`));
  });

  test('--assign sets an owner; discrepancies --assignee lists their queue; --reference and --max-amount filter', () => {
    const refs = list('--status', 'live', '--reference', 'ORD-10*').map((d) => d.id);
    expect(refs.length).toBeGreaterThan(0);
    expect(cli('resolve', '--reference', 'ORD-10*', '--assign', 'bob', '--yes').code).toBe(0);
    expect(list('--status', 'live', '--assignee', 'bob').map((d) => d.id)).toEqual(refs);
    for (const d of list('--status', 'live', '--max-amount', '1')) expect(Math.abs(Number(d.difference))).toBeLessThanOrEqual(1);
    expect(cli('discrepancies', '--older-than', 'x').code).toBe(16);
    expect(cli('resolve', '1', '--kind', 'duplicate', '--note', 'x').code).toBe(16); // ids or filters, not both
  });
});

describe('spreadsheet round trip', () => {
  function parseLine(line: string): string[] {
    const out: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ',') out.push(cur), (cur = '');
      else cur += ch;
    }
    return [...out, cur];
  }

  test('exported, re-saved by a spreadsheet, edited, applied; a row changed meanwhile is refused, the rest only with --partial', () => {
    const file = join(tmp.dir, 'open.csv');
    expect(cli('discrepancies', '--out', file).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFFid,version,kind,')).toBe(true);
    const [header, ...rows] = text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map(parseLine);
    const col = (n: string) => header.indexOf(n);
    const [a, b, c] = rows;
    // Script edits, the way a person would in the sheet.
    a[col('status')] = 'written_off';
    a[col('reason')] = 'test_transaction';
    a[col('note')] = 'test order, "never shipped"; ignore';
    b[col('assignee')] = 'carol';
    c[col('status')] = 'resolved';
    c[col('note')] = 'booked in April';
    // Saved the way Excel does in a locale with a decimal comma: a BOM, `;`, CRLF, every cell
    // quoted (numbers too).
    const cell = (x: string) => `"${x.replaceAll('"', '""')}"`;
    writeFileSync(file, '\uFEFF' + [header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n') + '\r\n');
    // Meanwhile someone changes c's item.
    const cId = Number(c[col('id')]);
    expect(cli('resolve', String(cId), '--assign', 'dave', '--by', 'eve').code).toBe(0);

    const refused = cli('resolve', '--from-file', file);
    // Someone changed it since the export: a conflict (17) naming who (the assign's actor) and when.
    expect(refused.code).toBe(17);
    const v = Number(c[col('version')]);
    expect(refused.stderr).toMatch(new RegExp(`discrepancy ${cId} \\(line \\d+: exported at version ${v}, now ${v + 1}; changed by eve at \\d{4}-[\\d:.TZ-]+\\); nothing was changed`));
    expect(byId(Number(a[col('id')])).status).toBe('open');

    const r = cli('resolve', '--from-file', file, '--partial', '--json');
    expect(r.code).toBe(0);
    const res = parseJson(r);
    expect(res.applied.map((x: { id: number }) => x.id).sort()).toEqual([Number(a[col('id')]), Number(b[col('id')])].sort());
    expect(res.stale).toEqual([expect.objectContaining({ id: cId, exported: v, now: v + 1, changed_by: 'eve', changed_at: expect.stringMatching(/^\d{4}-/) })]);
    expect(byId(Number(a[col('id')]))).toMatchObject({ status: 'written_off', reason_code: 'test_transaction', note: 'test order, "never shipped"; ignore' });
    expect(byId(Number(b[col('id')]))).toMatchObject({ assignee: 'carol', status: 'open' });
    expect(byId(cId)).toMatchObject({ status: 'open', assignee: 'dave' });
    // Applying the same file again changes nothing: its rows are now stale or already true.
    const again = parseJson(cli('resolve', '--from-file', file, '--partial', '--json'));
    expect(again.applied).toEqual([]);
  });

  test('bad statuses and reason codes are refused naming file, line and column; nothing changes', () => {
    const file = join(tmp.dir, 'bad.csv');
    cli('discrepancies', '--out', file);
    const [header, ...rows] = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map(parseLine);
    rows[0][header.indexOf('status')] = 'done';
    rows[1][header.indexOf('status')] = 'written_off';
    rows[1][header.indexOf('reason')] = 'no_such_code';
    rows[1][header.indexOf('note')] = 'x';
    // LibreOffice's default: `,`, LF line ends, no BOM, only what needs quoting quoted.
    const cell = (x: string) => (/[",\n]/.test(x) ? `"${x.replaceAll('"', '""')}"` : x);
    writeFileSync(file, [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n');
    const before = JSON.stringify(list('--status', 'all'));
    const r = cli('resolve', '--from-file', file);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/bad\.csv:2 \(column status\): expected one of open, acknowledged, resolved, written_off, closed, got "done"/);
    expect(r.stderr).toMatch(/bad\.csv:3 \(column reason\): unknown reason code "no_such_code"/);
    expect(JSON.stringify(list('--status', 'all'))).toBe(before);
    expect(cli('audit', 'verify').code).toBe(0);
  });
});
