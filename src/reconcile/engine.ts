/**
 * One reconcile run end to end: the stages of STAGE_TABLE in order (each claiming what it
 * pairs, then payouts, leftovers and rejected rows), all merged into the living discrepancies,
 * in ONE write transaction. An interrupt between stages or batches rolls everything back.
 */
import type { Decimal } from 'decimal.js';
import type { OperationContext } from '../operations/context.js';
import { appendAudit, defaultActor } from '../db/audit.js';
import { getRunDocument, getRunHeader, runItems } from '../db/discrepancies.js';
import { type DB, dialectOf, sqliteSetting, withWriteTransaction } from '../db/open.js';
import { makeScope, narrowScope } from './rows.js';
import { STAGE_TABLE } from './stage-table.js';
import { countInScope, RunWorkspace } from './stages.js';
import { finishRun, insertRun, mergeFindings, openKindsOfRun, rewindRunIds, storeTotals } from '../db/reconcile-store.js';
import { storeProposals } from '../db/proposals.js';
import { buildWindowIndex, missingWindowIndexes } from '../db/window-indexes.js';
import { exitCodeFor } from '../domain/exit-codes.js';
import { RECONCILE_DEFAULTS, type DiscrepancyKind, type ReconcileDocument, type ReconcileResult, type RunHeader } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';

export interface EngineParams {
  from?: string;
  to?: string;
  tolerance: Decimal;
  /** The tolerance as the user wrote it, for the run record. */
  toleranceText: string;
  dateWindow: number;
  /** Business days a payout may take to reach the bank statement. */
  depositWindow?: number;
  failOn?: DiscrepancyKind[];
  /** Pairings of a stage less sure than this (0-100, STAGE_TABLE confidence) are proposals. */
  autoConfirm: number;
  /** Work out the run and roll it back: the document says what a run would record. */
  dryRun?: boolean;
  /** Called after each stage with its label (STAGE_TABLE), then once more with 'store', and
   *  the rows in scope scaled by the steps done so far (a progress bar's done and total). The
   *  first narrow run after a bulk load calls it before each index it builds, with 0 and 0. */
  onStage?: (name: string, done: number, total: number) => void;
}

/** The last progress step: storing the run's results. Not a stage: it pairs and finds nothing. */
const STORE_LABEL = 'store';
/** Progress steps of a run: every stage, then storing. */
const STEPS = STAGE_TABLE.length + 1;

/** Thrown at the end of a dry run to roll its transaction back, carrying what it would have recorded. */
class DryRunRollback extends Error {
  constructor(readonly doc: ReconcileDocument) {
    super('dry run');
  }
}

function hasTransactions(db: DB): boolean {
  return db.prepare('SELECT EXISTS (SELECT 1 FROM transactions)').pluck().get() === 1;
}

/**
 * A recorded run hands back its head and its items as a query, read after the commit and once
 * the workspace is gone: holding a million items as objects would cost more than the run itself.
 * A dry run must read its items before rolling them back, so it holds them.
 */
export async function runReconcile(ctx: OperationContext, p: EngineParams): Promise<ReconcileResult> {
  if (!p.dryRun) {
    const header = await record(ctx, p);
    return { ...header, discrepancies: runItems(ctx.db(), header.run) };
  }
  try {
    await record(ctx, p);
  } catch (err) {
    if (err instanceof DryRunRollback) {
      // PostgreSQL only (identity sequences ignore the rollback); SQLite needs no transaction for it.
      if (dialectOf(ctx.db()) !== 'sqlite') await withWriteTransaction(ctx.db(), () => rewindRunIds(ctx.db()));
      return { ...err.doc, dry_run: true };
    }
    throw err;
  }
  throw new Error('unreachable: a dry run always rolls back');
}

async function record(ctx: OperationContext, p: EngineParams): Promise<RunHeader> {
  const db = ctx.db();
  // The working tables (temp.cand & co.: one row per identifier pair, ~65 bytes a pair; temp.f:
  // every finding with its JSON sides) and the merge's sort live in a temp file behind a bounded
  // cache, this connection only. In memory (temp_store = MEMORY) they grew a 3M x 3M run by 200
  // MB and took 1.3 GB at a million findings. A temp file lives in the OS page cache and is never
  // synced; a 16 MB main and 8 MB temp cache cost no CPU against 32 + 32 MB at 1M x 1M rows and
  // cut the peak by about 50 MB (docs/benchmarks/reports.md, docs/benchmarks/reconcile.md).
  sqliteSetting(db, 'temp_store = FILE');
  sqliteSetting(db, 'temp.cache_size = -8192');
  sqliteSetting(db, 'cache_size = -16384');
  const opts = { tolerance: p.tolerance, dateWindowDays: p.dateWindow };
  const actor = defaultActor(ctx.env);
  const startedAt = ctx.now().toISOString();
  let stage = 0;
  let rows = 0;
  const step = async (label: string) => {
    stage++;
    p.onStage?.(label, Math.round((rows * stage) / STEPS), rows);
    ctx.checkInterrupted();
    await new Promise(setImmediate);
  };

  // The first narrow run after a bulk load builds the indexes it selects through, in a
  // transaction of its own that a dry run keeps too (src/db/window-indexes.ts). Over millions of
  // rows that takes seconds per index: the progress line says which is being built.
  if ((p.from || p.to) && missingWindowIndexes(db).length && narrowScope(db, makeScope(p.from, p.to, p.dateWindow)).narrow) {
    await withWriteTransaction(db, async () => {
      for (const name of missingWindowIndexes(db)) {
        p.onStage?.(`building index ${name} (once after a bulk load)`, 0, 0);
        ctx.checkInterrupted();
        await new Promise(setImmediate);
        buildWindowIndex(db, name);
      }
    });
  }

  return withWriteTransaction(db, async () => {
    const scope = narrowScope(db, makeScope(p.from, p.to, p.dateWindow));
    const counts = countInScope(db, scope);
    rows = counts.psp + counts.ledger;
    // A quiet day (data in the store, none in the window) is a run like any other: exit 0
    // unless open items say otherwise. Only a store with nothing imported at all is an error.
    if (counts.psp + counts.ledger === 0 && !hasTransactions(db)) {
        const where = p.from || p.to ? ` between ${p.from ?? 'the beginning'} and ${p.to ?? 'the end'}` : '';
        throw new UsageError(
          `nothing to reconcile: no PSP rows or ledger entries${where} in ${ctx.dbPath}`,
          where
            ? 'check --from/--to against the dates of the imported files, or import first'
            : 'import first: payrecon import psp <files> and payrecon import ledger <files>',
        );
    }
    const runId = insertRun(db, {
      startedAt,
      actor,
      from: p.from ?? null,
      to: p.to ?? null,
      amountTolerance: p.toleranceText,
      dateWindow: p.dateWindow,
      failOn: p.failOn ?? null,
      pspCount: counts.psp,
      ledgerCount: counts.ledger,
    });
    const ws = new RunWorkspace(db, scope, opts, runId);
    try {
      ctx.checkInterrupted();
      const stageCtx = { payoutRows: counts.payoutRows, depositWindowDays: p.depositWindow ?? RECONCILE_DEFAULTS.depositWindow };
      for (const st of STAGE_TABLE) {
        ws.proposeAt = st.confidence !== null && st.confidence < p.autoConfirm ? st.confidence : null;
        const batches = st.run(ws, stageCtx);
        if (batches) {
          for (const _ of batches) {
            ctx.checkInterrupted();
            await new Promise(setImmediate);
          }
        }
        await step(st.label);
      }

      ws.flushFindings();
      storeTotals(db, runId, ws.totals);
      const finishedAt = ctx.now().toISOString();
      const merged = mergeFindings(db, runId, finishedAt, actor, { from: p.from ?? null, to: p.to ?? null });
      const proposed = storeProposals(db, runId);
      const exitCode = exitCodeFor(openKindsOfRun(db, runId), p.failOn);
      const open = db
        .prepare(`SELECT count(*) FROM recon_run_discrepancies WHERE run_id = ? AND status_at_run IN ('open', 'acknowledged')`)
        .pluck()
        .get(runId) as number;
      finishRun(db, runId, { finishedAt, exitCode, matched: ws.matchedCount(), discrepancies: open });
      appendAudit(db, {
        action: 'reconcile',
        subject: `run ${runId}`,
        details: {
          window: { from: p.from ?? null, to: p.to ?? null },
          amount_tolerance: p.toleranceText,
          date_window: p.dateWindow,
          deposit_window: stageCtx.depositWindowDays,
          fail_on: p.failOn ?? null,
          counts: { psp: counts.psp, ledger: counts.ledger, matched: ws.matchedCount(), discrepancies: open },
          new: merged.created,
          persisting: merged.persisting,
          auto_closed: merged.closed.length,
          auto_confirm: p.autoConfirm,
          proposals: proposed,
          exit_code: exitCode,
        },
        actor,
        at: finishedAt,
      });
      await step(STORE_LABEL);
      if (p.dryRun) throw new DryRunRollback(getRunDocument(db, runId));
      const header = getRunHeader(db, runId);
      ws.dispose();
      return header;
    } catch (err) {
      // On PostgreSQL a failed statement leaves the transaction refusing every other one: the
      // rollback drops the working tables there, and the first error is the one to report.
      try {
        ws.dispose();
      } catch {
        /* the error being thrown says more */
      }
      throw err;
    }
  });
}
