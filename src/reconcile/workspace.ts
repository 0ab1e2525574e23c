/**
 * A reconcile run's working state inside its one write transaction: pairs go to
 * recon_matches, findings to temp.f, everything else lives in temporary tables of this
 * connection. Clean one-to-one pairs never leave SQL; only what needs a decision (suspect
 * pairs, groups, leftovers) is streamed through the pure matchers in bounded batches.
 */
import { formatMinor } from '../domain/money.js';
import { runDepositStage } from './deposits.js';
import type { DiscrepancySide } from '../domain/discrepancy.js';
import { classifyPair, components, resolveGroup, type Finding, type MatchOptions, type MatchRow, type MatchRule, type Pairing } from '../matchers/index.js';
import { dialectOf, type DB } from '../db/open.js';
import type { Dialect } from '../db/port.js';
import { dayDistance, inJsonInt, intType, tempSchema } from '../db/sql.js';
import { writeBehind } from '../db/write-behind.js';
import type { CurrencyTotal } from '../db/reconcile-store.js';
import { loadRows, pagedIds, scopeParams, type RunScope } from './rows.js';
import { FindingSink } from './finding-sink.js';

/**
 * May this pair differ? A superset of what classifyPair flags, so clean pairs never leave SQL:
 * a pair it misses is counted as clean unseen. Change it and classifyPair together;
 * test/reconcile/suspect.test.ts fails when it stops being a superset.
 */
export const suspectSql = (d: Dialect) => `(p.currency <> l.currency OR p.amount_minor <> l.amount_minor
  OR (p.fee_minor IS NOT NULL AND l.fee_minor IS NOT NULL AND p.fee_minor <> l.fee_minor)
  OR (substr(p.booked_at, 1, 10) <> substr(l.booked_at, 1, 10)
      AND ${dayDistance(d, 'p.booked_at', 'l.booked_at')} > @w))`;
/** SUSPECT as SQLite spells it (suspectSql for either backend). */
export const SUSPECT = suspectSql('sqlite');

/**
 * Money totals are summed in SQL in two halves, amount / SPLIT and amount % SPLIT (both with
 * the amount's sign), and joined as bigint: exact for any realistic row count, where one
 * 64-bit sum would overflow.
 */
export const SPLIT = 1_000_000_000;

/**
 * What a candidate stage's fill selects per pair. The flag is an integer on both backends (a
 * PostgreSQL comparison is a boolean; NULL stays NULL as on SQLite), so it can be set to 2 later.
 */
export const candidateColumns = (d: Dialect) => `l.id AS l_id, p.id AS p_id, p.currency AS cur,
  CASE WHEN p.type = 'payout' THEN 0 ELSE p.amount_minor END AS amt, ${d === 'sqlite' ? SUSPECT : `CAST(${suspectSql(d)} AS INTEGER)`} AS suspect`;

/**
 * The machinery every stage shares: where pairs and findings go, running totals, notes on
 * ambiguous rows, and the candidate-stage pattern (bulk clean pairs in SQL, the rest through
 * the pure matchers). The stages themselves are in stages.ts.
 */
export class Workspace {
  readonly totals = new Map<string, CurrencyTotal>();
  protected readonly notes = new Map<number, string[]>();
  private groupNo = 0;
  protected readonly params: Record<string, unknown>;
  /** The backend, for the few statements spelled differently (src/db/sql.ts). */
  protected readonly dialect: Dialect;
  /** `temp` / `pg_temp`: the schema of the working tables (dropping one must never reach a store table). */
  protected readonly tmp: string;
  private readonly insertMatch;
  /** PostgreSQL, after mark(): insertMatch that also notes the pair in stage_pairs (see claim). */
  private readonly insertMatchNoted;
  private noting = false;
  private readonly findings: FindingSink;
  private readonly insertProposal;
  /**
   * Set by the engine before each stage: the stage's confidence when it is below
   * --auto-confirm (its pairings become proposals), else null (its pairings are made).
   */
  proposeAt: number | null = null;

  /**
   * Pairs go straight to recon_matches (emptied of the previous run's first), not to a temp
   * table: a million pairs in memory would cost the RSS budget, on disk they cost a WAL append.
   */
  constructor(
    protected readonly db: DB,
    protected readonly scope: RunScope,
    protected readonly opts: MatchOptions,
    protected readonly runId: number,
  ) {
    this.params = { ...scopeParams(scope), w: opts.dateWindowDays };
    this.dialect = dialectOf(db);
    this.tmp = tempSchema(db);
    const t = this.tmp;
    const int = intType(db);
    // ON CONFLICT DO NOTHING (both backends) where SQLite alone would say INSERT OR IGNORE.
    db.exec(`
      DELETE FROM recon_matches;
      DROP TABLE IF EXISTS ${t}.f;
      CREATE TEMP TABLE f (fingerprint TEXT PRIMARY KEY, kind TEXT, severity TEXT, reason TEXT, currency TEXT, reference TEXT,
        psp TEXT, ledger TEXT, difference TEXT, difference_minor ${int}, scope_date TEXT, reject_id ${int}, bank TEXT);
      DROP TABLE IF EXISTS ${t}.mm; DROP TABLE IF EXISTS ${t}.prop; DROP TABLE IF EXISTS ${t}.propf; DROP TABLE IF EXISTS ${t}.rej;
      -- Rows of live manual matches: no automatic stage may pair them (filled by stageManual).
      CREATE TEMP TABLE mm (id ${int} PRIMARY KEY, match_id ${int} NOT NULL);
      -- Pairings below --auto-confirm: proposed, not made; a row is in at most one.
      CREATE TEMP TABLE prop (p_id ${int} PRIMARY KEY, l_id ${int} NOT NULL UNIQUE, rule TEXT NOT NULL, confidence ${int} NOT NULL);
      -- The missing_* finding each proposed row was reported as (to link proposals to items).
      CREATE TEMP TABLE propf (tx_id ${int} PRIMARY KEY, fingerprint TEXT NOT NULL);
      -- Pairs a person rejected: never proposed (or paired) again.
      CREATE TEMP TABLE rej (p_id ${int}, l_id ${int}, PRIMARY KEY (p_id, l_id))${this.dialect === 'sqlite' ? ' WITHOUT ROWID' : ''};
      INSERT INTO rej SELECT p.id, l.id FROM proposals x
        JOIN transactions p ON p.external_id = x.psp_external_id AND p.side = 'psp' AND p.source = x.psp_source
        JOIN transactions l ON l.external_id = x.ledger_external_id AND l.side = 'ledger' AND l.source = x.ledger_source
        WHERE x.status = 'rejected' ON CONFLICT DO NOTHING;
    `);
    this.insertProposal = db.prepare(
      `INSERT INTO prop SELECT @p, @l, @rule, @confidence WHERE NOT EXISTS (SELECT 1 FROM rej WHERE p_id = @p AND l_id = @l) ON CONFLICT DO NOTHING`,
    );
    // Written behind on PostgreSQL (a round trip per pair saved; src/db/write-behind.ts).
    this.insertMatch = writeBehind(db, 'INSERT INTO recon_matches (run_id, psp_tx_id, ledger_tx_id, rule, group_no) VALUES (?, ?, ?, ?, ?)');
    this.insertMatchNoted =
      this.dialect === 'sqlite'
        ? this.insertMatch
        : writeBehind(
            db,
            `WITH m AS (INSERT INTO recon_matches (run_id, psp_tx_id, ledger_tx_id, rule, group_no) VALUES (?, ?, ?, ?, ?) RETURNING psp_tx_id, ledger_tx_id)
             INSERT INTO stage_pairs SELECT psp_tx_id, ledger_tx_id FROM m`,
          );
    if (this.dialect !== 'sqlite') db.exec(`DROP TABLE IF EXISTS ${t}.stage_pairs; CREATE TEMP TABLE stage_pairs (p_id ${int} NOT NULL, l_id ${int} NOT NULL)`);
    this.findings = new FindingSink(db);
  }

  // ---- shared machinery ----------------------------------------------------------------------

  /**
   * A stage whose candidates SQL can enumerate: clean one-to-one pairs are claimed in bulk in
   * SQL; suspect pairs and groups (rows with several candidates) go through the matchers.
   *
   * Rows are counted per side in keyed tables (cand_l, cand_p: id -> candidates, set to 0 when
   * a group leaves the row unclaimed). Candidates arrive in nearly ascending id order, so these
   * are appends, cheaper than sorting a million edges twice; they are also exactly the rows the
   * stage claimed, which is what buildLeftovers needs after the identifier stage.
   */
  protected candidateStage(rule: MatchRule, fillSql: string): void {
    const db = this.db;
    const t = this.tmp;
    const sqlite = this.dialect === 'sqlite';
    const int = intType(db);
    db.exec(`DROP TABLE IF EXISTS ${t}.cand; DROP TABLE IF EXISTS ${t}.cand_l; DROP TABLE IF EXISTS ${t}.cand_p; DROP TABLE IF EXISTS ${t}.tot;`);
    // PostgreSQL has no rowid: the pairs are numbered (k) for paging instead.
    db.prepare(sqlite ? `CREATE TEMP TABLE cand AS ${fillSql}` : `CREATE TEMP TABLE cand AS SELECT row_number() OVER () AS k, c.* FROM (${fillSql}) AS c`).run(
      this.params,
    );
    // The counts are upserts on SQLite (appends, see above); PostgreSQL refuses an upsert that
    // meets the same key twice in one statement, and aggregates by hashing anyway.
    // PostgreSQL: the tables are made from an aggregate, unkeyed: what reads them is a hash join
    // or one batched update (a key cost a sorted build per table, 1-2 s at 1M pairs). All three
    // are analyzed, as autovacuum never looks at temporary tables: without statistics the
    // update below rescanned cand_l once per pair (70 s at 1M pairs) instead of hashing it.
    db.exec(
      sqlite
        ? `CREATE TEMP TABLE cand_l (id ${int} PRIMARY KEY, n ${int} NOT NULL);
           CREATE TEMP TABLE cand_p (id ${int} PRIMARY KEY, n ${int} NOT NULL);
           INSERT INTO cand_l SELECT l_id, 1 FROM cand WHERE true ON CONFLICT (id) DO UPDATE SET n = n + 1;
           INSERT INTO cand_p SELECT p_id, 1 FROM cand WHERE true ON CONFLICT (id) DO UPDATE SET n = n + 1;`
        : `ANALYZE cand;
           CREATE TEMP TABLE cand_l AS SELECT l_id AS id, count(*) AS n FROM cand GROUP BY l_id;
           CREATE TEMP TABLE cand_p AS SELECT p_id AS id, count(*) AS n FROM cand GROUP BY p_id;
           ANALYZE cand_l; ANALYZE cand_p;`,
    );
    // Edges of rows with several candidates form groups: mark them (suspect = 2) for resolveGroup.
    const grouped = db.prepare('SELECT EXISTS (SELECT 1 FROM cand_l WHERE n > 1) OR EXISTS (SELECT 1 FROM cand_p WHERE n > 1)').pluck().get();
    if (grouped) {
      // As IN lists, the few grouped ids are gathered once and each pair is looked up among them
      // (two small hashes on PostgreSQL, two small temporary b-trees on SQLite). Per-row
      // subqueries into the count tables ran a row at a time on PostgreSQL (1.5 s at 200k pairs)
      // and cost SQLite two seeks into million-row tables per pair.
      db.exec(`UPDATE cand SET suspect = 2 WHERE l_id IN (SELECT id FROM cand_l WHERE n > 1) OR p_id IN (SELECT id FROM cand_p WHERE n > 1)`);
    }
    if (this.proposeAt !== null) {
      db.prepare(
        `INSERT INTO prop SELECT p_id, l_id, CAST(? AS TEXT), CAST(? AS ${int}) FROM cand WHERE suspect = 0
         AND NOT EXISTS (SELECT 1 FROM rej WHERE rej.p_id = cand.p_id AND rej.l_id = cand.l_id) ON CONFLICT DO NOTHING`,
      ).run(rule, this.proposeAt);
      db.exec('DELETE FROM cand WHERE suspect = 0');
    }
    const pairs = `INSERT INTO recon_matches (run_id, psp_tx_id, ledger_tx_id, rule, group_no) SELECT CAST(? AS ${int}), p_id, l_id, CAST(? AS TEXT), NULL FROM cand WHERE suspect = 0`;
    db.prepare(this.noting ? `WITH m AS (${pairs} RETURNING psp_tx_id, ledger_tx_id) INSERT INTO stage_pairs SELECT psp_tx_id, ledger_tx_id FROM m` : pairs).run(this.runId, rule);
    // Per-currency totals summed into a keyed table rather than GROUP BY (which sorts every pair).
    // Payouts count as matched rows but add nothing (amt is 0): their money is the rows already counted.
    // Summed in two halves (amt = hi * 10^9 + lo) joined as bigint here: SQLite's integer sum
    // leaves 64 bits (into a float, or an error) after ~92 rows near the per-row bound
    // (MAX_ROW_MINOR, 10^17); each half stays exact for ~10^9 rows.
    db.exec(`
      CREATE TEMP TABLE tot (cur TEXT PRIMARY KEY, n ${int} NOT NULL, hi ${int} NOT NULL, lo ${int} NOT NULL);
      ${
        sqlite
          ? `INSERT INTO tot SELECT cur, 1, amt / ${SPLIT}, amt % ${SPLIT} FROM cand WHERE suspect = 0 AND true
               ON CONFLICT (cur) DO UPDATE SET n = n + 1, hi = hi + excluded.hi, lo = lo + excluded.lo;`
          : `INSERT INTO tot SELECT cur, count(*), sum(amt / ${SPLIT}), sum(amt % ${SPLIT}) FROM cand WHERE suspect = 0 GROUP BY cur;`
      }
    `);
    for (const t of db.prepare('SELECT cur, n, hi, lo FROM tot').safeIntegers(true).all() as Array<{ cur: string; n: bigint; hi: bigint; lo: bigint }>) {
      this.addTotal(t.cur, Number(t.n), t.hi * BigInt(SPLIT) + t.lo);
    }

    const k = sqlite ? 'rowid' : 'k';
    for (const page of pagedIds(db, `SELECT ${k} AS k, l_id, p_id FROM cand WHERE suspect = 1 AND ${k} > @after ORDER BY ${k} LIMIT @limit`, {})) {
      const rows = loadRows(db, page.flatMap((e) => [e.l_id, e.p_id]));
      for (const e of page) this.take({ rule, psp: [rows.get(e.p_id)!], ledger: [rows.get(e.l_id)!] });
    }

    const edges = grouped ? (db.prepare('SELECT l_id, p_id FROM cand WHERE suspect = 2').all() as Array<{ l_id: number; p_id: number }>) : [];
    if (edges.length) {
      const rows = loadRows(db, new Set(edges.flatMap((e) => [e.l_id, e.p_id])));
      const unclaimedL: number[] = [];
      const unclaimedP: number[] = [];
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
        for (const id of comp.psp) if (!claimed.has(id)) unclaimedP.push(id);
        for (const id of comp.ledger) if (!claimed.has(id)) unclaimedL.push(id);
        for (const n of decision.notes) this.note(n.rowId, n.note);
      }
      // Rows a group left unclaimed stay for the later stages (n = 0), in one statement per side.
      for (const [table, ids] of [['cand_l', unclaimedL], ['cand_p', unclaimedP]] as const) {
        if (ids.length) db.prepare(`UPDATE ${table} SET n = 0 WHERE ${inJsonInt(db, 'id', '?')}`).run(JSON.stringify(ids));
      }
    }
    db.exec(`DROP TABLE ${t}.cand; DROP TABLE ${t}.tot;`);
  }

  /**
   * Where the current stage's pairs start in recon_matches: SQLite's rowid. PostgreSQL's
   * recon_matches has no insertion order to mark, and claiming every pair of the run again
   * hashed a million pairs twice per stage (about 20 s of a 1M x 1M run): there the pairs made
   * from now on are also noted in stage_pairs, emptied here.
   */
  protected mark(): number {
    if (this.dialect !== 'sqlite') {
      this.db.exec('TRUNCATE stage_pairs');
      this.noting = true;
      return 0;
    }
    return (this.db.prepare('SELECT coalesce(max(rowid), 0) FROM recon_matches').pluck().get() as number) ?? 0;
  }

  /** Remove what was paired since `since` (a mark()) from the leftover tables. */
  protected claim(since: number): void {
    if (this.dialect === 'sqlite') {
      this.db.prepare('DELETE FROM lp WHERE id IN (SELECT psp_tx_id FROM recon_matches WHERE rowid > ?)').run(since);
      this.db.prepare('DELETE FROM ll WHERE id IN (SELECT ledger_tx_id FROM recon_matches WHERE rowid > ?)').run(since);
    } else {
      this.db.exec('DELETE FROM lp WHERE id IN (SELECT p_id FROM stage_pairs); DELETE FROM ll WHERE id IN (SELECT l_id FROM stage_pairs)');
    }
    // A proposed row waits for a person: later (weaker) stages must not pair it elsewhere.
    this.db.exec('DELETE FROM lp WHERE id IN (SELECT p_id FROM prop); DELETE FROM ll WHERE id IN (SELECT l_id FROM prop)');
  }

  protected take(pr: Pairing): void {
    if (this.proposeAt !== null && pr.rule !== 'manual') {
      // Below --auto-confirm: a one-to-one pairing is proposed (unless a person rejected that
      // pair); a grouping (split, duplicate) is not proposed and its rows stay for later stages.
      if (pr.psp.length === 1 && pr.ledger.length === 1 && !pr.finding) {
        this.insertProposal.run({ p: pr.psp[0].id, l: pr.ledger[0].id, rule: pr.rule, confidence: this.proposeAt });
      }
      return;
    }
    // A person's pairing explains itself: its finding (an amount difference) or nothing.
    const finding = pr.rule === 'manual' ? (pr.finding ?? null) : (pr.finding ?? classifyPair(pr.psp, pr.ledger, this.opts, pr.rule));
    const grp = pr.psp.length > 1 || pr.ledger.length > 1 ? ++this.groupNo : null;
    const insert = this.noting ? this.insertMatchNoted : this.insertMatch;
    for (const p of pr.psp) for (const l of pr.ledger) insert(this.runId, p.id, l.id, pr.rule, grp);
    if (finding) this.addFinding(finding);
    else for (const p of pr.psp) this.addTotal(p.currency, 1, p.type === 'payout' ? 0n : p.amountMinor);
  }

  protected note(rowId: number, note: string): void {
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
    this.findings.add({
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
      bank: f.bank ? JSON.stringify(f.bank) : null,
    });
  }

  /** Write the findings still held (PostgreSQL batches them): before the run reads f. */
  flushFindings(): void {
    this.findings.flush();
  }

  /** The payout -> bank deposit step (reconcile/deposits.ts). */
  matchDeposits(payoutRows: number[], windowDays: number): void {
    runDepositStage({ db: this.db, scope: this.scope, runId: this.runId, payoutRows, windowDays, addFinding: (f) => this.addFinding(f) });
  }

  matchedCount(): number {
    let n = 0;
    for (const t of this.totals.values()) n += t.matched;
    return n;
  }

  dispose(): void {
    const tables = ['lp', 'll', 'cand_p', 'cand_l', 'cand', 'tot', 'tol', 'pg', 'f', 'mm', 'prop', 'propf', 'rej', 'stage_pairs'];
    this.db.exec(tables.map((x) => `DROP TABLE IF EXISTS ${this.tmp}.${x};`).join(' '));
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
    type: rows.every((r) => r.type === first.type) ? first.type : rows.map((r) => r.type).join('+'),
  };
}
