/**
 * Baselines: init records a new signed baseline of a selection; update verifies the stored one,
 * then accepts the current state as a new generation (re-signed); both are audited in the
 * same transaction. Policy and unreadable findings are returned at init too: baselining an
 * insecure or unreadable file does not make it fine.
 */
import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import picomatch from 'picomatch';
import type { CurrentState } from '../checksums/capture.js';
import { approvalMatcher, approveChanges, type BaselineChange } from '../checksums/approve.js';
import { initFindings } from '../checksums/compare.js';
import { attributeSetOf } from '../checksums/attribute-groups.js';
import { loadKey } from '../checksums/key-file.js';
import { canSign, type SigningKey } from '../checksums/signing.js';
import { buildSpec, type BaselineSpec, type SpecOptions } from '../checksums/profiles.js';
import { appendAudit } from '../db/audit.js';
import { useAuditKey } from './audit.js';
import { findBaseline, listBaselineRows, type BaselineRow } from '../db/integrity.js';
import { scanDocument } from '../db/integrity-scans.js';
import { withWriteTransaction } from '../db/open.js';
import { ExitCode } from '../domain/exit-codes.js';
import type { ScanFinding } from '../domain/integrity.js';
import { displayPath } from '../domain/byte-path.js';
import { IoError, ioErrorFor, UsageError } from '../errors.js';
import type { OperationContext } from './context.js';
import { insertBaseline, replaceEntries, verifyBaselineRow } from './integrity-store.js';
import { loadVerifiedBaseline } from './scan-history.js';
import { captureWithProgress, requireBaseline } from './scan.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface BaselineOutcome {
  baseline: BaselineRow;
  /** Bytes hashed to make it. */
  bytes: number;
  /** Unreadable paths and policy findings of the current state. */
  findings: ScanFinding[];
  /** update only: the changes accepted into the new generation. */
  accepted?: { added: number; removed: number; changed: number };
  /** update only: each change accepted, and each left for the next scan (with --path). */
  changes?: { accepted: BaselineChange[]; left: BaselineChange[] };
  /** update --dry-run: nothing was written. */
  dryRun?: boolean;
  /** What the walk noticed (globs that matched nothing, loops), for a person to read. */
  notes: string[];
  /** 8 when something could not be read (the baseline does not cover its content), else 0. */
  exitCode: number;
}

export async function initBaseline(ctx: OperationContext, name: string, opts: SpecOptions & { keyFile?: string }): Promise<BaselineOutcome> {
  if (!NAME.test(name)) {
    throw new UsageError(`baseline name "${name}" is not usable: letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)`);
  }
  const spec = buildSpec(opts, ctx.env, ctx.cwd);
  const key = signingKeyFor(ctx, opts.keyFile, 'init');
  const db = ctx.db();
  useAuditKey(db, key);
  if (findBaseline(db, name)) throw alreadyExists(name);
  requireRoots(spec);
  const state = await captureWithProgress(ctx, spec, `baseline ${name}`);
  if (state.missing.length) throw missingPath(state.missing[0]);
  if (state.records.length === 0) throw emptySelection(spec, state);
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
  return outcome(row, state, undefined);
}

export interface UpdateOptions {
  keyFile?: string;
  /** Show what would be accepted; change nothing. */
  dryRun?: boolean;
  /** Accept only changes whose path matches one of these globs (or lies under one of these paths). */
  paths?: string[];
  /** Why: kept in the audit entry. */
  note?: string;
}

// An audit entry names at most this many approved paths (and says how many it left out): a
// re-baselined /etc must not make one entry of megabytes.
export const AUDIT_PATHS_LIMIT = 1000;

export async function updateBaseline(ctx: OperationContext, name: string, opts: UpdateOptions): Promise<BaselineOutcome> {
  const note = opts.note?.trim();
  if (opts.note !== undefined && !note) throw new UsageError('--note must say why (it is kept in the audit log)');
  const select = opts.paths?.length ? approvalMatcher(opts.paths.map((g) => anchorGlob(g, ctx.cwd))) : undefined;
  const key = signingKeyFor(ctx, opts.keyFile, 'update');
  const db = ctx.db();
  useAuditKey(db, key);
  const row = requireBaseline(db, name);
  const entries = loadVerifiedBaseline(db, key, row);
  const spec = JSON.parse(row.spec) as BaselineSpec;
  const state = await captureWithProgress(ctx, spec, `baseline ${name}`);
  if (state.records.length === 0) throw emptySelection(spec, state);
  const approval = approveChanges(entries, state, select, attributeSetOf(spec));
  const tally = { added: 0, removed: 0, changed: 0 };
  for (const c of approval.accepted) tally[c.change]++;
  const changes = { accepted: approval.accepted, left: approval.left };
  if (select && approval.accepted.length === 0) {
    const total = approval.left.length;
    throw new UsageError(
      `--path ${opts.paths!.join(', ')} selects none of the ${total} change${total === 1 ? '' : 's'} of baseline "${name}"; nothing was accepted`,
      `see them with: payrecon baseline update ${name} --dry-run`,
    );
  }
  // A --path that selected nothing is probably a typo: say so (the others still apply).
  const unmatched = (opts.paths ?? []).filter((g) => !approval.accepted.some((c) => approvalMatcher([anchorGlob(g, ctx.cwd)])(c.path)));
  const withNotes = (o: BaselineOutcome): BaselineOutcome => ({ ...o, notes: [...o.notes, ...unmatched.map((g) => `--path ${g} selected no change`)] });
  if (opts.dryRun) return withNotes({ ...outcome(row, state, tally), changes, dryRun: true, exitCode: ExitCode.OK });
  const updated = await withWriteTransaction(db, () => {
    const head = findBaseline(db, name);
    if (!head || head.generation !== row.generation) {
      throw new UsageError(`baseline "${name}" was updated by another run meanwhile; run update again`);
    }
    verifyBaselineRow(key, head);
    const b = replaceEntries(db, key, head, approval.records, ctx.now().toISOString());
    const listed = approval.accepted.slice(0, AUDIT_PATHS_LIMIT).map((c) => ({ ...c, path: displayPath(c.path) }));
    appendAudit(db, {
      action: 'baseline_update',
      subject: name,
      details: {
        files: b.entry_count,
        generation: b.generation,
        ...tally,
        note: note ?? null,
        selection: opts.paths ?? null,
        left: approval.left.length,
        paths: listed,
        ...(approval.accepted.length > listed.length ? { paths_omitted: approval.accepted.length - listed.length } : {}),
      },
    });
    return b;
  });
  return withNotes({ ...outcome(updated, state, tally), changes });
}

/** A relative glob with a slash is anchored at the working directory, as `--path` and `--exclude` are at init. */
function anchorGlob(g: string, cwd: string): string {
  if (g.trim() === '') throw new UsageError('--path must not be empty');
  const anchored = g.startsWith('/') || g.startsWith('**') || !(g.includes('/') || !picomatch.scan(g).isGlob) ? g : resolve(cwd, g);
  try {
    approvalMatcher([anchored]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return anchored;
}

/**
 * A key that can sign baselines. A verify-only host (an Ed25519 public key) cannot create or
 * accept a baseline: that is the point of keeping the private key elsewhere.
 */
function signingKeyFor(ctx: OperationContext, keyFile: string | undefined, verb: 'init' | 'update'): SigningKey {
  const key = loadKey(keyFile, ctx.env, ctx.cwd);
  if (canSign(key)) return key;
  throw new UsageError(
    `baseline ${verb} needs the private key: the key file given holds the Ed25519 public key ${key.id}, which can verify baselines but not sign them`,
    'run it where the private key is kept (payrecon-ed25519.key), or pass that file with --key-file',
  );
}

export interface BaselineSummary {
  name: string;
  files: number;
  generation: number;
  profile: BaselineSpec['profile'];
  paths: string[];
  excludes: string[];
  sha512: boolean;
  /** What it records and compares (src/checksums/attribute-groups.ts). */
  attributes: string[];
  created_at: string;
  updated_at: string;
  last_scan: { scan: number; exit_code: number; findings: number } | null;
}

/** Every baseline with what it covers and its latest scan: what `baseline list --json` prints. */
export function listBaselines(ctx: OperationContext): BaselineSummary[] {
  const db = ctx.db();
  return listBaselineRows(db).map((b) => {
    const spec = JSON.parse(b.spec) as BaselineSpec;
    const last = b.last_scan_id ? scanDocument(db, b.last_scan_id) : undefined;
    return {
      name: b.name,
      files: b.entry_count,
      generation: b.generation,
      profile: spec.profile,
      paths: namedPaths(spec),
      excludes: spec.excludes,
      sha512: spec.sha512,
      attributes: [...attributeSetOf(spec).names],
      created_at: b.created_at,
      updated_at: b.updated_at,
      last_scan: last ? { scan: last.scan, exit_code: last.exit_code, findings: last.findings.length } : null,
    };
  });
}

function outcome(b: BaselineRow, state: CurrentState, accepted: BaselineOutcome['accepted']): BaselineOutcome {
  const findings = initFindings(state);
  return {
    baseline: b,
    bytes: state.bytes,
    findings,
    accepted,
    notes: [...state.unmatched.map((glob) => `${glob} matched nothing`), ...state.notes],
    exitCode: findings.some((f) => f.kind === 'unreadable') ? ExitCode.UNVERIFIED : ExitCode.OK,
  };
}

/** The paths the user named (profile locations are optional and not listed). */
function namedPaths(spec: BaselineSpec): string[] {
  return spec.roots.filter((r) => !r.optional).map((r) => (r.pattern ? `${r.base}/${r.pattern}` : r.base));
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

function emptySelection(spec: BaselineSpec, state: CurrentState): UsageError {
  const what = [spec.profile ? `profile ${spec.profile}` : '', ...namedPaths(spec)].filter(Boolean).join(', ');
  const why = state.unreadable.size ? ` (${state.unreadable.size} paths could not be read)` : '';
  return new UsageError(`the selection is empty: ${what} matched no files${spec.excludes.length ? ' after --exclude' : ''}${why}`);
}
