/**
 * Where a run's findings go: the working table f (workspace.ts), first finding of a fingerprint
 * wins. On SQLite a statement per finding costs microseconds. On PostgreSQL each statement is a
 * round trip (about 0.6 ms: 12 of the 16 seconds of a 20,000-item run), so there findings are
 * sent in batches as one JSON parameter, in the order they came, and flushed before f is read.
 */
import { dialectOf, type DB } from '../db/open.js';
import type { Statement } from '../db/port.js';

/** A row of f, as the workspace builds it. */
export interface FindingRow {
  fingerprint: string;
  kind: string;
  severity: string;
  reason: string;
  currency: string | null;
  reference: string | null;
  psp: string | null;
  ledger: string | null;
  difference: string | null;
  difference_minor: bigint | null;
  scope_date: string | null;
  reject_id: number | null;
  bank: string | null;
}

/** Findings per statement on PostgreSQL: bounded memory, few round trips. */
const BATCH = 1000;

const COLUMNS = `fingerprint TEXT, kind TEXT, severity TEXT, reason TEXT, currency TEXT, reference TEXT, psp TEXT, ledger TEXT,
  difference TEXT, difference_minor BIGINT, scope_date TEXT, reject_id BIGINT, bank TEXT`;

export class FindingSink {
  private readonly one: Statement | null;
  private readonly many: Statement | null;
  private batch: FindingRow[] = [];

  constructor(db: DB) {
    const sqlite = dialectOf(db) === 'sqlite';
    this.one = sqlite
      ? db.prepare(
          `INSERT INTO f VALUES (@fingerprint, @kind, @severity, @reason, @currency, @reference, @psp, @ledger, @difference, @difference_minor, @scope_date, @reject_id, @bank)
           ON CONFLICT DO NOTHING`,
        )
      : null;
    // A later duplicate in the same batch meets the row inserted before it: first wins, as on SQLite.
    this.many = sqlite ? null : db.prepare(`INSERT INTO f SELECT * FROM json_to_recordset(CAST(? AS json)) AS x(${COLUMNS}) ON CONFLICT DO NOTHING`);
  }

  add(row: FindingRow): void {
    if (this.one) {
      this.one.run(row);
      return;
    }
    this.batch.push(row);
    if (this.batch.length >= BATCH) this.flush();
  }

  /** Write what is held (PostgreSQL); before anything reads f. */
  flush(): void {
    if (!this.many || this.batch.length === 0) return;
    // A difference may exceed a JS number: sent as its decimal text, read as BIGINT.
    this.many.run(JSON.stringify(this.batch, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    this.batch = [];
  }
}
