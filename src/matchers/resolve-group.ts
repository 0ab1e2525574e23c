/**
 * Decide a group of candidates that an identifier or reference stage found together: rows
 * linked (directly or through each other) by a shared PSP identifier or merchant reference.
 * Most groups are one PSP row and one ledger row; the rest are split bookings, duplicate
 * bookings, or genuinely ambiguous, which are left for later stages rather than guessed.
 */
import { formatMinor } from '../domain/money.js';
import {
  abs,
  describeRows,
  earliestDate,
  referenceOf,
  rowsKey,
  severityOf,
  singleCurrency,
  sumAmounts,
  toleranceFor,
} from './facts.js';
import type { AmbiguityNote, Finding, MatchOptions, MatchRow, MatchRule, Pairing } from './types.js';

export interface GroupDecision {
  pairings: Pairing[];
  notes: AmbiguityNote[];
}

/** `psp` and `ledger` are one connected group of candidates (every row has at least one). */
export function resolveGroup(psp: MatchRow[], ledger: MatchRow[], opts: MatchOptions, rule: MatchRule): GroupDecision {
  if (psp.length === 1 && ledger.length === 1) return { pairings: [{ rule, psp, ledger }], notes: [] };
  if (psp.length === 1) return onePspManyLedger(psp[0], ledger, opts, rule);
  if (ledger.length === 1) return manyPspOneLedger(psp, ledger[0], opts, rule);
  return manyToMany(psp, ledger, rule);
}

function within(a: MatchRow, b: MatchRow, opts: MatchOptions): boolean {
  return a.currency === b.currency && abs(a.amountMinor - b.amountMinor) <= toleranceFor(opts.tolerance, a.currency);
}

function onePspManyLedger(p: MatchRow, ledger: MatchRow[], opts: MatchOptions, rule: MatchRule): GroupDecision {
  // A charge booked in parts: the parts sum exactly to the PSP amount.
  if (singleCurrency(ledger) === p.currency && sumAmounts(ledger) === p.amountMinor) {
    return { pairings: [{ rule: 'split', psp: [p], ledger }], notes: [] };
  }
  const equal = ledger.filter((l) => within(p, l, opts));
  if (equal.length >= 2) {
    const rest = ledger.filter((l) => !equal.includes(l));
    return {
      pairings: [{ rule, psp: [p], ledger: equal, finding: duplicateFinding(p, equal) }],
      notes: rest.map((l) => ({ rowId: l.id, note: `shares ${p.externalId} with other ledger entries that book it` })),
    };
  }
  if (equal.length === 1) {
    const rest = ledger.filter((l) => l !== equal[0]);
    return {
      pairings: [{ rule, psp: [p], ledger: equal }],
      notes: rest.map((l) => ({ rowId: l.id, note: `also points at ${p.externalId}, which ${equal[0].externalId} books` })),
    };
  }
  // The ledger names this PSP row explicitly in every entry but the parts do not add up:
  // that is a split booking with the wrong amount, not three unrelated items.
  if (rule === 'id' && singleCurrency(ledger) === p.currency) {
    return { pairings: [{ rule: 'split', psp: [p], ledger }], notes: [] };
  }
  return {
    pairings: [],
    notes: [p, ...ledger].map((r) => ({ rowId: r.id, note: `ambiguous: ${ledger.length} ledger entries (${ledger.map((l) => l.externalId).join(', ')}) and ${p.externalId} share a ${rule === 'id' ? 'PSP reference' : 'reference'} but neither one nor all of them match the amount` })),
  };
}

function manyPspOneLedger(psp: MatchRow[], l: MatchRow, opts: MatchOptions, rule: MatchRule): GroupDecision {
  // Two partial captures booked once.
  if (singleCurrency(psp) === l.currency && sumAmounts(psp) === l.amountMinor) {
    return { pairings: [{ rule: 'split', psp, ledger: [l] }], notes: [] };
  }
  const equal = psp.filter((p) => within(p, l, opts));
  if (equal.length === 1) {
    const rest = psp.filter((p) => p !== equal[0]);
    return {
      pairings: [{ rule, psp: equal, ledger: [l] }],
      notes: rest.map((p) => ({ rowId: p.id, note: `${l.externalId} shares its reference but books ${equal[0].externalId}` })),
    };
  }
  const names = psp.map((p) => p.externalId).join(', ');
  return {
    pairings: [],
    notes: [l, ...psp].map((r) => ({ rowId: r.id, note: `ambiguous: ledger ${l.externalId} could book any of ${names}` })),
  };
}

/** Pair only where the exact amount picks one partner on each side; leave the rest. */
function manyToMany(psp: MatchRow[], ledger: MatchRow[], rule: MatchRule): GroupDecision {
  const pairings: Pairing[] = [];
  const taken = new Set<MatchRow>();
  for (const p of psp) {
    const ls = ledger.filter((l) => l.currency === p.currency && l.amountMinor === p.amountMinor);
    if (ls.length !== 1) continue;
    const ps = psp.filter((q) => q.currency === ls[0].currency && q.amountMinor === ls[0].amountMinor);
    if (ps.length !== 1) continue;
    pairings.push({ rule, psp: [p], ledger: ls });
    taken.add(p).add(ls[0]);
  }
  const notes = [...psp, ...ledger]
    .filter((r) => !taken.has(r))
    .map((r) => ({ rowId: r.id, note: `ambiguous: ${psp.length} PSP rows and ${ledger.length} ledger entries share a ${rule === 'id' ? 'PSP reference' : 'reference'}` }));
  return { pairings, notes };
}

/** Two or more ledger entries book the same PSP item: one discrepancy naming all of them. */
export function duplicateFinding(p: MatchRow, bookings: MatchRow[]): Finding {
  const sorted = [...bookings].sort((a, b) => (a.bookedAt < b.bookedAt ? -1 : a.bookedAt > b.bookedAt ? 1 : a.id - b.id));
  const extra = sorted.slice(1);
  const diff = p.amountMinor - sumAmounts(sorted);
  return {
    kind: 'duplicate',
    severity: severityOf('duplicate'),
    reason: `${p.externalId} (${formatMinor(p.amountMinor, p.currency)} ${p.currency}) is booked ${sorted.length} times in the ledger: ${describeRows(sorted)}`,
    currency: p.currency,
    reference: referenceOf([p]) ?? referenceOf(sorted),
    psp: [p],
    // The first booking pays off the PSP item; the side shown is what is booked once too often.
    ledger: extra,
    differenceMinor: diff,
    fingerprint: `duplicate|psp:${rowsKey([p])}|ledger:${rowsKey(sorted)}`,
    scopeDate: earliestDate([p]),
  };
}
