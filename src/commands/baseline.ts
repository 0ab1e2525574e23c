/**
 * `payrecon baseline init|update|list`. init records a new signed baseline of a selection;
 * update verifies the stored one, then accepts the current state as a new generation (re-signed);
 * both are audited in the same transaction. Policy and unreadable findings are shown at init
 * too: baselining an insecure or unreadable file does not make it fine. Exit 8 when something
 * could not be read (the baseline is incomplete), else 0.
 */
import { lstatSync } from 'node:fs';
import type { CurrentState } from '../checksums/capture.js';
import { keepDigestsOfUnread } from '../checksums/carry-digests.js';
import { compareToBaseline, initFindings } from '../checksums/compare.js';
import { loadKey } from '../checksums/key-file.js';
import { buildSpec, type BaselineSpec } from '../checksums/profiles.js';
import { findingLine, formatBytes } from '../checksums/render.js';
import type { CommandContext } from '../context.js';
import { appendAudit } from '../db/audit.js';
import { findBaseline, insertBaseline, listBaselineRows, replaceEntries, type BaselineRow } from '../db/integrity.js';
import { scanDocument } from '../db/integrity-scans.js';
import { loadVerifiedBaseline, verifyBaselineRow } from '../db/integrity-verify.js';
import { withWriteTransaction } from '../db/open.js';
import { ExitCode, IoError, ioErrorFor, UsageError } from '../errors.js';
import type { ScanFinding } from '../domain/integrity.js';
import { captureWithProgress } from './scan.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface InitOptions {
  profile?: string;
  path?: string[];
  exclude?: string[];
  sha512?: boolean;
  keyFile?: string;
}

export async function runInit(name: string, opts: InitOptions, ctx: CommandContext): Promise<number> {
  if (!NAME.test(name)) {
    throw new UsageError(`baseline name "${name}" is not usable: letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)`);
  }
  const spec = buildSpec(opts, ctx.env, ctx.cwd);
  const key = loadKey(opts.keyFile, ctx.env, ctx.cwd);
  const db = ctx.db();
  if (findBaseline(db, name)) throw alreadyExists(name);
  requireRoots(spec);
  const state = await captureWithProgress(ctx, spec, `baseline ${name}`);
  if (state.missing.length) throw missingPath(state.missing[0]);
  reportSelectionNotes(ctx, state);
  if (state.records.length === 0) throw emptySelection(spec, state);
  const findings = initFindings(state);
  const row = await withWriteTransaction(db, () => {
    if (findBaseline(db, name)) throw alreadyExists(name);
    const b = insertBaseline(db, key, { name, spec: JSON.stringify(spec), at: ctx.now().toISOString(), records: state.records });
    appendAudit(db, {
      action: 'baseline_init',
      subject: name,
      details: { files: state.records.length, profile: spec.profile, roots: spec.roots.length, excludes: spec.excludes.length, sha512: spec.sha512, key_id: key.id },
    });
    return b;
  });
  return finish(ctx, row, state, findings, undefined);
}

export async function runUpdate(name: string, opts: { keyFile?: string }, ctx: CommandContext): Promise<number> {
  const key = loadKey(opts.keyFile, ctx.env, ctx.cwd);
  const db = ctx.db();
  const row = requireBaseline(ctx, name);
  const entries = loadVerifiedBaseline(db, key, row);
  const spec = JSON.parse(row.spec) as BaselineSpec;
  const state = await captureWithProgress(ctx, spec, `baseline ${name}`);
  reportSelectionNotes(ctx, state);
  if (state.records.length === 0) throw emptySelection(spec, state);
  const accepted = compareToBaseline(entries, state);
  const tally = { added: 0, removed: 0, changed: 0 };
  for (const f of accepted) if (f.kind === 'added' || f.kind === 'removed' || f.kind === 'changed') tally[f.kind]++;
  const updated = await withWriteTransaction(db, () => {
    const head = findBaseline(db, name);
    if (!head || head.generation !== row.generation) {
      throw new UsageError(`baseline "${name}" was updated by another run meanwhile; run update again`);
    }
    verifyBaselineRow(key, head);
    // Content that could not be read now is not accepted: such paths keep their old digests.
    const records = keepDigestsOfUnread(entries, state.records, state.unreadable);
    const b = replaceEntries(db, key, head, records, ctx.now().toISOString());
    appendAudit(db, { action: 'baseline_update', subject: name, details: { files: state.records.length, generation: b.generation, ...tally } });
    return b;
  });
  return finish(ctx, updated, state, initFindings(state), tally);
}

export async function runList(_opts: unknown, ctx: CommandContext): Promise<number> {
  const db = ctx.db();
  const baselines = listBaselineRows(db).map((b) => {
    const spec = JSON.parse(b.spec) as BaselineSpec;
    const last = b.last_scan_id ? scanDocument(db, b.last_scan_id) : undefined;
    return {
      name: b.name,
      files: b.entry_count,
      generation: b.generation,
      profile: spec.profile,
      paths: spec.roots.filter((r) => !r.optional).map((r) => (r.pattern ? `${r.base}/${r.pattern}` : r.base)),
      excludes: spec.excludes,
      sha512: spec.sha512,
      created_at: b.created_at,
      updated_at: b.updated_at,
      last_scan: last ? { scan: last.scan, exit_code: last.exit_code, findings: last.findings.length } : null,
    };
  });
  if (ctx.out.json) {
    ctx.out.emitJson({ baselines });
    return ExitCode.OK;
  }
  if (baselines.length === 0) ctx.out.info('no baselines yet (payrecon baseline init <name> --path <path>)');
  const c = ctx.out.c;
  for (const b of baselines) {
    const what = [b.profile ? `profile ${b.profile}` : '', ...b.paths].filter(Boolean).join(', ');
    const scan = b.last_scan ? `last scan ${b.last_scan.scan}: exit ${b.last_scan.exit_code}` : 'never scanned';
    ctx.out.info(`${c.bold(b.name)}  ${b.files} files  generation ${b.generation}  updated ${b.updated_at}  ${scan}`);
    ctx.out.info(c.dim(`  ${what}${b.sha512 ? '  (+SHA-512)' : ''}`));
  }
  return ExitCode.OK;
}

function finish(
  ctx: CommandContext,
  b: BaselineRow,
  state: CurrentState,
  findings: ScanFinding[],
  accepted: { added: number; removed: number; changed: number } | undefined,
): number {
  const code = findings.some((f) => f.kind === 'unreadable') ? ExitCode.UNVERIFIED : ExitCode.OK;
  if (ctx.out.json) {
    ctx.out.emitJson({
      baseline: b.name,
      generation: b.generation,
      files: b.entry_count,
      exit_code: code,
      ...(accepted ? { accepted } : {}),
      findings,
    });
    return code;
  }
  const c = ctx.out.c;
  const verb = accepted ? `updated to generation ${b.generation}` : 'recorded';
  const extra = accepted ? ` (accepted ${accepted.added} added, ${accepted.removed} removed, ${accepted.changed} changed)` : '';
  ctx.out.info(`${c.bold(`baseline "${b.name}"`)} ${verb}: ${b.entry_count} files, ${formatBytes(state.bytes)} hashed${extra}`);
  for (const f of findings) ctx.out.info(findingLine(f, c));
  if (code) ctx.out.info(c.red('some files could not be read: the baseline does not cover their content'));
  return code;
}

function requireBaseline(ctx: CommandContext, name: string): BaselineRow {
  const row = findBaseline(ctx.db(), name);
  if (row) return row;
  const known = listBaselineRows(ctx.db()).map((b) => b.name);
  throw new UsageError(
    `no baseline named "${name}"`,
    known.length ? `known baselines: ${known.join(', ')}` : `create it: payrecon baseline init ${name} --path <path>`,
  );
}

/** Every path the user named must exist at init (profile locations may be absent). */
function requireRoots(spec: BaselineSpec): void {
  for (const root of spec.roots) {
    if (root.optional) continue;
    try {
      lstatSync(root.base);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
        throw missingPath(root.base);
      }
      throw ioErrorFor(root.base, err, 'look at');
    }
  }
}

function missingPath(path: string): IoError {
  return new IoError(`cannot read ${path}: no such file or directory`, 'check the --path you gave');
}

function alreadyExists(name: string): UsageError {
  return new UsageError(`baseline "${name}" already exists`, `to accept the current state run: payrecon baseline update ${name}`);
}

function reportSelectionNotes(ctx: CommandContext, state: CurrentState): void {
  for (const glob of state.unmatched) ctx.out.warn(`${glob} matched nothing`);
  for (const note of state.notes) ctx.out.warn(note);
}

function emptySelection(spec: BaselineSpec, state: CurrentState): UsageError {
  const where = spec.roots.filter((r) => !r.optional).map((r) => (r.pattern ? `${r.base}/${r.pattern}` : r.base));
  const what = [spec.profile ? `profile ${spec.profile}` : '', ...where].filter(Boolean).join(', ');
  const why = state.unreadable.size ? ` (${state.unreadable.size} paths could not be read)` : '';
  return new UsageError(`the selection is empty: ${what} matched no files${spec.excludes.length ? ' after --exclude' : ''}${why}`);
}
