/**
 * Reading bank statements for reconciliation: the entries payout -> deposit matching looks at,
 * how far the statements reach per currency, the pairs a run made, and the cash figures of a
 * report. Writing statements is src/db/bank.ts.
 */
import type { DB } from './open.js';

/** A bank entry of an active statement, as payout -> deposit matching reads it. */
export interface DepositRecord {
  id: number;
  account: string;
  currency: string;
  amount_minor: bigint;
  date: string;
  bank_reference: string | null;
  customer_reference: string | null;
  end_to_end_id: string | null;
  remittance: string | null;
  details: string | null;
  charges_minor: bigint | null;
  fx_currency: string | null;
  fx_minor: bigint | null;
  fx_rate: string | null;
  line: number;
  file_name: string;
  statement_id: string;
}

/** Entries of active statements booked in [from, to] (either bound open). */
export function activeDeposits(db: DB, from: string | null, to: string | null): DepositRecord[] {
  return db
    .prepare(
      `SELECT e.id, e.account, e.currency, e.amount_minor, coalesce(e.booking_date, e.value_date, s.closing_date, '') AS date,
         e.bank_reference, e.customer_reference, e.end_to_end_id, e.remittance, e.details, e.charges_minor, e.fx_currency,
         e.fx_minor, e.fx_rate, e.line, i.file_name, s.statement_id
       FROM bank_entries e JOIN bank_statements s ON s.id = e.statement_row JOIN bank_imports i ON i.id = s.import_id
       WHERE s.status = 'active' AND e.amount_minor <> 0
         AND (CAST(@from AS TEXT) IS NULL OR coalesce(e.booking_date, e.value_date) >= @from)
         AND (CAST(@to AS TEXT) IS NULL OR coalesce(e.booking_date, e.value_date) <= @to)
       ORDER BY e.id`,
    )
    .safeIntegers(true)
    .all({ from, to })
    .map((r) => ({ ...(r as DepositRecord), id: Number((r as DepositRecord).id), line: Number((r as DepositRecord).line) })) as DepositRecord[];
}

/** Per currency, the last day the active statements cover (closing date, else last booking). */
export function bankCoverage(db: DB): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT currency, max(d) AS until FROM (
         SELECT currency, closing_date AS d FROM bank_statements WHERE status = 'active' AND closing_date IS NOT NULL
         UNION ALL
         SELECT s.currency, max(coalesce(e.booking_date, e.value_date)) FROM bank_entries e JOIN bank_statements s ON s.id = e.statement_row
         WHERE s.status = 'active' GROUP BY s.currency) AS covered
       GROUP BY currency`,
    )
    .all() as Array<{ currency: string; until: string | null }>;
  return new Map(rows.filter((r) => r.until).map((r) => [r.currency, r.until!]));
}

/** The payout -> deposit pairs of the latest run (replaced by every run, like recon_matches). */
export function storeDepositMatches(db: DB, runId: number, pairs: Array<{ rule: string; payoutRows: number[]; entries: number[] }>): void {
  db.prepare('DELETE FROM recon_deposit_matches').run();
  const ins = db.prepare('INSERT INTO recon_deposit_matches (run_id, group_no, psp_tx_id, bank_entry_id, rule) VALUES (?, ?, ?, ?, ?)');
  pairs.forEach((p, g) => {
    for (const tx of p.payoutRows) for (const e of p.entries) ins.run(runId, g + 1, tx, e, p.rule);
  });
}

/** The cash section of a report: per bank account, and per payout currency. Amounts in minor units. */
export interface CashSummary {
  accounts: Array<{ account: string; currency: string; statements: number; credits: number; credits_minor: bigint; paired: number; paired_minor: bigint }>;
  payouts: Array<{ currency: string; payouts: number; payouts_minor: bigint; found: number; found_minor: bigint; not_deposited: number; not_deposited_minor: bigint }>;
}

/**
 * What the latest run's payout -> deposit step found (recon_deposit_matches) against what the
 * store holds: credits of active statements, PSP payout rows, open payout_not_deposited items.
 */
export function cashSummary(db: DB): CashSummary {
  const accounts = db
    .prepare(
      `SELECT s.account, s.currency, count(DISTINCT s.id) AS statements,
         count(e.id) FILTER (WHERE e.amount_minor > 0) AS credits, coalesce(sum(e.amount_minor) FILTER (WHERE e.amount_minor > 0), 0) AS credits_minor,
         count(e.id) FILTER (WHERE e.id IN (SELECT bank_entry_id FROM recon_deposit_matches)) AS paired,
         coalesce(sum(e.amount_minor) FILTER (WHERE e.id IN (SELECT bank_entry_id FROM recon_deposit_matches)), 0) AS paired_minor
       FROM bank_statements s LEFT JOIN bank_entries e ON e.statement_row = s.id
       WHERE s.status = 'active' GROUP BY s.account, s.currency ORDER BY s.account, s.currency`,
    )
    .safeIntegers(true)
    .all() as CashSummary['accounts'];
  if (accounts.length === 0) return { accounts: [], payouts: [] };
  const payouts = db
    .prepare(
      `SELECT coalesce(t.settlement_currency, t.currency) AS currency, count(*) AS payouts,
         abs(sum(coalesce(t.net_minor, t.amount_minor - coalesce(t.fee_minor, 0)))) AS payouts_minor,
         count(*) FILTER (WHERE t.id IN (SELECT psp_tx_id FROM recon_deposit_matches)) AS found,
         abs(coalesce(sum(coalesce(t.net_minor, t.amount_minor - coalesce(t.fee_minor, 0))) FILTER (WHERE t.id IN (SELECT psp_tx_id FROM recon_deposit_matches)), 0)) AS found_minor,
         (SELECT count(*) FROM discrepancies d WHERE d.kind = 'payout_not_deposited' AND d.status IN ('open', 'acknowledged') AND d.currency = coalesce(t.settlement_currency, t.currency)) AS not_deposited,
         (SELECT coalesce(sum(d.difference_minor), 0) FROM discrepancies d WHERE d.kind = 'payout_not_deposited' AND d.status IN ('open', 'acknowledged') AND d.currency = coalesce(t.settlement_currency, t.currency)) AS not_deposited_minor
       FROM transactions t WHERE t.side = 'psp' AND t.type = 'payout'
       GROUP BY 1 ORDER BY 1`,
    )
    .safeIntegers(true)
    .all() as CashSummary['payouts'];
  const toNum = <T extends Record<string, unknown>>(r: T, keys: string[]) => {
    for (const k of keys) (r as Record<string, unknown>)[k] = Number(r[k]);
    return r;
  };
  return {
    accounts: accounts.map((r) => toNum(r, ['statements', 'credits', 'paired'])),
    payouts: payouts.map((r) => toNum(r, ['payouts', 'found', 'not_deposited'])),
  };
}
