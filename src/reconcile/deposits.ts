/**
 * The reconcile step that pairs PSP payouts with bank deposits (STAGE_TABLE row "payouts to
 * bank"): payouts in scope and bank entries of active statements in, matchers/deposit.ts
 * decides, pairs go to recon_deposit_matches and findings to the run. With no bank statement
 * in a payout's currency the step has nothing to say about it: the bank leg is optional.
 */
import { activeDeposits, bankCoverage, storeDepositMatches, type DepositRecord } from '../db/bank-deposits.js';
import type { DB } from '../db/open.js';
import { inJsonInt } from '../db/sql.js';
import { formatMinor } from '../domain/money.js';
import { addBusinessDays, matchDeposits, MIN_IDENT, normaliseText, rowNet, type DepositItem, type Finding, type MatchRow, type PayoutItem } from '../matchers/index.js';
import { addDays, loadRows, type RunScope } from './rows.js';

export interface DepositStageInput {
  db: DB;
  scope: RunScope;
  runId: number;
  payoutRows: number[];
  windowDays: number;
  addFinding: (f: Finding) => void;
}

/** What the step found, for the run summary and the cash section of reports. */
export interface DepositStageResult {
  paired: number;
  inTransit: number;
}

export function runDepositStage(input: DepositStageInput): DepositStageResult {
  const { db, scope } = input;
  const coverage = bankCoverage(db);
  if (coverage.size === 0) return { paired: 0, inTransit: 0 };
  const payouts = payoutItems(loadRows(db, input.payoutRows), payoutAliases(db, input.payoutRows)).filter((p) => coverage.has(p.currency));
  const to = scope.toExclusive ? addDays(scope.toExclusive, -1) : null;
  // Deposits of payouts late in the window arrive after it: look that far ahead.
  const records = activeDeposits(db, scope.from, to ? addBusinessDays(to, input.windowDays) : null);
  const deposits = records.map(depositItem);
  const decision = matchDeposits(payouts, deposits, { windowDays: input.windowDays, coveredUntil: coverage, from: scope.from, to });
  for (const f of decision.findings) input.addFinding(f);
  storeDepositMatches(
    db,
    input.runId,
    decision.pairs.map((p) => ({ rule: p.rule, payoutRows: p.payouts.flatMap((x) => x.rows.map((r) => r.id)), entries: p.deposits.map((d) => d.id) })),
  );
  return { paired: decision.pairs.length, inTransit: decision.inTransit.length };
}

/**
 * Payout rows grouped by provider and payout id (a payout and its reversal net out), as the
 * credit the bank should show. Identifiers the remittance may carry: the payout id, the payout
 * row's own id, PSP reference and aliases (Stripe's po_...), a batch number (Adyen's
 * "...:batch:118") as "BATCH118". Only identifiers with a digit and at least MIN_IDENT
 * characters count: a description such as "STRIPE PAYOUT" names every payout, so none.
 */
export function payoutItems(rows: Map<number, MatchRow>, aliases: Map<number, string[]> = new Map()): PayoutItem[] {
  const groups = new Map<string, MatchRow[]>();
  // Stripe's payout and payout_reversal rows share the po_... alias, not a payout_id.
  for (const r of rows.values()) {
    const k = `${r.source}:${r.payoutId ?? aliases.get(r.id)?.[0] ?? r.externalId}:${r.settlementCurrency ?? r.currency}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: PayoutItem[] = [];
  for (const rs of groups.values()) {
    const first = rs[0];
    let net = 0n;
    for (const r of rs) net += rowNet(r);
    if (net === 0n) continue;
    // The id a person knows the payout by: its batch id, else the provider's payout id (Stripe's
    // po_... is an alias of the payout row), else the row's own id.
    const payoutId = first.payoutId ?? aliases.get(first.id)?.[0] ?? first.externalId;
    const idents = new Set<string>();
    for (const r of rs) {
      for (const id of [r.payoutId, r.externalId, r.pspReference, ...(aliases.get(r.id) ?? [])]) {
        if (!id) continue;
        const n = normaliseText(id);
        if (n.length >= MIN_IDENT && /\d/.test(n)) idents.add(n);
        const batch = /batch\W*(\d+)/i.exec(id);
        if (batch) idents.add(`BATCH${batch[1]}`);
      }
    }
    out.push({
      key: `${first.source}:${payoutId}`,
      source: first.source,
      payoutId,
      rows: rs,
      amountMinor: net < 0n ? -net : net,
      currency: first.settlementCurrency ?? first.currency,
      date: rs.map((r) => r.bookedAt.slice(0, 10)).sort()[0],
      idents: [...idents],
    });
  }
  return out;
}

/** Other identifiers of the payout rows (transaction_ids): Stripe's payout id po_... is one. */
function payoutAliases(db: DB, ids: number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const rows = db.prepare(`SELECT tx_id, ident FROM transaction_ids WHERE ${inJsonInt(db, 'tx_id', '?')}`).all(JSON.stringify(ids)) as Array<{
    tx_id: number;
    ident: string;
  }>;
  for (const r of rows) out.set(r.tx_id, [...(out.get(r.tx_id) ?? []), r.ident]);
  return out;
}

export function depositItem(r: DepositRecord): DepositItem {
  const texts = [r.remittance, r.end_to_end_id, r.bank_reference, r.customer_reference, r.details];
  const amount = BigInt(r.amount_minor);
  return {
    id: r.id,
    // Stable across a re-import of the same statement (store ids are not).
    key: `${r.account}|${r.date}|${amount}|${r.bank_reference ?? r.end_to_end_id ?? normaliseText(r.remittance ?? '').slice(0, 40)}`,
    account: r.account,
    currency: r.currency,
    amountMinor: amount,
    date: r.date,
    text: normaliseText(texts.filter(Boolean).join(' ')),
    chargesMinor: r.charges_minor === null ? null : BigInt(r.charges_minor),
    fx: r.fx_currency && r.fx_minor !== null ? { currency: r.fx_currency, minor: BigInt(r.fx_minor), rate: r.fx_rate } : null,
    side: {
      id: r.bank_reference ?? r.end_to_end_id ?? `${r.statement_id}:${r.line}`,
      amount: formatMinor(amount, r.currency),
      currency: r.currency,
      source: `bank:${r.account}`,
      file: r.file_name,
      line: r.line,
      booked_at: r.date,
    },
  };
}
