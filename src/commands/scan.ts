/**
 * `payrecon scan [<name>...]`: verify each baseline's signatures (exit 20 on any failure, before
 * comparing anything), look at the files again, record the signed scan with its findings and
 * return the OR of the exit bitmasks. `scanBaselines` is also what the scheduler runs.
 */
import type { FileRecord } from '../checksums/attributes.js';
import { compareToBaseline, countFindings, DEFAULT_FAIL_ON, exitCodeFor } from '../checksums/compare.js';
import { captureState, type CurrentState } from '../checksums/capture.js';
import { loadKey } from '../checksums/key-file.js';
import { selectionOf, type BaselineSpec } from '../checksums/profiles.js';
import { formatBytes, scanLines } from '../checksums/render.js';
import type { CommandContext } from '../context.js';
import { findBaseline, listBaselineRows, setLastScan, type BaselineRow } from '../db/integrity.js';
import { insertScan } from '../db/integrity-scans.js';
import { loadVerifiedBaseline, verifyBaselineRow } from '../db/integrity-verify.js';
import { withWriteTransaction } from '../db/open.js';
import { FINDING_KINDS, type FindingKind, type ScanDocument } from '../domain/integrity.js';
import { DatabaseError, UsageError } from '../errors.js';
import { openProgress } from '../ui/open-progress.js';
import type { Progress } from '../ui/progress.js';
import { parseFailOn } from './options.js';

export interface ScanParams {
  names: string[];
  failOn?: FindingKind[];
  keyFile?: string;
}

/** Scans the named baselines (all when empty); records each scan; returns the documents and the OR-ed exit code. Throws TamperError (20) etc. */
export async function scanBaselines(
  ctx: CommandContext,
  params: ScanParams,
): Promise<{ exitCode: number; scans: ScanDocument[] }> {
  const key = loadKey(params.keyFile, ctx.env, ctx.cwd);
  const db = ctx.db();
  const rows = selectBaselines(ctx, params.names);
  // Every baseline record is checked before any scan starts; each one's entries and scan chain
  // are verified while the worker thread already hashes, and always before comparing.
  for (const row of rows) verifyBaselineRow(key, row);
  const failOn = params.failOn?.length ? new Set(params.failOn) : DEFAULT_FAIL_ON;
  const scans: ScanDocument[] = [];
  let exitCode = 0;
  // Every selected baseline's entries and history are verified before the first scan is
  // recorded: a tampered later baseline must not leave an earlier scan saved but never reported
  // (the scheduler would then never alert that scan's changes). Done while the first capture
  // hashes, to keep the overlap.
  // Each row is read again here, next to its entries, so the generation recorded is the one
  // whose entries were compared even if an update committed during the walk.
  let verified: Map<number, { head: BaselineRow; entries: Map<string, FileRecord> }> | undefined;
  const verifyAll = () => {
    verified = new Map(
      rows.map((r) => {
        const head = findBaseline(db, r.name);
        if (!head || head.id !== r.id) throw removedMeanwhile(r.name);
        return [r.id, { head, entries: loadVerifiedBaseline(db, key, head) }];
      }),
    );
  };
  for (const selected of rows) {
    const startedAt = ctx.now().toISOString();
    const spec = JSON.parse(selected.spec) as BaselineSpec;
    const state = await captureWithProgress(ctx, spec, `scan ${selected.name}`, verified ? undefined : verifyAll);
    const v = verified?.get(selected.id);
    if (!v) throw new Error('baseline was not verified'); // unreachable: meanwhile always runs
    const { head: row, entries } = v;
    for (const note of state.notes) ctx.out.warn(note);
    const findings = compareToBaseline(entries, state);
    const code = exitCodeFor(findings, failOn);
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
      const { doc, mac } = insertScan(db, key, {
        baselineId: row.id,
        baselineName: row.name,
        generation: row.generation,
        prevMac: head.last_scan_mac,
        startedAt,
        finishedAt: ctx.now().toISOString(),
        failOn: params.failOn?.length ? [...failOn] : null,
        exitCode: code,
        counts: countFindings(state.records.length, findings),
        findings,
      });
      setLastScan(db, key, head, doc.scan, mac);
      return doc;
    });
    scans.push(doc);
    exitCode |= code;
  }
  return { exitCode, scans };
}

function removedMeanwhile(name: string): DatabaseError {
  return new DatabaseError(`baseline "${name}" was removed while it was being scanned`);
}

function selectBaselines(ctx: CommandContext, names: string[]): BaselineRow[] {
  const db = ctx.db();
  if (names.length === 0) {
    const all = listBaselineRows(db);
    if (all.length === 0) {
      throw new UsageError('there are no baselines to scan yet', 'create one: payrecon baseline init <name> --path <path>');
    }
    return all;
  }
  const known = () => listBaselineRows(db).map((b) => b.name);
  return [...new Set(names)].map((name) => {
    const row = findBaseline(db, name);
    if (!row) {
      const list = known();
      throw new UsageError(
        `no baseline named "${name}"`,
        list.length ? `known baselines: ${list.join(', ')}` : 'create one: payrecon baseline init <name> --path <path>',
      );
    }
    return row;
  });
}

/** Walk and hash a selection with a progress bar (files and bytes) when a person is watching. */
export async function captureWithProgress(
  ctx: CommandContext,
  spec: BaselineSpec,
  label: string,
  meanwhile?: () => void,
): Promise<CurrentState> {
  // The bar opens once the walk has counted the files; openProgress loads ink only at a
  // terminal. Opening is async and onProgress is not, so every call chains on the opening.
  let bar: Promise<Progress> | undefined;
  try {
    return await captureState(selectionOf(spec), {
      sha512: spec.sha512,
      worker: ctx.env.PAYRECON_HASH_WORKERS !== '0',
      meanwhile,
      checkInterrupted: () => ctx.checkInterrupted(),
      onProgress(done, total) {
        bar ??= openProgress(ctx.out, { label, total: total.files, unit: 'files' });
        const info = `files, ${formatBytes(done.bytes)} hashed`;
        const files = done.files;
        void bar.then((b) => b.update(files, info));
      },
    });
  } finally {
    await bar?.then((b) => b.finish());
  }
}

export async function run(
  names: string[],
  opts: { failOn?: string; keyFile?: string; report?: string },
  ctx: CommandContext,
): Promise<number> {
  const failOn = parseFailOn(opts.failOn, FINDING_KINDS);
  // Loaded only when asked for: the reporters pull in what reconciliation reports need.
  const reports = opts.report ? await import('../report/index.js') : undefined;
  if (opts.report) reports!.checkReportPath(ctx, opts.report); // a bad report path fails before the work
  const { exitCode, scans } = await scanBaselines(ctx, {
    names,
    failOn: failOn ? [...failOn] : undefined,
    keyFile: opts.keyFile,
  });
  if (opts.report) await reports!.writeScanReport(ctx, opts.report, scans);
  if (ctx.out.json) {
    ctx.out.emitJson(scans.length === 1 ? scans[0] : { exit_code: exitCode, scans });
  } else {
    for (const doc of scans) for (const line of scanLines(doc, ctx.out.c)) ctx.out.info(line);
    if (opts.report) ctx.out.info(`report written to ${opts.report}`);
  }
  return exitCode;
}
