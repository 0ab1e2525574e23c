/**
 * Proposals as a user meets them on the demo month with the default --auto-confirm: the two
 * amount + date pairings are proposed, not made; both rows stay open with their bits until a
 * person accepts (closed as matched, honoured every later night) or rejects (never proposed
 * again). --dry-run records nothing. Run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');
const PSP_FILES = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];

let tmp: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO, env: { PAYRECON_ACTOR: 'ana' } });
type Side = { id: string; discrepancy: number | null };
type Proposal = { id: number; status: string; rule: string; confidence: number; psp: Side; ledger: Side; match: number | null };
const proposals = (status = 'open'): Proposal[] => parseJson(cli('proposals', '--status', status, '--json')).proposals;
const statusOf = (id: number) => parseJson(cli('discrepancies', '--status', 'all', '--json')).discrepancies.find((d: { id: number }) => d.id === id)?.status;

beforeAll(() => {
  tmp = tempDir('payrecon-proposals-');
  db = join(tmp.dir, 'p.db');
  expect(cli('import', 'psp', ...PSP_FILES).code).toBe(0);
  expect(cli('import', 'ledger', 'ledger.csv').code).toBe(8);
});
afterAll(() => tmp.cleanup());

describe('proposals on the demo month', () => {
  test('--dry-run shows what a run would record and records nothing', () => {
    const r = cli('reconcile', '--dry-run', '--json');
    expect(r.code).toBe(15);
    const doc = parseJson(r);
    expect(doc).toMatchObject({ run: 1, dry_run: true, counts: { matched: 17, discrepancies: 17 } });
    expect(parseJson(cli('discrepancies', '--status', 'all', '--json')).discrepancies).toEqual([]);
    expect(proposals('all')).toEqual([]);
    expect(cli('report', '--out', join(tmp.dir, 'x.json')).code).toBe(16); // no run was recorded
  });

  test('amount + date alone is a proposal: both rows stay open as missing items, with their bits', () => {
    const r = cli('reconcile', '--json');
    expect(r.code).toBe(15);
    const doc = parseJson(r);
    expect(doc.run).toBe(1);
    expect(doc.counts.matched).toBe(17);
    const open = proposals();
    expect(open.map((p) => [p.psp.id, p.ledger.id, p.rule, p.confidence])).toEqual([
      ['ExEU:118:Fee:EUR:1', 'L-2006', 'amount_date', 40],
      ['ExEU:118:MerchantPayout:EUR:1', 'L-2009', 'amount_date', 40],
    ]);
    for (const p of open) {
      const psp = doc.discrepancies.find((d: { id: number }) => d.id === p.psp.discrepancy);
      const led = doc.discrepancies.find((d: { id: number }) => d.id === p.ledger.discrepancy);
      expect(psp).toMatchObject({ kind: 'missing_in_ledger' });
      expect(led).toMatchObject({ kind: 'missing_in_psp' });
      expect(psp.reason).toContain(`proposed counterpart: ledger ${p.ledger.id} (amount + date, confidence 40`);
    }
    const text = cli('proposals');
    expect(text.stdout).toMatch(/^proposal 1: PSP ExEU:118:Fee:EUR:1 -5\.00 EUR 2025-03-06 <-> ledger L-2006 -5\.00 EUR 2025-03-07 · amount_date, confidence 40/m);
    // A re-run keeps the same proposals (same ids) and items.
    cli('reconcile');
    expect(proposals().map((p) => [p.id, p.psp.discrepancy, p.ledger.discrepancy])).toEqual(open.map((p) => [p.id, p.psp.discrepancy, p.ledger.discrepancy]));
  });

  test('bad ids change nothing; rejecting keeps both open and the pair is never proposed again', () => {
    const bad = cli('proposals', '--accept', '1', '99');
    expect(bad.code).toBe(16);
    expect(bad.stderr).toMatch(/no proposal with id 99; nothing was changed/);
    expect(proposals().map((p) => p.id)).toEqual([1, 2]);

    const [fee] = proposals();
    const rej = cli('proposals', '--reject', String(fee.id), '--note', 'the fee was booked against another batch');
    expect(rej.code).toBe(0);
    expect(rej.stdout).toMatch(/proposal 1 rejected by ana/);
    expect(statusOf(fee.psp.discrepancy!)).toBe('open');
    const again = parseJson(cli('reconcile', '--json'));
    expect(proposals().map((p) => p.id)).toEqual([2]);
    expect(proposals('rejected').map((p) => p.id)).toEqual([1]);
    // Still open, still setting bits, no longer naming the rejected counterpart.
    const item = again.discrepancies.find((d: { id: number }) => d.id === fee.psp.discrepancy);
    expect(item.kind).toBe('missing_in_ledger');
    expect(item.reason).not.toContain('proposed counterpart');
    // Already decided (by ana, above): a conflict naming who and when; an unknown id with it is 16 first.
    const decided = cli('proposals', '--reject', '1', '--by', 'bob');
    expect(decided.code).toBe(17);
    expect(decided.stderr).toMatch(/proposal 1 is already rejected \(by ana at \d{4}-[\d:.TZ-]+\); nothing was changed/);
    const both = cli('proposals', '--reject', '1', '99');
    expect(both.code).toBe(16);
    expect(both.stderr).toMatch(/no proposal with id 99; proposal 1 is already rejected \(by ana at /);
  });

  test('accepting closes both items as matched, audited; every later night honours it', () => {
    const [payout] = proposals();
    const r = cli('proposals', '--accept', String(payout.id), '--note', 'checked against the bank statement', '--json');
    expect(r.code).toBe(0);
    const { decisions } = parseJson(r);
    expect(decisions).toEqual([{ id: payout.id, decision: 'accepted', match: 1, closed: [payout.psp.discrepancy, payout.ledger.discrepancy].sort((a, b) => a! - b!) }]);
    expect(statusOf(payout.psp.discrepancy!)).toBe('closed');
    expect(statusOf(payout.ledger.discrepancy!)).toBe('closed');

    const next = parseJson(cli('reconcile', '--json'));
    expect(next.counts.matched).toBe(18); // the accepted pair is now matched
    const ids = next.discrepancies.map((d: { id: number }) => d.id);
    expect(ids).not.toContain(payout.psp.discrepancy);
    expect(ids).not.toContain(payout.ledger.discrepancy);
    expect(proposals('accepted')).toMatchObject([{ id: payout.id, match: 1 }]);
    // bob deciding it after ana: a conflict naming her and when, nothing changed.
    const late = cli('proposals', '--reject', String(payout.id), '--by', 'bob', '--json');
    expect(late.code).toBe(17);
    expect(parseJson(late).error.message).toMatch(new RegExp(`proposal ${payout.id} is already accepted \\(by ana at \\d{4}-[\\d:.TZ-]+\\); nothing was changed`));
    expect(proposals('accepted')).toMatchObject([{ id: payout.id, match: 1 }]);

    const log = parseJson(cli('audit', 'log', '--json', '--limit', '500'));
    const entries = JSON.stringify(log);
    expect(entries).toMatch(/"action":\s*"proposal_accept"/);
    expect(entries).toMatch(/"action":\s*"proposal_reject"/);
    expect(entries).toMatch(new RegExp(`"action":\\s*"match_close",\\s*"subject":\\s*"discrepancy ${payout.psp.discrepancy}"`));
    expect(cli('audit', 'verify').code).toBe(0);
  });

  test('--auto-confirm out of range is a usage error, nothing written', () => {
    const r = cli('reconcile', '--auto-confirm', '101');
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/--auto-confirm is a confidence from 0 to 100/);
    expect(cli('reconcile', '--dry-run', '--report', join(tmp.dir, 'r.html')).code).toBe(16);
  });
});
