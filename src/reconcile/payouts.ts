/**
 * The payout check of a reconcile run: the rows of a PSP payout (batch) must net to it. Every
 * PSP row naming a batch is summed per (source, batch, currency) in SQL, exact in two halves
 * (see SPLIT in workspace.ts), and each payout row in scope is checked against its batch's sum
 * by the pure matcher (matchers/ verifyPayout). In a narrow window only the batches the
 * window's payout rows name are summed (rows.ts, migration 015).
 */
import { verifyPayout, type Finding, type MatchRow } from '../matchers/index.js';
import { dialectOf, type DB } from '../db/open.js';
import { inJsonInt, inJsonText, intType, tempSchema } from '../db/sql.js';
import { bounded, loadRows, type RunScope } from './rows.js';
import { SPLIT } from './workspace.js';

export interface PayoutStageInput {
  db: DB;
  scope: RunScope;
  /** The PSP payout rows in scope (countInScope found them). */
  payoutIds: number[];
  addFinding: (f: Finding) => void;
}

export function runPayoutStage({ db, scope, payoutIds, addFinding }: PayoutStageInput): void {
  if (payoutIds.length === 0) return;
  const payouts = loadRows(db, payoutIds);
  // Summed into a keyed table (few keys) rather than GROUP BY, which would sort every row.
  const int = intType(db);
  db.exec(`
    DROP TABLE IF EXISTS ${tempSchema(db)}.pg;
    CREATE TEMP TABLE pg (source TEXT, payout_id TEXT, cur TEXT, hi ${int} NOT NULL, lo ${int} NOT NULL, n_rows ${int} NOT NULL,
      PRIMARY KEY (source, payout_id, cur));
  `);
  // In a window only the batches its payout rows can name are summed (transactions_payout
  // index): a payout's own id, its payout_id and its aliases (the byIdent lookup below).
  // Without one, every PSP row is read NOT INDEXED, in rowid order: SQLite would otherwise walk
  // the partial index transactions_payout (it implies `payout_id IS NOT NULL`) and fetch each
  // row by rowid in batch order, random reads of the whole table.
  const keys = bounded(scope) ? batchKeys(db, payouts) : null;
  const { notIndexed, plus } = scope.hints;
  const rows = `SELECT source, payout_id, coalesce(settlement_currency, currency) AS cur,
          CASE WHEN type = 'payout' THEN 0 ELSE coalesce(net_minor, amount_minor - coalesce(fee_minor, 0)) END AS net,
          ${dialectOf(db) === 'sqlite' ? "type <> 'payout'" : "CASE WHEN type <> 'payout' THEN 1 ELSE 0 END"} AS n
        FROM transactions ${keys === null ? notIndexed : ''} WHERE ${plus}side = 'psp' AND payout_id IS NOT NULL
          ${keys === null ? '' : `AND ${inJsonText(db, 'payout_id', '@keys')}`} AND true`;
  // An upsert per row on SQLite (few keys, no sort); PostgreSQL refuses an upsert meeting one
  // key twice in a statement, and aggregates by hashing.
  db
    .prepare(
      dialectOf(db) === 'sqlite'
        ? `INSERT INTO pg
      SELECT source, payout_id, cur, net / ${SPLIT}, net % ${SPLIT}, n FROM (
        ${rows})
      WHERE true
      ON CONFLICT DO UPDATE SET hi = hi + excluded.hi, lo = lo + excluded.lo, n_rows = n_rows + excluded.n_rows`
        : `INSERT INTO pg
      SELECT source, payout_id, cur, sum(net / ${SPLIT}), sum(net % ${SPLIT}), sum(n) FROM (${rows}) AS r GROUP BY source, payout_id, cur`,
    )
    .run(keys === null ? {} : { keys: JSON.stringify(keys) });
  // Net summed in two halves joined as bigint: exact for any number of rows (see workspace.ts).
  const groups = (
    db.prepare('SELECT source, payout_id, cur, hi, lo, n_rows FROM pg WHERE n_rows > 0 ORDER BY source, payout_id, cur').safeIntegers(true).all() as Array<{
      source: string;
      payout_id: string;
      cur: string;
      hi: bigint;
      lo: bigint;
      n_rows: bigint;
    }>
  ).map((g) => ({ ...g, rows_net: g.hi * BigInt(SPLIT) + g.lo }));
  // The payout row names its batch in payout_id (Adyen, Stripe) or carries the payout id as
  // one of its identifiers (Stripe's source_id po_...): look the batch id up as a PSP row's
  // own id (transactions_identity) and as an alias (transaction_ids).
  const byIdent = db
    .prepare(
      `SELECT id FROM transactions WHERE external_id = @ident AND side = 'psp'
       UNION SELECT tx_id FROM transaction_ids WHERE ident = @ident`,
    )
    .pluck()
    .safeIntegers(false);
  // Payout rows by the batch they name, so each batch finds its own (not every batch x every payout row).
  const byBatch = new Map<string, MatchRow[]>();
  for (const r of payouts.values()) {
    if (r.payoutId === null) continue;
    const list = byBatch.get(r.payoutId);
    if (list) list.push(r);
    else byBatch.set(r.payoutId, [r]);
  }
  for (const g of groups) {
    const rows = new Map<number, MatchRow>();
    for (const r of byBatch.get(g.payout_id) ?? []) rows.set(r.id, r);
    for (const id of byIdent.all({ ident: g.payout_id }) as number[]) {
      const r = payouts.get(id);
      if (r) rows.set(r.id, r);
    }
    const mine = [...rows.values()].filter((r) => r.source === g.source && (r.settlementCurrency ?? r.currency) === g.cur);
    if (mine.length === 0) continue; // no payout row in scope: the batch is not paid out (yet)
    const finding = verifyPayout({ source: g.source, payoutId: g.payout_id, currency: g.cur, payoutRows: mine, rowsNetMinor: g.rows_net, rowCount: Number(g.n_rows) });
    if (finding) addFinding(finding);
  }
}

/** Every identifier a batch of these payout rows may go by (see the byIdent lookup). */
function batchKeys(db: DB, payouts: Map<number, MatchRow>): string[] {
  const keys = new Set<string>();
  for (const r of payouts.values()) {
    keys.add(r.externalId);
    if (r.payoutId !== null) keys.add(r.payoutId);
  }
  const aliases = db.prepare(`SELECT ident FROM transaction_ids WHERE ${inJsonInt(db, 'tx_id', '?')}`).pluck();
  for (const ident of aliases.all(JSON.stringify([...payouts.keys()])) as string[]) keys.add(ident);
  return [...keys];
}
