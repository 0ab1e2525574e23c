/**
 * The SQL side of a reconcile run: candidate generation per stage in SQL over indexed tables,
 * the clean one-to-one bulk claimed in SQL, and only what needs a decision (suspect pairs,
 * groups, leftovers) streamed through the pure matchers in bounded batches. Everything lives
 * in temporary tables of this connection, inside the run's one write transaction.
 */
import { formatMinor } from '../domain/money.js';
import {
  classifyPair,
  matchSplit,
  missingFinding,
  pickUniquePairs,
  rejectedFinding,
  resolveGroup,
  toleranceFor,
  verifyPayout,
  type Finding,
  type MatchOptions,
  type MatchRow,
  type MatchRule,
  type Pairing,
  type RejectRow,
} from '../matchers/index.js';
import type { DiscrepancySide } from '../domain/discrepancy.js';
import type { DB } from './open.js';
import { LEDGER_IN_SCOPE, LEDGER_REPORTED, loadRows, pagedIds, PSP_IN_SCOPE, scopeParams, type RunScope } from './reconcile-rows.js';

/** May this pair differ? A superset of what classifyPair flags, so clean pairs never leave SQL. */
const SUSPECT = `(p.currency <> l.currency OR p.amount_minor <> l.amount_minor
  OR (p.fee_minor IS NOT NULL AND l.fee_minor IS NOT NULL AND p.fee_minor <> l.fee_minor)
  OR (substr(p.booked_at, 1, 10) <> substr(l.booked_at, 1, 10)
      AND abs(julianday(substr(p.booked_at, 1, 10)) - julianday(substr(l.booked_at, 1, 10))) > @w))`;

const CANDIDATE_COLUMNS = `l.id AS l_id, p.id AS p_id, p.currency AS cur,
  CASE WHEN p.type = 'payout' THEN 0 ELSE p.amount_minor END AS amt, ${SUSPECT} AS suspect`;

export interface CurrencyTotal {
  matched: number;
  amountMinor: bigint;
}

/** Rows in scope, and the PSP payout rows among them, in one scan of the store. */
export function countInScope(db: DB, scope: RunScope): { psp: number; ledger: number; payoutRows: number[] } {
  const r = db
    .prepare(
      `SELECT coalesce(sum(${PSP_IN_SCOPE('t')}), 0) AS psp, coalesce(sum(${LEDGER_REPORTED('t')}), 0) AS ledger,
         json_group_array(t.id) FILTER (WHERE t.type = 'payout' AND ${PSP_IN_SCOPE('t')}) AS payouts
       FROM transactions t`,
    )
    .get(scopeParams(scope)) as { psp: number; ledger: number; payouts: string };
  return { psp: r.psp, ledger: r.ledger, payoutRows: JSON.parse(r.payouts) as number[] };
}

/** One run's working state: temp tables, what was matched, what was found. */
export class RunWorkspace {
  readonly totals = new Map<string, CurrencyTotal>();
  private readonly notes = new Map<number, string[]>();
  private groupNo = 0;
  private readonly params: Record<string, unknown>;
  private readonly insertMatch;
  private readonly insertFinding;

  /**
   * Pairs go straight to recon_matches (emptied of the previous run's first), not to a temp
   * table: a million pairs in memory would cost the RSS budget, on disk they cost a WAL append.
   */
  constructor(
    private readonly db: DB,
    private readonly scope: RunScope,
    private readonly opts: MatchOptions,
    private readonly runId: number,
  ) {
    this.params = { ...scopeParams(scope), w: opts.dateWindowDays };
    db.exec(`
      DELETE FROM recon_matches;
      DROP TABLE IF EXISTS temp.f;
      CREATE TEMP TABLE f (fingerprint TEXT PRIMARY KEY, kind TEXT, severity TEXT, reason TEXT, currency TEXT, reference TEXT,
        psp TEXT, ledger TEXT, difference TEXT, difference_minor INTEGER, scope_date TEXT, reject_id INTEGER);
    `);
    this.insertMatch = db.prepare('INSERT INTO recon_matches (run_id, psp_tx_id, ledger_tx_id, rule, group_no) VALUES (?, ?, ?, ?, ?)');
    this.insertFinding = db.prepare(
      `INSERT OR IGNORE INTO f VALUES (@fingerprint, @kind, @severity, @reason, @currency, @reference, @psp, @ledger, @difference, @difference_minor, @scope_date, @reject_id)`,
    );
  }

  // ---- stage 1: exact identifier over the whole store ----------------------------------------

  stageExactId(): void {
    // An identifier pairs regardless of date: a booking a month late still names its PSP row
    // (the pair is then flagged date_out_of_window), and a booking inside the window may name a
    // PSP row from before it. So either side being in scope is enough.
    // CROSS JOIN fixes the join order: scan the ledger once, look each reference up in
    // transaction_ids' primary key, fetch the PSP row by rowid. Left to itself the planner
    // may pair every ledger row with every PSP row first.
    this.candidateStage(
      'id',
      `SELECT ${CANDIDATE_COLUMNS}
       FROM transactions l
       CROSS JOIN transaction_ids ti ON ti.ident = l.psp_reference
       CROSS JOIN transactions p ON p.id = ti.tx_id
       WHERE +l.side = 'ledger' AND l.psp_reference IS NOT NULL AND +p.side = 'psp' AND p.type = l.type
         AND ((${PSP_IN_SCOPE('p')}) OR (${LEDGER_REPORTED('l')}))`,
    );
  }

  /** What stage 1 left, as small indexed tables the later stages claim from by deleting. */
  buildLeftovers(): void {
    // cand_p / cand_l still hold stage 1's rows: n > 0 means claimed.
    this.db.exec('DROP TABLE IF EXISTS temp.lp; DROP TABLE IF EXISTS temp.ll;');
    this.db
      .prepare(
        `CREATE TEMP TABLE lp AS SELECT p.id, p.reference, p.currency, p.type, p.amount_minor, p.fee_minor, p.booked_at, p.payout_id
         FROM transactions p WHERE ${PSP_IN_SCOPE('p')} AND NOT EXISTS (SELECT 1 FROM cand_p c WHERE c.id = p.id AND c.n > 0)`,
      )
      .run(this.params);
    this.db
      .prepare(
        `CREATE TEMP TABLE ll AS SELECT l.id, l.reference, l.psp_reference, l.currency, l.type, l.amount_minor, l.fee_minor, l.booked_at
         FROM transactions l WHERE ${LEDGER_IN_SCOPE('l')} AND NOT EXISTS (SELECT 1 FROM cand_l c WHERE c.id = l.id AND c.n > 0)`,
      )
      .run(this.params);
    this.db.exec('DROP TABLE temp.cand_p; DROP TABLE temp.cand_l;');
    this.db.exec(`
      CREATE UNIQUE INDEX lp_id ON lp (id); CREATE UNIQUE INDEX ll_id ON ll (id);
      CREATE INDEX lp_ref ON lp (reference, currency, type); CREATE INDEX ll_ref ON ll (reference, currency, type);
      CREATE INDEX ll_amt ON ll (currency, type, amount_minor); CREATE INDEX lp_payout ON lp (payout_id);
      DROP TABLE IF EXISTS temp.tol; CREATE TEMP TABLE tol (currency TEXT PRIMARY KEY, minor INTEGER NOT NULL);
    `);
    const ins = this.db.prepare('INSERT INTO tol VALUES (?, ?)');
    for (const { currency } of this.db.prepare('SELECT currency FROM lp UNION SELECT currency FROM ll').all() as Array<{ currency: string }>) {
      ins.run(currency, toleranceFor(this.opts.tolerance, currency));
    }
  }

  // ---- stage 2: merchant reference + currency + type, amount within tolerance -----------------

  stageReference(): void {
    const since = this.mark();
    this.candidateStage(
      'reference',
      `SELECT ${CANDIDATE_COLUMNS}
       FROM lp p JOIN ll l ON l.reference = p.reference AND l.currency = p.currency AND l.type = p.type
       JOIN tol ON tol.currency = p.currency
       WHERE p.reference IS NOT NULL AND abs(p.amount_minor - l.amount_minor) <= tol.minor`,
    );
    this.claim(since);
  }

  // ---- stage 3: split bookings by reference, parts summing exactly ----------------------------

  stageSplit(): void {
    const since = this.mark();
    const keys = this.db
      .prepare(
        `SELECT p.reference, p.currency, p.type FROM
           (SELECT reference, currency, type, count(*) AS n FROM lp WHERE reference IS NOT NULL GROUP BY 1, 2, 3) p
         JOIN (SELECT reference, currency, type, count(*) AS n FROM ll WHERE reference IS NOT NULL GROUP BY 1, 2, 3) l
           USING (reference, currency, type)
         WHERE p.n > 1 OR l.n > 1`,
      )
      .all() as Array<{ reference: string; currency: string; type: string }>;
    const pIds = this.db.prepare('SELECT id FROM lp WHERE reference = ? AND currency = ? AND type = ?').pluck();
    const lIds = this.db.prepare('SELECT id FROM ll WHERE reference = ? AND currency = ? AND type = ?').pluck();
    for (const k of keys) {
      const ps = pIds.all(k.reference, k.currency, k.type) as number[];
      const ls = lIds.all(k.reference, k.currency, k.type) as number[];
      const rows = loadRows(this.db, [...ps, ...ls]);
      const pairing = matchSplit(
        ps.map((id) => rows.get(id)!),
        ls.map((id) => rows.get(id)!),
      );
      if (pairing) this.take(pairing);
    }
    this.claim(since);
  }

  // ---- stage 4: a ledger payout naming the PSP payout (batch) id ------------------------------

  stagePayoutId(): void {
    const since = this.mark();
    this.candidateStage(
      'payout_id',
      `SELECT ${CANDIDATE_COLUMNS}
       FROM ll l JOIN lp p ON p.payout_id = l.psp_reference AND p.type = 'payout'
       WHERE l.type = 'payout'`,
    );
    this.claim(since);
  }

  // ---- stage 5: one row each side sharing a reference, whatever the amount or currency --------

  /**
   * After the tolerant stages, a reference that names exactly one leftover PSP row and exactly
   * one leftover ledger entry of the same type pairs them, so the user sees "ORD-7 differs by
   * 0.05" (amount_mismatch, currency_mismatch) instead of two unrelated missing items.
   */
  stageReferenceUnique(): void {
    const since = this.mark();
    const edges = this.db
      .prepare(
        `SELECT l.id AS l_id, p.id AS p_id FROM lp p JOIN ll l ON l.reference = p.reference AND l.type = p.type
         WHERE p.reference IS NOT NULL`,
      )
      .all() as Array<{ l_id: number; p_id: number }>;
    const single = components(edges).filter((c) => c.psp.length === 1 && c.ledger.length === 1);
    const rows = loadRows(this.db, single.flatMap((c) => [c.psp[0], c.ledger[0]]));
    for (const c of single) this.take({ rule: 'reference', psp: [rows.get(c.psp[0])!], ledger: [rows.get(c.ledger[0])!] });
    this.claim(since);
  }

  // ---- stage 6: amount + currency + type within the window, unique both ways ------------------

  stageAmountDate(): void {
    const since = this.mark();
    const near = `abs(julianday(substr(p.booked_at, 1, 10)) - julianday(substr(l.booked_at, 1, 10))) <= @w`;
    const edges = this.db
      .prepare(
        `SELECT p.id AS p_id, l.id AS l_id FROM lp p
           JOIN ll l ON l.currency = p.currency AND l.type = p.type AND l.amount_minor = p.amount_minor WHERE ${near}
         UNION
         SELECT p.id, l.id FROM lp p
           JOIN ll l ON l.currency = p.currency AND l.type = p.type AND l.amount_minor = -p.amount_minor
           WHERE p.type = 'payout' AND p.amount_minor <> 0 AND ${near}`,
      )
      .all({ w: this.opts.dateWindowDays }) as Array<{ p_id: number; l_id: number }>;
    if (edges.length === 0) return;
    const rows = loadRows(this.db, new Set(edges.flatMap((e) => [e.p_id, e.l_id])));
    const decision = pickUniquePairs(
      edges.map((e) => [rows.get(e.p_id)!, rows.get(e.l_id)!] as [MatchRow, MatchRow]),
      this.opts.dateWindowDays,
    );
    for (const pr of decision.pairings) this.take(pr);
    for (const n of decision.notes) this.note(n.rowId, n.note);
    this.claim(since);
  }

  // ---- payouts: the rows of a PSP payout must net to it ---------------------------------------

  /** `payoutIds`: the PSP payout rows in scope (countInScope found them). */
  verifyPayouts(payoutIds: number[]): void {
    if (payoutIds.length === 0) return;
    const payouts = loadRows(this.db, payoutIds);
    // Summed into a keyed table (few keys) rather than GROUP BY, which would sort every row.
    this.db.exec(`
      DROP TABLE IF EXISTS temp.pg;
      CREATE TEMP TABLE pg (source TEXT, payout_id TEXT, cur TEXT, rows_net INTEGER NOT NULL, n_rows INTEGER NOT NULL,
        PRIMARY KEY (source, payout_id, cur));
      INSERT INTO pg
        SELECT source, payout_id, coalesce(settlement_currency, currency),
          CASE WHEN type = 'payout' THEN 0 ELSE coalesce(net_minor, amount_minor - coalesce(fee_minor, 0)) END, type <> 'payout'
        FROM transactions WHERE +side = 'psp' AND payout_id IS NOT NULL AND true
        ON CONFLICT DO UPDATE SET rows_net = rows_net + excluded.rows_net, n_rows = n_rows + excluded.n_rows;
    `);
    const groups = this.db.prepare('SELECT source, payout_id, cur, rows_net, n_rows FROM pg WHERE n_rows > 0 ORDER BY source, payout_id, cur').safeIntegers(true).all() as Array<{
      source: string;
      payout_id: string;
      cur: string;
      rows_net: bigint;
      n_rows: bigint;
    }>;
    // The payout row names its batch in payout_id (Adyen, Stripe) or carries the payout id as
    // one of its identifiers (Stripe's source_id po_...): look the batch id up in transaction_ids.
    const byIdent = this.db.prepare('SELECT tx_id FROM transaction_ids WHERE ident = ?').pluck().safeIntegers(false);
    for (const g of groups) {
      const rows = new Map<number, MatchRow>();
      for (const r of payouts.values()) if (r.payoutId === g.payout_id) rows.set(r.id, r);
      for (const id of byIdent.all(g.payout_id) as number[]) {
        const r = payouts.get(id);
        if (r) rows.set(r.id, r);
      }
      const mine = [...rows.values()].filter((r) => r.source === g.source && (r.settlementCurrency ?? r.currency) === g.cur);
      if (mine.length === 0) continue; // no payout row in scope: the batch is not paid out (yet)
      const finding = verifyPayout({ source: g.source, payoutId: g.payout_id, currency: g.cur, payoutRows: mine, rowsNetMinor: g.rows_net, rowCount: Number(g.n_rows) });
      if (finding) this.addFinding(finding);
    }
  }

  // ---- leftovers and rejected rows -----------------------------------------------------------

  *reportLeftovers(): Generator<void> {
    const pages = [
      `SELECT rowid AS k, id FROM lp WHERE rowid > @after ORDER BY rowid LIMIT @limit`,
      `SELECT rowid AS k, id FROM ll WHERE (@pFrom IS NULL OR booked_at >= @pFrom) AND (@pTo IS NULL OR booked_at < @pTo)
         AND rowid > @after ORDER BY rowid LIMIT @limit`,
    ];
    for (const sql of pages) {
      for (const page of pagedIds(this.db, sql, { pFrom: this.scope.from, pTo: this.scope.toExclusive })) {
        const rows = loadRows(this.db, page.map((r) => r.id));
        for (const row of rows.values()) this.addFinding(missingFinding(row, this.opts, this.notes.get(row.id) ?? []));
        yield;
      }
    }
  }

  reportRejects(): void {
    const rejects = this.db
      .prepare(
        `SELECT r.id, r.side, r.source, i.file_name AS file, r.line, r.col AS "column", r.reason
         FROM rejects r JOIN imports i ON i.id = r.import_id WHERE r.resolved_at IS NULL ORDER BY r.id`,
      )
      .all() as RejectRow[];
    for (const r of rejects) this.addFinding(rejectedFinding(r));
  }

  // ---- shared machinery ----------------------------------------------------------------------

  /**
   * A stage whose candidates SQL can enumerate: clean one-to-one pairs are claimed in bulk in
   * SQL; suspect pairs and groups (rows with several candidates) go through the matchers.
   *
   * Rows are counted per side in keyed tables (cand_l, cand_p: id -> candidates, set to 0 when
   * a group leaves the row unclaimed). Candidates arrive in nearly ascending id order, so these
   * are appends, cheaper than sorting a million edges twice; they are also exactly the rows the
   * stage claimed, which is what buildLeftovers needs after stage 1.
   */
  private candidateStage(rule: MatchRule, fillSql: string): void {
    const db = this.db;
    db.exec('DROP TABLE IF EXISTS temp.cand; DROP TABLE IF EXISTS temp.cand_l; DROP TABLE IF EXISTS temp.cand_p; DROP TABLE IF EXISTS temp.tot;');
    db.prepare(`CREATE TEMP TABLE cand AS ${fillSql}`).run(this.params);
    db.exec(`
      CREATE TEMP TABLE cand_l (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
      CREATE TEMP TABLE cand_p (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
      INSERT INTO cand_l SELECT l_id, 1 FROM cand WHERE true ON CONFLICT (id) DO UPDATE SET n = n + 1;
      INSERT INTO cand_p SELECT p_id, 1 FROM cand WHERE true ON CONFLICT (id) DO UPDATE SET n = n + 1;
    `);
    // Edges of rows with several candidates form groups: mark them (suspect = 2) for resolveGroup.
    const grouped = db.prepare('SELECT EXISTS (SELECT 1 FROM cand_l WHERE n > 1) OR EXISTS (SELECT 1 FROM cand_p WHERE n > 1)').pluck().get();
    if (grouped) {
      db.exec(`UPDATE cand SET suspect = 2
               WHERE (SELECT n FROM cand_l WHERE id = cand.l_id) > 1 OR (SELECT n FROM cand_p WHERE id = cand.p_id) > 1`);
    }
    db.prepare(`INSERT INTO recon_matches (run_id, psp_tx_id, ledger_tx_id, rule, group_no) SELECT ?, p_id, l_id, ?, NULL FROM cand WHERE suspect = 0`).run(
      this.runId,
      rule,
    );
    // Per-currency totals summed into a keyed table rather than GROUP BY (which sorts every pair).
    // Payouts count as matched rows but add nothing (amt is 0): their money is the rows already counted.
    db.exec(`
      CREATE TEMP TABLE tot (cur TEXT PRIMARY KEY, n INTEGER NOT NULL, amt INTEGER NOT NULL);
      INSERT INTO tot SELECT cur, 1, amt FROM cand WHERE suspect = 0 AND true
        ON CONFLICT (cur) DO UPDATE SET n = n + 1, amt = amt + excluded.amt;
    `);
    for (const t of db.prepare('SELECT cur, n, amt FROM tot').safeIntegers(true).all() as Array<{ cur: string; n: bigint; amt: bigint }>) {
      this.addTotal(t.cur, Number(t.n), t.amt);
    }

    for (const page of pagedIds(db, `SELECT rowid AS k, l_id, p_id FROM cand WHERE suspect = 1 AND rowid > @after ORDER BY rowid LIMIT @limit`, {})) {
      const rows = loadRows(db, page.flatMap((e) => [e.l_id, e.p_id]));
      for (const e of page) this.take({ rule, psp: [rows.get(e.p_id)!], ledger: [rows.get(e.l_id)!] });
    }

    const edges = grouped ? (db.prepare('SELECT l_id, p_id FROM cand WHERE suspect = 2').all() as Array<{ l_id: number; p_id: number }>) : [];
    if (edges.length) {
      const rows = loadRows(db, new Set(edges.flatMap((e) => [e.l_id, e.p_id])));
      const unclaimL = db.prepare('UPDATE cand_l SET n = 0 WHERE id = ?');
      const unclaimP = db.prepare('UPDATE cand_p SET n = 0 WHERE id = ?');
      for (const comp of components(edges)) {
        const decision = resolveGroup(
          comp.psp.map((id) => rows.get(id)!),
          comp.ledger.map((id) => rows.get(id)!),
          this.opts,
          rule,
        );
        const claimed = new Set<number>();
        for (const pr of decision.pairings) {
          this.take(pr);
          for (const r of [...pr.psp, ...pr.ledger]) claimed.add(r.id);
        }
        for (const id of comp.psp) if (!claimed.has(id)) unclaimP.run(id);
        for (const id of comp.ledger) if (!claimed.has(id)) unclaimL.run(id);
        for (const n of decision.notes) this.note(n.rowId, n.note);
      }
    }
    db.exec('DROP TABLE temp.cand; DROP TABLE temp.tot;');
  }

  /** Where the current stage's pairs start in recon_matches. */
  private mark(): number {
    return (this.db.prepare('SELECT coalesce(max(rowid), 0) FROM recon_matches').pluck().get() as number) ?? 0;
  }

  /** Remove what was paired since `since` (a mark()) from the leftover tables. */
  private claim(since: number): void {
    this.db.prepare('DELETE FROM lp WHERE id IN (SELECT psp_tx_id FROM recon_matches WHERE rowid > ?)').run(since);
    this.db.prepare('DELETE FROM ll WHERE id IN (SELECT ledger_tx_id FROM recon_matches WHERE rowid > ?)').run(since);
  }

  private take(pr: Pairing): void {
    const finding = pr.finding ?? classifyPair(pr.psp, pr.ledger, this.opts, pr.rule);
    const grp = pr.psp.length > 1 || pr.ledger.length > 1 ? ++this.groupNo : null;
    for (const p of pr.psp) for (const l of pr.ledger) this.insertMatch.run(this.runId, p.id, l.id, pr.rule, grp);
    if (finding) this.addFinding(finding);
    else for (const p of pr.psp) this.addTotal(p.currency, 1, p.type === 'payout' ? 0n : p.amountMinor);
  }

  private note(rowId: number, note: string): void {
    const list = this.notes.get(rowId) ?? [];
    if (!list.includes(note)) list.push(note);
    this.notes.set(rowId, list);
  }

  private addTotal(currency: string, n: number, amount: bigint): void {
    const t = this.totals.get(currency) ?? { matched: 0, amountMinor: 0n };
    t.matched += n;
    t.amountMinor += amount;
    this.totals.set(currency, t);
  }

  addFinding(f: Finding): void {
    this.insertFinding.run({
      fingerprint: f.fingerprint,
      kind: f.kind,
      severity: f.severity,
      reason: f.reason,
      currency: f.currency,
      reference: f.reference,
      psp: f.psp.length ? JSON.stringify(sideOf(f.psp)) : null,
      ledger: f.ledger.length ? JSON.stringify(sideOf(f.ledger)) : null,
      difference: f.differenceMinor !== null && f.currency ? formatMinor(f.differenceMinor, f.currency) : null,
      difference_minor: f.differenceMinor,
      scope_date: f.scopeDate,
      reject_id: f.rejectId ?? null,
    });
  }

  matchedCount(): number {
    let n = 0;
    for (const t of this.totals.values()) n += t.matched;
    return n;
  }

  dispose(): void {
    this.db.exec(`DROP TABLE IF EXISTS temp.lp; DROP TABLE IF EXISTS temp.ll; DROP TABLE IF EXISTS temp.cand_p;
      DROP TABLE IF EXISTS temp.cand_l; DROP TABLE IF EXISTS temp.cand; DROP TABLE IF EXISTS temp.tot; DROP TABLE IF EXISTS temp.tol; DROP TABLE IF EXISTS temp.pg;
      DROP TABLE IF EXISTS temp.f;`);
  }
}

/** One side of a discrepancy as printed: a row, or several rows shown as one (split, duplicate). */
export function sideOf(rows: MatchRow[]): DiscrepancySide {
  const first = rows[0];
  const sameCurrency = rows.every((r) => r.currency === first.currency);
  let sum = 0n;
  for (const r of rows) sum += r.amountMinor;
  return {
    id: rows.map((r) => r.externalId).join('+'),
    amount: sameCurrency ? formatMinor(sum, first.currency) : rows.map((r) => formatMinor(r.amountMinor, r.currency)).join('+'),
    currency: sameCurrency ? first.currency : rows.map((r) => r.currency).join('+'),
    source: first.source,
    file: first.file,
    line: first.line,
    booked_at: first.bookedAt,
  };
}

/** Connected groups of candidate edges (union-find over both sides). */
export function components(edges: Array<{ l_id: number; p_id: number }>): Array<{ psp: number[]; ledger: number[] }> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  for (const e of edges) {
    const a = `p${e.p_id}`;
    const b = `l${e.l_id}`;
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<string, { psp: number[]; ledger: number[] }>();
  for (const x of parent.keys()) {
    const r = find(x);
    const g = groups.get(r) ?? { psp: [], ledger: [] };
    (x[0] === 'p' ? g.psp : g.ledger).push(Number(x.slice(1)));
    groups.set(r, g);
  }
  for (const g of groups.values()) {
    g.psp.sort((a, b) => a - b);
    g.ledger.sort((a, b) => a - b);
  }
  return [...groups.values()];
}
