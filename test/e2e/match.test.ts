/**
 * Manual match and unmatch on the demo month, as a user runs them: an N:M match closes exactly
 * the items it explains, states its difference as one amount_mismatch, and survives the next
 * night's run; unmatch reopens what it closed; refusals are exit 17 and change nothing.
 * Run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');
const PSP_FILES = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];

let tmp: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO, env: { PAYRECON_ACTOR: 'ana' } });
type Item = { id: number; kind: string; status: string; psp: { id: string } | null; ledger: { id: string } | null; difference: string | null };
const all = (): Item[] => parseJson(cli('discrepancies', '--status', 'all', '--json')).discrepancies;
const open = () => all().filter((d) => d.status === 'open' || d.status === 'acknowledged');
/** The open item whose side names this row. */
const itemOf = (row: string) => open().find((d) => d.psp?.id === row || d.ledger?.id === row)!;

const PSP = ['7KM23456CD7890123:T0006', 'txn_3DemoA008']; // 42.00 + 150.00 USD
const LEDGER = ['L-3002', 'L-3003']; // 42.00 + 42.00 USD
let explained: number[];
let diffId: number;

beforeAll(() => {
  tmp = tempDir('payrecon-match-');
  db = join(tmp.dir, 'm.db');
  cli('import', 'psp', ...PSP_FILES);
  cli('import', 'ledger', 'ledger.csv');
  expect(cli('reconcile').code).toBe(15);
  explained = [...PSP, ...LEDGER].map((r) => itemOf(r).id).sort((a, b) => a - b);
});
afterAll(() => tmp.cleanup());

describe('payrecon match / unmatch', () => {
  test('refused with 17, nothing changed: unknown ids, mixed currencies', () => {
    const before = JSON.stringify(all());
    const unknown = cli('match', '--psp', 'txn_nope', '--ledger', 'L-3002', '--note', 'x');
    expect(unknown.code).toBe(17);
    expect(unknown.stderr).toMatch(/no PSP row with id txn_nope; nothing was matched/);
    const mixed = cli('match', '--psp', '7KM23456CD7890123:T0006', '--ledger', 'L-4003', '--note', 'x');
    expect(mixed.code).toBe(17);
    expect(mixed.stderr).toMatch(/mix currencies \(7KM23456CD7890123:T0006 USD, L-4003 GBP\)/);
    const clean = cli('match', '--psp', 'txn_3DemoA001', '--ledger', 'L-3002', '--note', 'x');
    expect(clean.code).toBe(17);
    // Matched by the latest run: a conflict naming the run, when, and the rule.
    expect(clean.stderr).toMatch(/psp txn_3DemoA001 is already matched with L-1001 by reconcile run 1 at \d{4}-[\d:.TZ-]+ \(rule \w+\); nothing was matched/);
    expect(JSON.stringify(all())).toBe(before);
  });

  test('an N:M match closes exactly the items it explains and states its difference once', () => {
    const r = cli('match', '--psp', ...PSP, '--ledger', ...LEDGER, '--note', 'one customer, two orders, booked together', '--json');
    expect(r.code).toBe(0);
    const m = parseJson(r);
    expect(m).toMatchObject({ match: 1, by: 'ana', currency: 'USD', difference: '108.00', closed: explained });
    expect([...m.psp].sort()).toEqual([...PSP].sort());
    expect([...m.ledger].sort()).toEqual([...LEDGER].sort());
    diffId = m.difference_item;
    const items = all();
    for (const id of explained) expect(items.find((d) => d.id === id)!.status).toBe('closed');
    const diff = items.find((d) => d.id === m.difference_item)!;
    expect(diff).toMatchObject({ kind: 'amount_mismatch', status: 'open', difference: '108.00' });
    expect(diff.psp!.id.split('+').sort()).toEqual([...PSP].sort());
    expect(diff.ledger!.id.split('+').sort()).toEqual([...LEDGER].sort());
    // The rows are in a live match now: a second match naming one of them is refused.
    const again = cli('match', '--psp', 'txn_3DemoA008', '--ledger', 'L-4003', '--note', 'x');
    expect(again.code).toBe(17);
    expect(again.stderr).toMatch(/psp txn_3DemoA008 is already in manual match 1 \(by ana at \d{4}-[\d:.TZ-]+\) \(payrecon unmatch 1 first\)/);
  });

  test('the next night honours the match: same difference item, nothing reopened, rows counted as paired', () => {
    const before = all();
    const doc = parseJson(cli('reconcile', '--json'));
    const ids = doc.discrepancies.map((d: Item) => d.id);
    expect(ids).toContain(diffId);
    for (const id of explained) expect(ids).not.toContain(id);
    for (const row of [...PSP, ...LEDGER]) {
      expect(doc.discrepancies.filter((d: Item) => d.kind.startsWith('missing') && (d.psp?.id === row || d.ledger?.id === row))).toEqual([]);
    }
    expect(all().filter((d) => d.status !== 'closed').length).toBe(before.filter((d) => d.status !== 'closed').length);
  });

  test('unmatch reopens what the match closed and closes its difference; audited, the chain verifies', () => {
    expect(cli('unmatch', '9', '--note', 'x').code).toBe(17);
    const r = cli('unmatch', '1', '--note', 'the two orders were separate after all', '--json');
    expect(r.code).toBe(0);
    const u = parseJson(r);
    expect(u.reopened).toEqual(explained);
    expect(u.closed).toHaveLength(1);
    for (const id of explained) expect(all().find((d) => d.id === id)!.status).toBe('open');
    const undone = cli('unmatch', '1', '--note', 'again', '--by', 'bob');
    expect(undone.code).toBe(17); // already undone, by ana: a conflict naming her and when
    expect(undone.stderr).toMatch(/manual match 1 was already undone \(by ana at \d{4}-[\d:.TZ-]+\); nothing was changed/);
    // The next night finds the same causes again: same ids, still open.
    const doc = parseJson(cli('reconcile', '--json'));
    for (const id of explained) expect(doc.discrepancies.map((d: Item) => d.id)).toContain(id);
    const log = JSON.stringify(parseJson(cli('audit', 'log', '--json', '--limit', '500')));
    for (const action of ['match', 'match_close', 'match_difference', 'unmatch', 'unmatch_reopen', 'unmatch_close']) {
      expect(log).toMatch(new RegExp(`"action":\\s*"${action}"`));
    }
    expect(cli('audit', 'verify').code).toBe(0);
  });
});
