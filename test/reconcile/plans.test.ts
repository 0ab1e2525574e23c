/**
 * A reconcile without a window reads the store in table order. The partial indexes of
 * migration 015 (transactions_psp_ref, transactions_payout) are for windowed runs: SQLite also
 * picks them for an unwindowed run, because their WHERE (`... IS NOT NULL`) is implied by the
 * query, and then fetches every row by rowid in index order: random reads over the whole
 * table (about 10% more CPU for the identifier stage at 3M rows with the store in the OS cache,
 * disk seeks without it; docs/benchmarks/reconcile.md, "3M x 3M"). No timing here: the plan of every statement the
 * run prepares is checked for a walk of either index, and the findings are the same either way
 * (window.test.ts runs every edge case with and without a window).
 */
import { afterEach, expect, it } from 'vitest';
import type { DB } from '../../src/db/open.js';
import { reconcile } from '../../src/operations/reconcile.js';
import { parseReconcileOptions, type ReconcileOptions } from '../../src/commands/reconcile.js';
import { documentOf, TestStore, type RowSpec } from '../helpers/test-store.js';
import { onPostgres } from '../helpers/backend.js';

// SQLite's query plans (EXPLAIN QUERY PLAN, its partial indexes and hints): PostgreSQL plans on
// its own statistics and gets none of the hints (src/db/sql.ts plannerHints).
const sqliteIt = it.skipIf(onPostgres);

let store: TestStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const ROWS: RowSpec[] = [
  { side: 'psp', id: 'txn_1', aliases: ['ch_1'], amount: '120.00', at: '2025-03-03', payoutId: 'po_1' },
  { side: 'ledger', id: 'L-1', pspReference: 'ch_1', amount: '120.00', at: '2025-03-03' },
  { side: 'psp', id: 'txn_2', amount: '80.00', at: '2025-03-04', payoutId: 'po_1' },
  { side: 'ledger', id: 'L-2', pspReference: 'txn_2', amount: '80.00', at: '2025-03-05' },
  { side: 'psp', id: 'txn_po_1', aliases: ['po_1'], type: 'payout', amount: '-200.00', at: '2025-03-06', payoutId: 'po_1' },
  { side: 'ledger', id: 'L-po', pspReference: 'po_1', type: 'payout', amount: '-200.00', at: '2025-03-06' },
];

/** The query plan of every statement prepared on the run's connection, with each parameter NULL. */
async function plansOf(rows: RowSpec[], opts: ReconcileOptions): Promise<{ plans: Map<string, string[]>; kinds: string[] }> {
  store = new TestStore().add(...rows);
  const ctx = store.context();
  const plans = new Map<string, string[]>();
  const open = ctx.db.bind(ctx);
  let wrapped: DB | undefined;
  ctx.db = () =>
    (wrapped ??= new Proxy(open(), {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop !== 'prepare' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return (sql: string) => {
          const stmt = target.prepare(sql);
          if (stmt.reader || /^\s*(INSERT|CREATE|UPDATE|DELETE)/i.test(sql)) {
            const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
            const positional = (sql.replace(/'[^']*'/g, '').match(/\?/g) ?? []).map(() => null);
            const explain = target.prepare(`EXPLAIN QUERY PLAN ${sql}`);
            const rows = (Object.keys(named).length ? explain.all(named) : explain.all(...positional)) as Array<{ detail: string }>;
            plans.set(sql, rows.map((r) => r.detail));
          }
          return stmt;
        };
      },
    }) as DB);
  try {
    const doc = documentOf(await reconcile(ctx, parseReconcileOptions(opts)));
    return { plans, kinds: doc.discrepancies.map((d) => d.kind) };
  } finally {
    ctx.close();
  }
}

sqliteIt('an unwindowed run walks neither partial index of migration 015, and pairs everything', async () => {
  const { plans, kinds } = await plansOf(ROWS, {});
  expect(kinds).toEqual([]); // every row paired: by alias, by id a day late (inside --date-window), the payout by its batch
  const walks = [...plans].filter(([, lines]) => lines.some((l) => /transactions_psp_ref|transactions_payout/.test(l)));
  expect(walks.map(([sql, lines]) => `${lines.join(' | ')}\n  in: ${sql.slice(0, 200)}`)).toEqual([]);
  // The identifier stage and the payout sums were among the statements looked at.
  expect([...plans.keys()].some((sql) => sql.includes('CROSS JOIN transaction_ids ti ON ti.ident = l.psp_reference'))).toBe(true);
  expect([...plans.keys()].some((sql) => sql.includes('INSERT INTO pg'))).toBe(true);
});

/** January's clean pairs: with them a night in March is a small share of the store (narrowScope). */
const HISTORY: RowSpec[] = Array.from({ length: 40 }, (_, i) => [
  { side: 'psp' as const, id: `txn_h${i}`, amount: `${i + 1}.00`, at: `2025-01-${String((i % 28) + 1).padStart(2, '0')}` },
  { side: 'ledger' as const, id: `L-h${i}`, pspReference: `txn_h${i}`, amount: `${i + 1}.00`, at: `2025-01-${String((i % 28) + 1).padStart(2, '0')}` },
]).flat();

sqliteIt('a night still selects its rows, its identifiers and its batches through the indexes', async () => {
  const { plans, kinds } = await plansOf([...HISTORY, ...ROWS], { from: '2025-03-06', to: '2025-03-06' });
  expect(kinds).toEqual([]);
  const lines = [...plans.values()].flat();
  for (const index of ['transactions_window', 'transactions_psp_ref', 'transactions_payout']) {
    expect(lines.filter((l) => l.includes(index)), index).not.toEqual([]);
  }
});
