/**
 * The stages of a reconcile run: candidate generation per stage in SQL over indexed tables
 * (the whole store for identifiers, small leftover tables after that), payout verification,
 * and the leftovers reported as missing. The shared machinery is in workspace.ts.
 */
import {
  manualMatchFinding,
  matchSplit,
  missingFinding,
  pickUniquePairs,
  rejectedFinding,
  toleranceFor,
  RULE_LABELS,
  type MatchRow,
  type MatchRule,
  type RejectRow,
} from '../matchers/index.js';
import { formatMinor } from '../domain/money.js';
import { dialectOf, type DB } from '../db/open.js';
import { dayDistance, intType, jsonArrayAggFn } from '../db/sql.js';
import { bounded, inWindow, ledgerInScope, ledgerReported, loadRows, pagedIds, pspInScope, scopeParams, type RunScope } from './rows.js';
import { runPayoutStage } from './payouts.js';
import { candidateColumns, Workspace } from './workspace.js';


/**
 * SQL condition: PSP row `p` and ledger entry `l` contradict each other. Their merchant
 * references both exist and differ, or the entry names a PSP identifier (psp_reference) that
 * is none of the row's identifiers (its own id or an alias in transaction_ids).
 */
export const CONTRADICTS = `(p.reference IS NOT NULL AND l.reference IS NOT NULL AND p.reference <> l.reference)
  OR (l.psp_reference IS NOT NULL AND l.psp_reference <> (SELECT t.external_id FROM transactions t WHERE t.id = p.id)
      AND NOT EXISTS (SELECT 1 FROM transaction_ids ti WHERE ti.ident = l.psp_reference AND ti.tx_id = p.id))`;

/** More unmatched rows than this with one amount (per side) are not paired by amount. */
export const CROWD = 50;

/**
 * Rows in scope, and the PSP payout rows among them: one pass over the window (through the
 * (side, booked_at) index when the window is narrow, else one scan of the store).
 */
export function countInScope(db: DB, scope: RunScope): { psp: number; ledger: number; payoutRows: number[] } {
  // SQLite sums its comparisons (1/0); PostgreSQL's are booleans, counted with FILTER, and its
  // JSON aggregate of no rows is NULL.
  const count = (cond: string) => (dialectOf(db) === 'sqlite' ? `coalesce(sum(${cond}), 0)` : `count(*) FILTER (WHERE ${cond})`);
  const r = db
    .prepare(
      `SELECT ${count("t.side = 'psp'")} AS psp, ${count("t.side = 'ledger'")} AS ledger,
         ${jsonArrayAggFn(db)}(t.id) FILTER (WHERE t.type = 'payout' AND t.side = 'psp') AS payouts
       FROM transactions t WHERE ${scope.narrow ? "t.side IN ('psp', 'ledger')" : 'true'} AND ${inWindow('t', scope)}`,
    )
    .get(scopeParams(scope)) as { psp: number; ledger: number; payouts: string | null };
  return { psp: r.psp, ledger: r.ledger, payoutRows: JSON.parse(r.payouts ?? '[]') as number[] };
}

/** One run's stages; the order the engine calls them in is STAGE_TABLE (stage-table.ts). */
export class RunWorkspace extends Workspace {
  /** Rows of live manual matches are set aside (temp.mm); false once stageManual found none. */
  private anyManual = true;

  /**
   * `AND NOT EXISTS` a manual match for each row alias given, or nothing when there are no
   * manual matches: the probes cost about 0.7 s of a 1M-row identifier stage, most stores have
   * no manual matches at all (docs/benchmarks/reconcile.md).
   */
  private notManual(...rows: string[]): string {
    return this.anyManual ? rows.map((a) => ` AND NOT EXISTS (SELECT 1 FROM mm WHERE mm.id = ${a}.id)`).join('') : '';
  }

  // ---- what a person paired: manual matches and accepted proposals --------------------------

  /**
   * Live manual matches pair their rows before any rule looks at them, whatever the amounts
   * (the difference is the match's one amount_mismatch). Every row of a live match is set
   * aside (temp.mm), in scope or not, so no automatic stage ever re-pairs it; a match is
   * recorded by the run when any of its rows is in scope.
   */
  stageManual(): void {
    this.db.exec(`INSERT INTO mm SELECT t.id, r.match_id FROM manual_match_rows r
      JOIN transactions t ON t.external_id = r.external_id AND t.side = r.side AND t.source = r.source WHERE r.live = 1 ON CONFLICT DO NOTHING`);
    this.anyManual = this.db.prepare('SELECT EXISTS (SELECT 1 FROM mm)').pluck().get() ? true : false;
    // From the few set-aside rows to theirs (CROSS JOIN: left to itself SQLite read the whole
    // store and looked each row up in mm, 0.24 s at 2M rows with mm empty).
    const inScope = this.db
      .prepare(
        `SELECT DISTINCT mm.match_id FROM mm ${this.scope.hints.crossJoin} transactions t ON t.id = mm.id
         WHERE (${pspInScope('t', this.scope)}) OR (${ledgerReported('t', this.scope)}) ORDER BY mm.match_id`,
      )
      .pluck()
      .all(this.params) as number[];
    const idsOf = this.db.prepare('SELECT id FROM mm WHERE match_id = ? ORDER BY id').pluck();
    for (const matchId of inScope) {
      const rows = [...loadRows(this.db, idsOf.all(matchId) as number[]).values()];
      const psp = rows.filter((r) => r.side === 'psp');
      const ledger = rows.filter((r) => r.side === 'ledger');
      if (psp.length === 0 || ledger.length === 0) continue; // a side was never imported here
      this.take({ rule: 'manual', psp, ledger, finding: manualMatchFinding(matchId, psp, ledger) ?? undefined });
    }
  }

  // ---- exact identifier over the whole store --------------------------------------------------

  stageExactId(): void {
    // An identifier pairs regardless of date: a booking a month late still names its PSP row
    // (the pair is then flagged date_out_of_window), and a booking inside the window may name a
    // PSP row from before it. So either side being in scope is enough. (A ledger entry of the
    // widened window that names a PSP row outside the window is kept out of `ll` by
    // buildLeftovers instead: pairing it here would report a pair outside the window.)
    // Two disjoint halves: the PSP row's own id through transactions_identity (which leads
    // with external_id), and its aliases through transaction_ids (an alias equal to the row's
    // own id is left to the first half, so no pair is counted twice). CROSS JOIN fixes the
    // join order: scan the ledger, look each reference up in an index, fetch the PSP row by
    // rowid. Left to itself the planner may pair every ledger row with every PSP row first.
    const { plus, notIndexed, crossJoin } = this.scope.hints;
    const CANDIDATE_COLUMNS = candidateColumns(this.dialect);
    const notManual = this.notManual('l', 'p');
    // Without a window the ledger is read NOT INDEXED, in rowid order: left to itself SQLite
    // walks the partial index transactions_psp_ref (migration 015) because it implies
    // `psp_reference IS NOT NULL`, and fetches every entry by rowid in reference order: random
    // reads of the whole table (~10% more CPU for this stage's fill at 3M rows with the store
    // in the OS cache; disk seeks without it), and candidates in random id order, so cand_l's
    // upserts are no longer appends. test/reconcile/plans.test.ts keeps it so.
    const byLedger = (ledger: string, scan = '') => `SELECT ${CANDIDATE_COLUMNS}
       FROM transactions l ${scan}
       ${crossJoin} transactions p ON p.external_id = l.psp_reference AND p.side = 'psp'
       WHERE ${ledger} AND l.psp_reference IS NOT NULL AND p.type = l.type${notManual}
       UNION ALL
       SELECT ${CANDIDATE_COLUMNS}
       FROM transactions l ${scan}
       ${crossJoin} transaction_ids ti ON ti.ident = l.psp_reference
       ${crossJoin} transactions p ON p.id = ti.tx_id
       WHERE ${ledger} AND l.psp_reference IS NOT NULL AND ${plus}p.side = 'psp' AND p.external_id <> l.psp_reference
         AND p.type = l.type${notManual}`;
    if (!bounded(this.scope)) {
      // No window, or a wide one: one scan of the ledger, either side in scope pairs.
      this.candidateStage('id', byLedger(`${plus}l.side = 'ledger' AND ((${pspInScope('p', this.scope)}) OR (${ledgerReported('l', this.scope)}))`, notIndexed));
      return;
    }
    // A window: the entries booked in it ((side, booked_at) index) name their PSP rows, and the PSP rows
    // of the window find the entries booked outside it that name them (psp_reference index,
    // and an alias's row through transaction_ids' key, tx_id first). The halves are disjoint by the entry's date.
    const outside = `${plus}l.side = 'ledger' AND NOT (${inWindow('l', this.scope)})`; // a filter: + keeps it one
    this.candidateStage(
      'id',
      `${byLedger(ledgerReported('l', this.scope))}
       UNION ALL
       SELECT ${CANDIDATE_COLUMNS}
       FROM transactions p
       ${crossJoin} transactions l ON l.psp_reference = p.external_id
       WHERE ${pspInScope('p', this.scope)} AND ${outside} AND p.type = l.type${notManual}
       UNION ALL
       SELECT ${CANDIDATE_COLUMNS}
       FROM transactions p
       ${crossJoin} transaction_ids ti ON ti.tx_id = p.id
       ${crossJoin} transactions l ON l.psp_reference = ti.ident
       WHERE ${pspInScope('p', this.scope)} AND ${outside} AND p.external_id <> l.psp_reference AND p.type = l.type${notManual}`,
    );
  }

  /** What the identifier stage left, as small indexed tables the later stages claim from by deleting. */
  buildLeftovers(): void {
    // cand_p / cand_l still hold the identifier stage's rows: n > 0 means claimed.
    this.db.exec(`DROP TABLE IF EXISTS ${this.tmp}.lp; DROP TABLE IF EXISTS ${this.tmp}.ll;`);
    this.db
      .prepare(
        `CREATE TEMP TABLE lp AS SELECT p.id, p.reference, p.currency, p.type, p.amount_minor, p.fee_minor, p.booked_at, p.payout_id
         FROM transactions p WHERE ${pspInScope('p', this.scope)} AND NOT EXISTS (SELECT 1 FROM cand_p c WHERE c.id = p.id AND c.n > 0)
           ${this.notManual('p')}`,
      )
      .run(this.params);
    // A ledger entry of the widened window but outside the reported one that names a PSP row
    // outside the window belongs to that row: the identifier stage did not look at the pair (it
    // lies wholly outside the run) and it must not be paired by amount and date with an unrelated
    // in-window PSP row instead, which would auto-close a real missing item. (Checked only for
    // entries outside the reported window, so an unwindowed run never evaluates it.)
    const outside = (a: string) => `NOT (${inWindow(a, this.scope)})`;
    const namesOutsideRow = `NOT (${inWindow('l', this.scope)})
      AND l.psp_reference IS NOT NULL
      AND (EXISTS (SELECT 1 FROM transactions o WHERE o.external_id = l.psp_reference AND o.side = 'psp' AND o.type = l.type AND ${outside('o')})
        OR EXISTS (SELECT 1 FROM transaction_ids ti ${this.scope.hints.crossJoin} transactions o ON o.id = ti.tx_id
                   WHERE ti.ident = l.psp_reference AND o.side = 'psp' AND o.type = l.type AND ${outside('o')}))`;
    this.db
      .prepare(
        `CREATE TEMP TABLE ll AS SELECT l.id, l.reference, l.psp_reference, l.currency, l.type, l.amount_minor, l.fee_minor, l.booked_at
         FROM transactions l WHERE ${ledgerInScope('l', this.scope)} AND NOT EXISTS (SELECT 1 FROM cand_l c WHERE c.id = l.id AND c.n > 0)
           ${this.notManual('l')} AND NOT (${namesOutsideRow})`,
      )
      .run(this.params);
    this.db.exec(`DROP TABLE ${this.tmp}.cand_p; DROP TABLE ${this.tmp}.cand_l;`);
    this.db.exec(`
      CREATE UNIQUE INDEX lp_id ON lp (id); CREATE UNIQUE INDEX ll_id ON ll (id);
      CREATE INDEX lp_ref ON lp (reference, currency, type); CREATE INDEX ll_ref ON ll (reference, currency, type);
      CREATE INDEX ll_amt ON ll (currency, type, amount_minor); CREATE INDEX lp_payout ON lp (payout_id);
      DROP TABLE IF EXISTS ${this.tmp}.tol; CREATE TEMP TABLE tol (currency TEXT PRIMARY KEY, minor ${intType(this.db)} NOT NULL);
    `);
    // Autovacuum never analyzes a temporary table: without statistics PostgreSQL guesses their size.
    if (this.dialect !== 'sqlite') this.db.exec('ANALYZE lp; ANALYZE ll;');
    const ins = this.db.prepare('INSERT INTO tol VALUES (?, ?)');
    for (const { currency } of this.db.prepare('SELECT currency FROM lp UNION SELECT currency FROM ll').all() as Array<{ currency: string }>) {
      ins.run(currency, toleranceFor(this.opts.tolerance, currency));
    }
  }

  // ---- merchant reference + currency + type, amount within tolerance -------------------------

  stageReference(): void {
    const since = this.mark();
    this.candidateStage(
      'reference',
      `SELECT ${candidateColumns(this.dialect)}
       FROM lp p JOIN ll l ON l.reference = p.reference AND l.currency = p.currency AND l.type = p.type
       JOIN tol ON tol.currency = p.currency
       WHERE p.reference IS NOT NULL AND abs(p.amount_minor - l.amount_minor) <= tol.minor`,
    );
    this.claim(since);
  }

  // ---- split bookings by reference, parts summing exactly ------------------------------------

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

  // ---- a ledger payout naming the PSP payout (batch) id --------------------------------------

  stagePayoutId(): void {
    const since = this.mark();
    this.candidateStage(
      'payout_id',
      `SELECT ${candidateColumns(this.dialect)}
       FROM ll l JOIN lp p ON p.payout_id = l.psp_reference AND p.type = 'payout'
       WHERE l.type = 'payout'`,
    );
    this.claim(since);
  }

  // ---- one row each side sharing a reference, whatever the amount or currency ----------------

  /**
   * After the tolerant stages, a reference that names exactly one leftover PSP row and exactly
   * one leftover ledger entry of the same type pairs them, so the user sees "ORD-7 differs by
   * 0.05" (amount_mismatch, currency_mismatch) instead of two unrelated missing items.
   */
  stageReferenceUnique(): void {
    const since = this.mark();
    // Every candidate edge joins rows of one (reference, type), so a connected group is exactly
    // one such key, and "one row each side" is a count per key on each side: grouped in SQL,
    // not by enumerating edges (quadratic when Stripe's description fills many references).
    const single = this.db
      .prepare(
        `SELECT p.id AS p_id, l.id AS l_id FROM
           (SELECT reference, type, min(id) AS id FROM lp WHERE reference IS NOT NULL GROUP BY reference, type HAVING count(*) = 1) p
         JOIN (SELECT reference, type, min(id) AS id FROM ll WHERE reference IS NOT NULL GROUP BY reference, type HAVING count(*) = 1) l
           USING (reference, type)
         ORDER BY p.id`,
      )
      .all() as Array<{ p_id: number; l_id: number }>;
    const rows = loadRows(this.db, single.flatMap((c) => [c.p_id, c.l_id]));
    for (const c of single) this.take({ rule: 'reference', psp: [rows.get(c.p_id)!], ledger: [rows.get(c.l_id)!] });
    this.claim(since);
  }

  // ---- amount + currency + type within the window, unique both ways --------------------------

  stageAmountDate(): void {
    const since = this.mark();
    // Amounts shared by more than CROWD rows on a side (a subscription price, a standard fee)
    // are not paired by amount at all: the join would grow with the square of the crowd, and
    // an equal amount among so many says nothing about which row is whose.
    const int = intType(this.db);
    this.db.exec(`
      DROP TABLE IF EXISTS ${this.tmp}.crowd;
      CREATE TEMP TABLE crowd (currency TEXT, type TEXT, amount ${int}, n ${int}, PRIMARY KEY (currency, type, amount));
      INSERT INTO crowd SELECT currency, type, abs(amount_minor), count(*) FROM lp GROUP BY 1, 2, 3 HAVING count(*) > ${CROWD};
      INSERT INTO crowd SELECT currency, type, abs(amount_minor), count(*) FROM ll GROUP BY 1, 2, 3 HAVING count(*) > ${CROWD}
        ON CONFLICT (currency, type, amount) DO UPDATE SET n = CASE WHEN excluded.n > crowd.n THEN excluded.n ELSE crowd.n END;
    `);
    const crowded = this.db.prepare('SELECT count(*) FROM crowd').pluck().get() as number;
    if (crowded > 0) {
      const rows = this.db
        .prepare(
          `SELECT x.id, c.n, x.amount_minor, x.currency FROM (SELECT id, currency, type, amount_minor FROM lp UNION ALL SELECT id, currency, type, amount_minor FROM ll) x
           JOIN crowd c ON c.currency = x.currency AND c.type = x.type AND c.amount = abs(x.amount_minor)`,
        )
        .safeIntegers(true)
        .all() as Array<{ id: bigint; n: bigint; amount_minor: bigint; currency: string }>;
      for (const r of rows) {
        this.note(Number(r.id), `not paired by amount: ${r.n} unmatched rows on one side share ${formatMinor(r.amount_minor, r.currency)} ${r.currency}`);
      }
    }
    // Rows whose references or identifiers both exist and disagree are not candidates at all,
    // at any confidence: ORD-1234 / ch_1234 is not ORD-X5678 / ch_x5678 because the amounts are
    // equal (issue 11). Neither is a pair a person rejected.
    const near = `${dayDistance(this.db, 'p.booked_at', 'l.booked_at')} <= @w
      AND NOT (${CONTRADICTS}) AND NOT EXISTS (SELECT 1 FROM rej WHERE rej.p_id = p.id AND rej.l_id = l.id)`;
    const uncrowded = `NOT EXISTS (SELECT 1 FROM crowd c WHERE c.currency = p.currency AND c.type = p.type AND c.amount = abs(p.amount_minor))`;
    const edges = this.db
      .prepare(
        `SELECT p.id AS p_id, l.id AS l_id FROM lp p
           JOIN ll l ON l.currency = p.currency AND l.type = p.type AND l.amount_minor = p.amount_minor WHERE ${near} AND ${uncrowded}
         UNION
         SELECT p.id, l.id FROM lp p
           JOIN ll l ON l.currency = p.currency AND l.type = p.type AND l.amount_minor = -p.amount_minor
           WHERE p.type = 'payout' AND p.amount_minor <> 0 AND ${near} AND ${uncrowded}`,
      )
      .all({ w: this.opts.dateWindowDays }) as Array<{ p_id: number; l_id: number }>;
    this.db.exec(`DROP TABLE ${this.tmp}.crowd;`);
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

  // ---- payouts: the rows of a PSP payout must net to it (payouts.ts) ------------------------

  /** `payoutIds`: the PSP payout rows in scope (countInScope found them). */
  verifyPayouts(payoutIds: number[]): void {
    runPayoutStage({ db: this.db, scope: this.scope, payoutIds, addFinding: (f) => this.addFinding(f) });
  }

  // ---- leftovers and rejected rows -----------------------------------------------------------

  *reportLeftovers(): Generator<void> {
    // In table order on SQLite (rowid); PostgreSQL's tables have none, and id order is the order
    // lp and ll were filled in (a scan of transactions).
    const k = this.dialect === 'sqlite' ? 'rowid' : 'id';
    const pages = [
      `SELECT ${k} AS k, id FROM lp WHERE ${k} > @after ORDER BY ${k} LIMIT @limit`,
      `SELECT ${k} AS k, id FROM ll WHERE (CAST(@pFrom AS TEXT) IS NULL OR booked_at >= @pFrom) AND (CAST(@pTo AS TEXT) IS NULL OR booked_at < @pTo)
         AND ${k} > @after ORDER BY ${k} LIMIT @limit`,
    ];
    for (const sql of pages) {
      for (const page of pagedIds(this.db, sql, { pFrom: this.scope.from, pTo: this.scope.toExclusive })) {
        const rows = loadRows(this.db, page.map((r) => r.id));
        for (const row of rows.values()) this.addFinding(missingFinding(row, this.opts, this.notes.get(row.id) ?? []));
        yield;
      }
    }
    // Proposed rows stay open in their kinds, their reasons naming the proposed counterpart. A
    // ledger entry outside the reported window is not reported (as for any leftover entry).
    const remember = this.db.prepare('INSERT INTO propf VALUES (?, ?) ON CONFLICT (tx_id) DO UPDATE SET fingerprint = excluded.fingerprint');
    const reported = this.db.prepare(`SELECT 1 FROM transactions l WHERE l.id = @id AND ${ledgerReported('l', this.scope)}`).pluck();
    for (const page of pagedIds(this.db, 'SELECT p_id AS k, p_id, l_id, rule, confidence FROM prop WHERE p_id > @after ORDER BY p_id LIMIT @limit', {})) {
      const rows = loadRows(this.db, page.flatMap((r) => [r.p_id, r.l_id]));
      for (const pr of page as unknown as Array<{ p_id: number; l_id: number; rule: MatchRule; confidence: number }>) {
        const p = rows.get(pr.p_id)!;
        const l = rows.get(pr.l_id)!;
        const why = `${RULE_LABELS[pr.rule]}, confidence ${pr.confidence}; accept or reject: payrecon proposals`;
        const fp = missingFinding(p, this.opts, [...(this.notes.get(p.id) ?? []), `proposed counterpart: ledger ${l.externalId} (${why})`]);
        this.addFinding(fp);
        remember.run(p.id, fp.fingerprint);
        if (reported.get({ ...this.params, id: l.id })) {
          const fl = missingFinding(l, this.opts, [...(this.notes.get(l.id) ?? []), `proposed counterpart: PSP ${p.externalId} (${why})`]);
          this.addFinding(fl);
          remember.run(l.id, fl.fingerprint);
        }
      }
      yield;
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
}
