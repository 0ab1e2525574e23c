/**
 * Scanning: verify each baseline's signatures (exit 20 on any failure, before comparing
 * anything), look at the files again, record the signed scan with its findings and return the
 * OR of the exit bitmasks. Called by `payrecon scan` and by scheduled scan jobs.
 */
import type { FileRecord } from '../checksums/attributes.js';
import { captureState, type CurrentState } from '../checksums/capture.js';
import { compareToBaseline, countFindings } from '../checksums/compare.js';
import { findingRecords } from '../checksums/events.js';
import { loadKey } from '../checksums/key-file.js';
import type { SigningKey } from '../checksums/signing.js';
import { selectionOf, type BaselineSpec } from '../checksums/profiles.js';
import { attributeSetOf } from '../checksums/attribute-groups.js';
import { auditRecordsBaseline } from '../db/audit.js';
import { findBaseline, listBaselineRows, type BaselineRow } from '../db/integrity.js';
import { withWriteTransaction, type DB } from '../db/open.js';
import { combineExitCodes, exitCodeFor } from '../domain/exit-codes.js';
import type { FindingKind, ScanDocument } from '../domain/integrity.js';
import type { Progress } from '../domain/progress.js';
import { DatabaseError, TamperError, UsageError } from '../errors.js';
import { formatBytes } from '../output.js';
import type { OperationContext } from './context.js';
import { verifyBaselineRow } from './integrity-store.js';
import { insertScan, loadVerifiedBaseline } from './scan-history.js';

export interface ScanParams {
  /** Baselines to scan; every baseline when empty. */
  names: string[];
  /** Kinds that set exit bits; every kind but policy when absent. */
  failOn?: FindingKind[];
  keyFile?: string;
  /** Verify every kept scan and checkpoint, not just those since the newest checkpoint. */
  verifyHistory?: boolean;
}

export interface ScanResult {
  exitCode: number;
  scans: ScanDocument[];
  /** What the walk noticed (loops, paths that vanished), for a person to read. */
  notes: string[];
  /** Per scan (same order as `scans`): the record each finding's path is about, for events. */
  subjects: Array<ReadonlyMap<string, FileRecord>>;
}

/** Scans the named baselines (all when empty) and records each scan. Throws TamperError (20) etc. */
export async function scanBaselines(ctx: OperationContext, params: ScanParams): Promise<ScanResult> {
  const db = ctx.db();
  // A key that was given is checked first (a FIFO or a key readable by others is refused
  // whatever else is wrong); a missing one is reported naming the baselines' key ids.
  const given = params.keyFile !== undefined || Boolean(ctx.env.PAYRECON_KEY_FILE);
  const givenKey = given ? loadKey(params.keyFile, ctx.env, ctx.cwd) : undefined;
  const rows = selectBaselines(db, params.names);
  const key = givenKey ?? keyFor(ctx, params.keyFile, rows);
  // Every baseline record is checked before any scan starts.
  for (const row of rows) verifyBaselineRow(key, row);
  // An empty list is `--fail-on none` (report only), not the default.
  const failOn = params.failOn;
  const scans: ScanDocument[] = [];
  const notes: string[] = [];
  const subjects: Array<ReadonlyMap<string, FileRecord>> = [];
  // Every selected baseline's entries and history are verified before the first scan is
  // recorded: a tampered later baseline must not leave an earlier scan saved but never reported
  // (the scheduler would then never alert that scan's changes). Done while the first capture
  // hashes, to keep the overlap.
  // Each row is read again here, next to its entries, so the generation recorded is the one
  // whose entries were compared even if an update committed during the walk.
  let verified: Map<number, { head: BaselineRow; entries: Map<string, FileRecord> }> | undefined;
  // One read snapshot per baseline: a scan committed by another run between reading the
  // record and reading its history must not look like a history edited outside payrecon.
  const verifyAll = () => {
    verified = new Map(
      rows.map((r) =>
        db.transaction(() => {
          const head = findBaseline(db, r.name);
          if (!head || head.id !== r.id) throw removedMeanwhile(r.name);
          return [r.id, { head, entries: loadVerifiedBaseline(db, key, head, params.verifyHistory) }] as const;
        })(),
      ),
    );
  };
  for (const selected of rows) {
    const startedAt = ctx.now().toISOString();
    const spec = JSON.parse(selected.spec) as BaselineSpec;
    const state = await captureWithProgress(ctx, spec, `scan ${selected.name}`, verified ? undefined : verifyAll);
    const v = verified?.get(selected.id);
    if (!v) throw new Error('baseline was not verified'); // unreachable: meanwhile always runs
    const { head: row, entries } = v;
    notes.push(...state.notes);
    const findings = compareToBaseline(entries, state, attributeSetOf(spec));
    const code = exitCodeFor(
      findings.map((f) => f.kind),
      failOn,
    );
    const doc = await withWriteTransaction(db, () => {
      // Re-read under the write lock: another scan may have extended the chain meanwhile.
      const head = findBaseline(db, row.name);
      if (!head || head.id !== row.id) throw removedMeanwhile(row.name);
      // A `baseline update` that committed meanwhile replaced the entries compared above:
      // saving this scan would record findings against a generation that no longer exists.
      if (head.generation !== row.generation) {
        throw new DatabaseError(
          `baseline "${row.name}" was updated (generation ${row.generation} -> ${head.generation}) while it was being scanned; nothing was recorded`,
          'run the scan again',
        );
      }
      verifyBaselineRow(key, head);
      const { doc } = insertScan(db, key, head, {
        baselineName: row.name,
        generation: row.generation,
        startedAt,
        finishedAt: ctx.now().toISOString(),
        failOn: failOn ?? null,
        exitCode: code,
        counts: countFindings(state.records.length, findings),
        findings,
      });
      return doc;
    });
    scans.push(doc);
    subjects.push(findingRecords(findings, entries, state.records));
  }
  return { exitCode: combineExitCodes(scans.map((s) => s.exit_code)), scans, notes, subjects };
}

/**
 * The key the baselines were signed with. Without one, the hint names the key id each baseline
 * was signed with: creating a new key (the generic hint) would only make every check fail.
 */
function keyFor(ctx: OperationContext, keyFile: string | undefined, rows: BaselineRow[]): SigningKey {
  try {
    return loadKey(keyFile, ctx.env, ctx.cwd);
  } catch (err) {
    if (!(err instanceof UsageError) || keyFile !== undefined || ctx.env.PAYRECON_KEY_FILE) throw err;
    const ids = [...new Set(rows.map((r) => r.key_id))];
    throw new UsageError(
      'a key file is required: pass --key-file <path> or set PAYRECON_KEY_FILE',
      `pass the key file ${rows.length === 1 ? `baseline "${rows[0].name}" was` : 'these baselines were'} created with (key id ${ids.join(', ')}); a new key would not verify them`,
    );
  }
}

function removedMeanwhile(name: string): DatabaseError {
  return new DatabaseError(`baseline "${name}" was removed while it was being scanned`);
}

function selectBaselines(db: DB, names: string[]): BaselineRow[] {
  if (names.length === 0) {
    const all = listBaselineRows(db);
    if (all.length === 0) {
      if (auditRecordsBaseline(db)) throw baselinesDeleted('every baseline the audit log records is gone from the database');
      throw new UsageError('there are no baselines to scan yet', 'create one: payrecon baseline init <name> --path <path>');
    }
    return all;
  }
  return [...new Set(names)].map((name) => requireBaseline(db, name));
}

/** A baseline the log approved is missing: deleted outside payrecon, not "none yet". */
function baselinesDeleted(what: string): TamperError {
  return new TamperError(`${what} (deleted outside payrecon?)`, 'run `payrecon audit verify` to see every difference; investigate before trusting this database');
}

/** The baseline called `name`, or a UsageError (16) listing the ones there are. */
export function requireBaseline(db: DB, name: string): BaselineRow {
  const row = findBaseline(db, name);
  if (row) return row;
  if (auditRecordsBaseline(db, name)) throw baselinesDeleted(`baseline "${name}" is recorded in the audit log but gone from the database`);
  const known = listBaselineRows(db).map((b) => b.name);
  throw new UsageError(
    `no baseline named "${name}"`,
    known.length ? `known baselines: ${known.join(', ')}` : `create it: payrecon baseline init ${name} --path <path>`,
  );
}

/** Walk and hash a selection with a progress bar (files and bytes) when a person is watching. */
export async function captureWithProgress(
  ctx: OperationContext,
  spec: BaselineSpec,
  label: string,
  meanwhile?: () => void,
): Promise<CurrentState> {
  // The bar opens once the walk has counted the files; the context loads the bar only at a
  // terminal. Opening is async and onProgress is not, so every call chains on the opening.
  let bar: Promise<Progress> | undefined;
  try {
    return await captureState(selectionOf(spec), {
      sha512: spec.sha512,
      attributes: attributeSetOf(spec),
      worker: ctx.env.PAYRECON_HASH_WORKERS !== '0',
      meanwhile,
      checkInterrupted: () => ctx.checkInterrupted(),
      onProgress(done, total) {
        bar ??= ctx.progress({ label, total: total.files, unit: 'files' });
        const info = `files, ${formatBytes(done.bytes)} hashed`;
        const files = done.files;
        void bar.then((b) => b.update(files, info));
      },
    });
  } finally {
    await bar?.then((b) => b.finish());
  }
}
