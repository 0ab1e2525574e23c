/**
 * The spreadsheet round trip: `discrepancies --out queue.csv` writes the selection with the
 * editable columns status, reason (a write-off code), note and assignee, and each item's
 * version; `resolve --from-file queue.csv` applies every edited row in one transaction. A row
 * whose item changed since the export (its version moved on) is a conflict (17) naming it and who
 * changed it last; the rest apply only with --partial (exit 0, the stale rows listed as refused). What Excel and LibreOffice do to a CSV on save (a BOM, CRLF, `;`
 * as delimiter in some locales, quoted numbers) reads back the same.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { defaultActor } from '../db/audit.js';
import { getDiscrepancyViews, iterateDiscrepancies, setAssignee, setDiscrepancyNote, setDiscrepancyStatus, type DiscrepancyFilter } from '../db/discrepancies.js';
import { translateDbError } from '../db/open.js';
import { listReasonCodes } from '../db/reason-codes.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { whoWhen } from '../domain/conflict.js';
import { ConflictError, InputError, IoError } from '../errors.js';
import { readRecordsSync } from '../importers/csv-stream.js';
import { csvHeader, csvRecord, dialectOf } from '../report/csv.js';
import { unwrapFormulaText, type CellType, type CsvDialect, type CsvDialectName } from '../report/csv-dialect.js';
import { writeFileAtomicStream } from '../report/write-atomic.js';
import type { OperationContext } from './context.js';

/** Read-only context first, the four editable columns last (where a person types). */
export const SHEET_COLUMNS = [
  'id', 'version', 'kind', 'severity', 'currency', 'difference', 'reference', 'psp_id', 'ledger_id', 'age_days', 'details',
  'status', 'reason', 'note', 'assignee',
] as const;

const SHEET_TYPES: CellType[] = ['int', 'int', 'text', 'text', 'text', 'amount', 'id', 'id', 'id', 'int', 'text', 'text', 'text', 'text', 'text'];

const sheetLine = (dialect: CsvDialect, v: DiscrepancyView) =>
  csvRecord(dialect, SHEET_TYPES, [v.id, v.version, v.kind, v.severity, v.currency, v.difference, v.reference, v.psp?.id, v.ledger?.id, v.age_days, v.reason,
    v.status, v.reason_code, v.note, v.assignee]);

export function exportQueue(ctx: OperationContext, path: string, filter: DiscrepancyFilter, csvDialect?: CsvDialectName): { rows: number } {
  const dialect = dialectOf(csvDialect);
  let rows = 0;
  const abs = resolvePath(ctx.cwd, path);
  const db = ctx.db();
  // One read snapshot: the versions written are those of the rows written.
  db.transaction(() => {
    writeFileAtomicStream(abs, (write) => {
      // The dialect's BOM, delimiter and decimal mark; every dialect reads back (parseSheet).
      write(csvHeader(dialect, SHEET_COLUMNS));
      for (const v of iterateDiscrepancies(db, filter, ctx.now())) {
        write(sheetLine(dialect, v) + '\r\n');
        rows++;
      }
    }, path);
  })();
  return { rows };
}

type EditableStatus = 'open' | 'acknowledged' | 'resolved' | 'written_off' | 'closed';
// closed is read (an export of --status all holds closed items) but cannot be set.
const STATUSES: readonly string[] = ['open', 'acknowledged', 'resolved', 'written_off', 'closed'];

/** One edited row of the file, checked. */
interface Edit {
  line: number;
  id: number;
  version: number;
  status: EditableStatus;
  reason: string | null;
  note: string | null;
  assignee: string | null;
}

export interface SheetResult {
  by: string;
  /** Rows that differ from their item (the edits) and were applied. */
  applied: Array<{ id: number; line: number; changes: string[] }>;
  /** Edited rows refused because their item changed since the export, with who changed it last and when. */
  stale: Array<{ id: number; line: number; exported: number; now: number; changed_by: string | null; changed_at: string | null }>;
  /** Rows that say what the item already says. */
  unchanged: number;
}

/** Undo the export's formula neutralisation (a leading ' before = + - @ tab CR) and `="..."` id cells. */
const unneutralise = (s: string) => (/^'[\s]*[=+\-@\t\r]/.test(s) ? s.slice(1) : unwrapFormulaText(s));
/** "12", " 12 ", "12.0" (a spreadsheet's idea of an integer) -> 12. */
const wholeNumber = (s: string) => (/^\s*\d+(\.0+)?\s*$/.test(s) ? Number(s.trim().replace(/\.0+$/, '')) : undefined);

function parseSheet(path: string, text: string, reasons: Set<string>): Edit[] {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  // Excel in locales with a decimal comma saves with `;`.
  const delimiter = header.includes(';') && !header.includes(',') ? ';' : header.includes('\t') && !header.includes(',') ? '\t' : ',';
  const records = readRecordsSync(text, path, delimiter);
  if (records.length === 0) throw new InputError('the file is empty; expected the header of discrepancies --out', { file: path, line: 1 });
  const cols = records[0].fields.map((f) => f.trim().toLowerCase());
  const at = (name: string) => cols.indexOf(name);
  for (const need of ['id', 'version', 'status', 'reason', 'note', 'assignee']) {
    if (at(need) < 0) throw new InputError(`no "${need}" column; expected the header of discrepancies --out (${SHEET_COLUMNS.join(',')})`, { file: path, line: records[0].line });
  }
  const edits: Edit[] = [];
  const problems: string[] = [];
  for (const r of records.slice(1)) {
    const cell = (name: string) => unneutralise(r.fields[at(name)] ?? '').trim();
    if (r.fields.every((f) => !f.trim())) continue;
    const where = `${path}:${r.line}`;
    const id = wholeNumber(cell('id'));
    const version = wholeNumber(cell('version'));
    const status = cell('status').toLowerCase();
    const reason = cell('reason') || null;
    if (id === undefined) problems.push(`${where} (column id): expected a discrepancy id, got "${cell('id')}"`);
    if (version === undefined) problems.push(`${where} (column version): expected the exported version, got "${cell('version')}"`);
    if (!STATUSES.includes(status)) problems.push(`${where} (column status): expected one of ${STATUSES.join(', ')}, got "${cell('status')}"`);
    if (status === 'written_off' && !reason) problems.push(`${where} (column reason): written_off needs a reason code (${[...reasons].join(', ')})`);
    if (reason && !reasons.has(reason)) problems.push(`${where} (column reason): unknown reason code "${reason}"; known: ${[...reasons].join(', ')}`);
    if (id === undefined || version === undefined || !STATUSES.includes(status)) continue;
    edits.push({ line: r.line, id, version, status: status as EditableStatus, reason, note: cell('note') || null, assignee: cell('assignee') || null });
  }
  if (problems.length) throw new InputError(`${problems.length} row${problems.length === 1 ? '' : 's'} cannot be applied; nothing was changed:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  ... ${problems.length - 20} more` : ''}`);
  return edits;
}

/** "; changed by bob at 2026-...": who moved a stale row's item on, as far as the audit log says. */
export function staleBy(s: { changed_by: string | null; changed_at: string | null }): string {
  const w = whoWhen({ by: s.changed_by, at: s.changed_at });
  return w ? `; changed ${w}` : '';
}

/** Apply the edited rows of `path` in one transaction (see the file comment). */
export function applySheet(ctx: OperationContext, path: string, opts: { partial?: boolean; by?: string }): SheetResult {
  const abs = resolvePath(ctx.cwd, path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(abs));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code) throw new IoError(`cannot read ${path}: ${(err as Error).message}`);
    throw new InputError('not valid UTF-8; save the sheet as "CSV UTF-8"', { file: path });
  }
  const db = ctx.db();
  const by = opts.by?.trim() || defaultActor(ctx.env);
  const at = ctx.now().toISOString();
  const edits = parseSheet(path, text, new Set(listReasonCodes(db).map((r) => r.code)));
  const seen = new Map<number, number>();
  for (const e of edits) {
    if (seen.has(e.id)) throw new InputError(`discrepancy ${e.id} appears twice (lines ${seen.get(e.id)} and ${e.line}); nothing was changed`, { file: path, line: e.line });
    seen.set(e.id, e.line);
  }
  const run = db.transaction((): SheetResult => {
    const lastChange = db.prepare('SELECT actor, at FROM audit_log WHERE subject = ? ORDER BY id DESC LIMIT 1');
    const current = new Map(getDiscrepancyViews(db, edits.map((e) => e.id), ctx.now()).map((v) => [v.id, v]));
    const result: SheetResult = { by, applied: [], stale: [], unchanged: 0 };
    const problems: string[] = [];
    const plan: Array<{ e: Edit; v: DiscrepancyView; changes: string[] }> = [];
    for (const e of edits) {
      const v = current.get(e.id);
      if (!v) {
        problems.push(`${path}:${e.line}: no discrepancy with id ${e.id}`);
        continue;
      }
      const changes: string[] = [];
      if (e.status !== v.status || (e.status === 'written_off' && e.reason !== v.reason_code)) changes.push('status');
      if (e.note !== v.note && !changes.includes('status')) changes.push('note');
      if (e.assignee !== v.assignee) changes.push('assignee');
      if (changes.length === 0) {
        result.unchanged++;
        continue;
      }
      if (v.version !== e.version) {
        // The audit log knows who moved the version on (a status, note, owner or match change).
        const last = lastChange.get(`discrepancy ${e.id}`) as { actor: string; at: string } | undefined;
        result.stale.push({ id: e.id, line: e.line, exported: e.version, now: v.version, changed_by: last?.actor ?? null, changed_at: last?.at ?? null });
        continue;
      }
      if (changes.includes('status')) {
        const live = v.status === 'open' || v.status === 'acknowledged';
        if (!live || e.status === 'open' || e.status === 'closed') problems.push(`${path}:${e.line} (column status): discrepancy ${e.id} cannot go from ${v.status} to ${e.status}`);
        else if (!e.note) problems.push(`${path}:${e.line} (column note): changing the status needs a note saying why`);
      }
      plan.push({ e, v, changes });
    }
    if (problems.length) throw new InputError(`${problems.join('; ')}; nothing was changed`);
    if (result.stale.length && !opts.partial) {
      const names = result.stale.slice(0, 20).map((s) => `discrepancy ${s.id} (line ${s.line}: exported at version ${s.exported}, now ${s.now}${staleBy(s)})`);
      throw new ConflictError(
        `${result.stale.length} edited row${result.stale.length === 1 ? '' : 's'} changed since the export: ${names.join(', ')}${result.stale.length > 20 ? ', ...' : ''}; nothing was changed`,
        'export again (payrecon discrepancies --out) and redo those rows, or apply the others with --partial',
      );
    }
    // Grouped by identical change, so a column of "resolved / same note" is one statement batch.
    const groups = new Map<string, number[]>();
    for (const { e, changes } of plan) {
      if (changes.includes('status')) {
        const key = JSON.stringify([e.status, e.note, e.reason]);
        (groups.get(key) ?? groups.set(key, []).get(key)!).push(e.id);
      }
      if (changes.includes('assignee')) setAssignee(db, [e.id], e.assignee, { by, at });
      if (changes.includes('note')) setDiscrepancyNote(db, e.id, e.note, { by, at });
    }
    for (const [key, ids] of groups) {
      const [status, note, reason] = JSON.parse(key) as [EditableStatus, string, string | null];
      setDiscrepancyStatus(db, ids, { status: status as 'acknowledged' | 'resolved' | 'written_off', note, by, at, reasonCode: reason ?? undefined });
    }
    result.applied = plan.map(({ e, changes }) => ({ id: e.id, line: e.line, changes }));
    return result;
  });
  try {
    return run.immediate();
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}
