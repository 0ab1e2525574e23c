/**
 * Test helper: a migrated temp database with transactions inserted directly (no importer), and
 * a CommandContext over it that captures output. Rows are given in major-unit decimal text.
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { createContext, type CommandContext } from '../../src/context.js';
import type { DB } from '../../src/db/open.js';
import { parseMoney } from '../../src/domain/money.js';
import type { ReconcileDocument, ReconcileResult } from '../../src/domain/discrepancy.js';
import { tempDir } from './cli.js';
import { openTestStore, storeFor } from './backend.js';

export interface RowSpec {
  side: 'psp' | 'ledger';
  id: string;
  type?: string;
  amount: string;
  currency?: string;
  fee?: string;
  net?: string;
  settlementCurrency?: string;
  at?: string; // YYYY-MM-DD or full ISO
  reference?: string;
  pspReference?: string;
  payoutId?: string;
  aliases?: string[];
  source?: string;
}

export class TestStore {
  readonly db: DB;
  readonly dbPath: string;
  private readonly cleanup: () => void;
  private line = 1;
  private importIds = new Map<string, number>();

  constructor() {
    const t = tempDir('payrecon-recon-');
    this.dbPath = join(t.dir, 'x.db');
    this.cleanup = t.cleanup;
    // The backend under test (PAYRECON_TEST_BACKEND): a file, or a database of its own on the cluster.
    this.db = openTestStore(this.dbPath);
  }

  private importFor(side: string, source: string): number {
    const key = `${side}:${source}`;
    let id = this.importIds.get(key);
    if (id === undefined) {
      id = Number(
        this.db
          .prepare(
            `INSERT INTO imports (side, path, file_name, size, sha256, format, source, imported_at) VALUES (?, ?, ?, 0, ?, ?, ?, '2025-04-01T00:00:00Z') RETURNING id`,
          )
          .pluck()
          .get(side, `/tmp/${source}.csv`, `${source}.csv`, `sha-${key}-${Math.random()}`, source, source),
      );
      this.importIds.set(key, id);
    }
    return id;
  }

  add(...rows: RowSpec[]): this {
    for (const r of rows) {
      const currency = r.currency ?? 'EUR';
      const source = r.source ?? (r.side === 'psp' ? 'stripe' : 'ledger');
      const at = r.at ?? '2025-03-10';
      const bookedAt = at.length === 10 ? `${at}T12:00:00Z` : at;
      const sc = r.settlementCurrency ?? null;
      const id = this.db
        .prepare(
          `INSERT INTO transactions (id, import_id, side, source, external_id, reference, psp_reference, type, currency, amount_minor,
             fee_minor, net_minor, settlement_currency, exchange_rate, booked_at, payout_id, description, line, raw)
           VALUES ((SELECT coalesce(max(id), 0) + 1 FROM transactions), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?, '[]') RETURNING id`,
        )
        .pluck()
        .get(
          this.importFor(r.side, source),
          r.side,
          source,
          r.id,
          r.reference ?? null,
          r.pspReference ?? null,
          r.type ?? 'charge',
          currency,
          parseMoney(r.amount, currency),
          r.fee !== undefined ? parseMoney(r.fee, sc ?? currency) : null,
          r.net !== undefined ? parseMoney(r.net, sc ?? currency) : null,
          sc,
          bookedAt,
          r.payoutId ?? null,
          ++this.line,
        );
      if (r.side === 'psp') {
        const ins = this.db.prepare('INSERT INTO transaction_ids (ident, tx_id) VALUES (?, ?) ON CONFLICT DO NOTHING');
        ins.run(r.id, id);
        for (const a of r.aliases ?? []) ins.run(a, id);
      }
    }
    return this;
  }

  reject(side: 'psp' | 'ledger', line: number, reason: string): this {
    this.db
      .prepare(`INSERT INTO rejects (import_id, side, source, file, line, col, reason, raw) VALUES (?, ?, 'ledger', '/tmp/ledger.csv', ?, 'amount', ?, '[]')`)
      .run(this.importFor(side, side === 'psp' ? 'stripe' : 'ledger'), side, line, reason);
    return this;
  }

  /** A context over this store; output is captured in `out.text`. */
  context(opts: { json?: boolean; now?: Date; signal?: AbortSignal } = {}): CommandContext & { captured: () => string } {
    let text = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    const ctx = createContext({
      global: { db: storeFor(this.dbPath), json: opts.json ?? true },
      env: { PAYRECON_ACTOR: 'tester' },
      stdout: sink,
      stderr: sink,
      now: () => opts.now ?? new Date('2025-04-01T06:00:00Z'),
      signal: opts.signal,
    });
    return Object.assign(ctx, { captured: () => text });
  }

  close(): void {
    this.db.close();
    this.cleanup();
  }
}

/**
 * A run's result as the document it prints, items read now: the result reads them from the
 * database when iterated, so a test that closes its context afterwards reads them first.
 */
export function documentOf(result: ReconcileResult): ReconcileDocument {
  return { ...result, discrepancies: [...result.discrepancies] };
}
