/**
 * Manual match and unmatch: a person pairs any number of PSP rows with any number of ledger
 * entries in one currency (1:1, 1:N, N:1, N:M). The items the match explains close (marked as
 * closed by it), a difference becomes one amount_mismatch, and the engine's `manual` stage
 * pairs these rows first on every later run until `unmatch` undoes the match and reopens what
 * it closed. All in one transaction, one audit entry per item changed. Refusals are exit 17:
 * a row someone already matched (or a match already undone) is a ConflictError naming who and when.
 */
import { appendAudit, defaultActor } from '../db/audit.js';
import {
  closeItemsExplainedBy,
  closeMatchDifference,
  getManualMatch,
  insertManualMatch,
  insertMatchDifference,
  liveMatchOf,
  openItemsInvolving,
  pairedByLatestRun,
  reopenItemsClosedBy,
  undoManualMatch,
  type RowIdentity,
} from '../db/manual-matches.js';
import { translateDbError, type DB } from '../db/open.js';
import { formatMinor } from '../domain/money.js';
import { byWhom, matchMaker, refusal } from '../domain/conflict.js';
import { ConflictError, InputError, UsageError } from '../errors.js';
import { manualMatchFinding, type MatchRow } from '../matchers/index.js';
import { loadRows } from '../reconcile/rows.js';
import { sideOf } from '../reconcile/workspace.js';
import type { OperationContext } from './context.js';

export interface MatchRequest {
  psp: string[];
  ledger: string[];
  note: string;
  by?: string;
}

export interface MatchResult {
  match: number;
  by: string;
  currency: string;
  psp: string[];
  ledger: string[];
  /** PSP minus ledger; "0" when the sides agree. */
  difference: string;
  /** The amount_mismatch the difference became, if any. */
  difference_item: number | null;
  closed: number[];
}

/** A row named on the command line: its external id, else a PSP alias; exactly one row. */
function findRow(db: DB, side: 'psp' | 'ledger', name: string, problems: string[]): number | undefined {
  let ids = db.prepare('SELECT id FROM transactions WHERE external_id = ? AND side = ?').pluck().all(name, side) as number[];
  if (ids.length === 0 && side === 'psp') {
    ids = db.prepare(`SELECT t.id FROM transaction_ids ti JOIN transactions t ON t.id = ti.tx_id WHERE ti.ident = ? AND t.side = 'psp'`).pluck().all(name) as number[];
  }
  if (ids.length === 0) problems.push(`no ${side === 'psp' ? 'PSP row' : 'ledger entry'} with id ${name}`);
  else if (ids.length > 1) problems.push(`${name} names ${ids.length} ${side} rows (several sources): cannot tell which`);
  return ids.length === 1 ? ids[0] : undefined;
}

const identity = (r: MatchRow): RowIdentity => ({ side: r.side, source: r.source, external_id: r.externalId });

export function matchRows(ctx: OperationContext, req: MatchRequest): MatchResult {
  if (!req.note.trim()) throw new UsageError('--note must say why (it is kept in the audit log)');
  if (req.psp.length === 0 || req.ledger.length === 0) throw new UsageError('a match needs at least one --psp row and one --ledger entry');
  const db = ctx.db();
  const by = req.by?.trim() || defaultActor(ctx.env);
  const at = ctx.now().toISOString();
  const apply = db.transaction((): MatchResult => {
    const problems: string[] = [];
    const pIds = [...new Set(req.psp)].map((n) => findRow(db, 'psp', n, problems));
    const lIds = [...new Set(req.ledger)].map((n) => findRow(db, 'ledger', n, problems));
    const rows = loadRows(db, [...pIds, ...lIds].filter((x): x is number => x !== undefined));
    const all = [...rows.values()];
    const chosen = new Set(all.map((r) => r.id));
    // Someone (or a run) paired a row first: a conflict naming who and when (issue 16).
    const conflicts: string[] = [];
    for (const r of all) {
      const m = liveMatchOf(db, identity(r));
      if (m !== undefined) conflicts.push(`${r.side} ${r.externalId} is already in ${matchMaker(getManualMatch(db, m)!)} (payrecon unmatch ${m} first)`);
      // Paired by the latest run with a row outside this match, and nothing about it is open:
      // it is matched elsewhere. (A row of an open item, e.g. an amount_mismatch, may be re-paired.)
      const others = pairedByLatestRun(db, r.id).filter((o) => !chosen.has(o.id));
      if (m === undefined && others.length && openItemsInvolving(db, [identity(r)]).size === 0) {
        const names = [...loadRows(db, others.map((o) => o.id)).values()].map((o) => o.externalId);
        const o = others[0];
        conflicts.push(`${r.side} ${r.externalId} is already matched with ${names.join(', ')} by reconcile run ${o.run}${o.at ? ` at ${o.at}` : ''} (rule ${o.rule})`);
      }
    }
    const currencies = [...new Set(all.map((r) => r.currency))];
    if (currencies.length > 1) problems.push(`the rows mix currencies (${all.map((r) => `${r.externalId} ${r.currency}`).join(', ')}): a match is in one currency`);
    const refused = refusal(problems, conflicts, { tail: 'nothing was matched', wrongIs: 'input' });
    if (refused) throw refused;
    const psp = all.filter((r) => r.side === 'psp');
    const ledger = all.filter((r) => r.side === 'ledger');
    const currency = currencies[0];
    const ids = all.map(identity);
    const match = insertManualMatch(db, { origin: 'manual', currency, note: req.note, by, at, rows: ids });
    const closed = closeItemsExplainedBy(db, match, ids, { by, at });
    const finding = manualMatchFinding(match, psp, ledger);
    let differenceItem: number | null = null;
    if (finding) {
      const run = db.prepare('SELECT max(id) FROM recon_runs').pluck().get() as number | null;
      if (run === null) throw new UsageError('a match whose sides differ needs a reconcile run to record the difference in', 'run `payrecon reconcile` first');
      differenceItem = insertMatchDifference(
        db,
        match,
        {
          fingerprint: finding.fingerprint,
          severity: finding.severity,
          reason: finding.reason,
          currency,
          reference: finding.reference,
          psp: JSON.stringify(sideOf(psp)),
          ledger: JSON.stringify(sideOf(ledger)),
          difference: formatMinor(finding.differenceMinor!, currency),
          differenceMinor: finding.differenceMinor!,
          scopeDate: finding.scopeDate,
        },
        { by, at, run },
      );
    }
    const difference = formatMinor(finding?.differenceMinor ?? 0n, currency);
    appendAudit(db, {
      action: 'match',
      subject: `match ${match}`,
      details: { psp: psp.map((r) => r.externalId), ledger: ledger.map((r) => r.externalId), currency, difference, note: req.note, closed, difference_item: differenceItem },
      actor: by,
      at,
    });
    return { match, by, currency, psp: psp.map((r) => r.externalId), ledger: ledger.map((r) => r.externalId), difference, difference_item: differenceItem, closed };
  });
  try {
    return apply.immediate();
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}

export interface UnmatchResult {
  match: number;
  by: string;
  reopened: number[];
  /** The match's own amount_mismatch, closed with it. */
  closed: number[];
}

export function unmatch(ctx: OperationContext, matchId: number, u: { note: string; by?: string }): UnmatchResult {
  if (!u.note.trim()) throw new UsageError('--note must say why (it is kept in the audit log)');
  const db = ctx.db();
  const by = u.by?.trim() || defaultActor(ctx.env);
  const at = ctx.now().toISOString();
  const apply = db.transaction((): UnmatchResult => {
    const m = getManualMatch(db, matchId);
    if (!m) throw new InputError(`no manual match with id ${matchId}; nothing was changed`);
    if (m.undone_at) throw new ConflictError(`manual match ${matchId} was already undone${byWhom({ by: m.undone_by, at: m.undone_at })}; nothing was changed`);
    undoManualMatch(db, matchId, { by, at, note: u.note });
    const closed = closeMatchDifference(db, matchId, { by, at });
    const reopened = reopenItemsClosedBy(db, matchId, { by, at });
    appendAudit(db, { action: 'unmatch', subject: `match ${matchId}`, details: { note: u.note, reopened, closed, origin: m.origin }, actor: by, at });
    return { match: matchId, by, reopened, closed };
  });
  try {
    return apply.immediate();
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}
