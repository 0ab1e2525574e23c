/**
 * The weakest evidence: same currency, type and amount, booked within the date window. A
 * pair is made only when each row has exactly one candidate on the other side; otherwise the
 * rows stay unmatched and their missing_* reasons name the candidates, never a guess.
 */
import { formatMinor } from '../domain/money.js';
import type { AmbiguityNote, MatchRow, Pairing } from './types.js';

export interface AmountDateDecision {
  pairings: Pairing[];
  notes: AmbiguityNote[];
}

/** `edges` are candidate (PSP row, ledger row) pairs; a row may appear in several. */
export function pickUniquePairs(edges: Array<[MatchRow, MatchRow]>, dateWindowDays: number): AmountDateDecision {
  const byPsp = new Map<number, MatchRow[]>();
  const byLedger = new Map<number, MatchRow[]>();
  for (const [p, l] of edges) {
    (byPsp.get(p.id) ?? byPsp.set(p.id, []).get(p.id)!).push(l);
    (byLedger.get(l.id) ?? byLedger.set(l.id, []).get(l.id)!).push(p);
  }
  const pairings: Pairing[] = [];
  const notes: AmbiguityNote[] = [];
  const noted = new Set<string>();
  const note = (row: MatchRow, others: MatchRow[], otherSide: string) => {
    const key = `${row.side}:${row.id}`;
    if (noted.has(key)) return;
    noted.add(key);
    notes.push({
      rowId: row.id,
      note: `ambiguous: ${others.length} ${otherSide} candidates with ${formatMinor(row.amountMinor, row.currency)} ${row.currency} within ${dateWindowDays} days (${others.map((o) => o.externalId).join(', ')}); not guessed`,
    });
  };
  const contested = (row: MatchRow, only: MatchRow, rivals: MatchRow[]) => {
    const key = `${row.side}:${row.id}`;
    if (noted.has(key)) return;
    noted.add(key);
    notes.push({
      rowId: row.id,
      note: `ambiguous: its only candidate ${only.externalId} (${formatMinor(only.amountMinor, only.currency)} ${only.currency}) also matches ${rivals.map((r) => r.externalId).join(', ')}; not guessed`,
    });
  };
  for (const [p, l] of edges) {
    const ls = byPsp.get(p.id)!;
    const ps = byLedger.get(l.id)!;
    if (ls.length === 1 && ps.length === 1) {
      pairings.push({ rule: 'amount_date', psp: [p], ledger: [l] });
      continue;
    }
    if (ls.length > 1) note(p, ls, 'ledger');
    if (ps.length > 1) note(l, ps, 'PSP');
    // A row whose only candidate is contested is ambiguous too: say with whom.
    if (ls.length === 1 && ps.length > 1) contested(p, l, ps.filter((q) => q !== p));
    if (ps.length === 1 && ls.length > 1) contested(l, p, ls.filter((q) => q !== l));
  }
  return { pairings, notes };
}
