/** The payout -> deposit decisions, table by table (pure: no database). */
import { describe, expect, it } from 'vitest';
import { addBusinessDays, matchDeposits, normaliseText, type DepositItem, type PayoutItem } from '../../src/matchers/index.js';

function payout(key: string, amount: bigint, date: string, idents: string[] = [], currency = 'EUR'): PayoutItem {
  return { key: `stripe:${key}`, source: 'stripe', payoutId: key, rows: [], amountMinor: amount, currency, date, idents: idents.map(normaliseText) };
}

let nextId = 1;
function deposit(amount: bigint, date: string, text = '', extra: Partial<DepositItem> = {}): DepositItem {
  const id = nextId++;
  return {
    id,
    key: `acct|${id}`,
    account: 'acct',
    currency: 'EUR',
    amountMinor: amount,
    date,
    text: normaliseText(text),
    chargesMinor: null,
    fx: null,
    side: { id: `E${id}`, amount: String(amount), currency: 'EUR', source: 'bank:acct', file: 'f', line: id },
    ...extra,
  };
}

const covered = new Map([['EUR', '2025-12-31']]);
const run = (ps: PayoutItem[], ds: DepositItem[], windowDays = 5) => matchDeposits(ps, ds, { windowDays, coveredUntil: covered });
const kinds = (r: ReturnType<typeof run>) => r.findings.map((f) => f.kind);

describe('addBusinessDays', () => {
  it.each([
    ['2025-03-07', 1, '2025-03-10'], // Friday + 1 = Monday
    ['2025-03-10', 5, '2025-03-17'],
    ['2025-03-08', 0, '2025-03-08'],
    ['2025-12-31', 2, '2026-01-02'],
  ])('%s + %i business days = %s', (d, n, want) => expect(addBusinessDays(d, n)).toBe(want));
});

describe('matchDeposits', () => {
  it('pairs by payout id in the text even when the amount is elsewhere in the window', () => {
    const r = run([payout('po_1', 10000n, '2025-03-10', ['po_1ABC'])], [deposit(10000n, '2025-03-20', 'STRIPE PO_1 ABC')]);
    expect(r.pairs.map((p) => p.rule)).toEqual(['payout_ref']);
    expect(r.findings).toEqual([]);
  });

  it.each([
    ['on the last business day of the window', '2025-03-17', []],
    ['one business day late', '2025-03-18', ['payout_not_deposited', 'unexplained_deposit']],
    ['before the payout', '2025-03-09', ['payout_not_deposited', 'unexplained_deposit']],
  ])('pairs by exact amount %s', (_name, date, want) => {
    expect(kinds(run([payout('p', 5000n, '2025-03-10')], [deposit(5000n, date as string)]))).toEqual(want);
  });

  it('a different amount in the window is no pair', () => {
    expect(kinds(run([payout('p', 5000n, '2025-03-10')], [deposit(4999n, '2025-03-11')]))).toEqual(['payout_not_deposited', 'unexplained_deposit']);
  });

  it('N:1 by amount: payouts of one provider and day summed into one credit', () => {
    const r = run([payout('a', 100n, '2025-03-10'), payout('b', 250n, '2025-03-10')], [deposit(350n, '2025-03-12')]);
    expect(r.findings).toEqual([]);
    expect(r.pairs[0].payouts.map((p) => p.payoutId)).toEqual(['a', 'b']);
  });

  it('shows bank charges: a credit short by exactly its charges is BANK_FEES', () => {
    const r = run([payout('batch118', 23828n, '2025-03-10', ['BATCH118'])], [deposit(23678n, '2025-03-11', 'BATCH 118', { chargesMinor: 150n })]);
    expect(r.findings[0]).toMatchObject({ kind: 'deposit_mismatch', severity: 'medium', differenceMinor: 150n });
    expect(r.findings[0].reason).toMatch(/^BANK_FEES: .*\(difference 1\.50 EUR\) \(bank charges 1\.50 EUR\)$/);
  });

  it('a credit in another currency is compared through its instructed amount and says FX', () => {
    const fx = { currency: 'EUR', minor: 10000n, rate: '1.0850' };
    const same = run([payout('p', 10000n, '2025-03-10', ['po_12345'])], [deposit(10850n, '2025-03-11', 'po_12345', { currency: 'USD', fx })]);
    expect(same.findings).toEqual([]);
    const off = run([payout('p', 10100n, '2025-03-10', ['po_12345'])], [deposit(10850n, '2025-03-11', 'po_12345', { currency: 'USD', fx })]);
    expect(off.findings[0].reason).toMatch(/^FX: .*difference 1\.00 EUR.*converted from 100\.00 EUR at 1\.0850/);
  });

  it('a bank debit (a payout reversed) is unexplained too, and a payout not yet covered is in transit', () => {
    const r = matchDeposits([payout('p', 100n, '2025-12-30')], [deposit(-100n, '2025-03-01', 'RETURN')], { windowDays: 5, coveredUntil: covered });
    expect(kinds(r)).toEqual(['unexplained_deposit']);
    expect(r.findings[0].reason).toMatch(/^UNEXPLAINED_DEBIT/);
    expect(r.inTransit.map((p) => p.payoutId)).toEqual(['p']);
  });
});
