/**
 * Payout -> deposit: which bank credit carries which PSP payout. Pure: payouts and bank
 * entries in, pairs and findings out. Evidence first: a payout id / batch reference found in a
 * credit's remittance text, end-to-end id or references pairs them, whatever the amounts (a
 * difference is then a deposit_mismatch: bank fees, FX, a netted chargeback). What is left is
 * paired by exact amount in the account currency within the deposit window (business days),
 * one payout to one credit, or several payouts of one provider and day to one credit.
 * A payout with no credit once the bank statements reach past its window is not deposited;
 * a credit or debit no payout explains is an unexplained deposit.
 */
import type { DiscrepancySide } from '../domain/discrepancy.js';
import { formatMinor } from '../domain/money.js';
import { components } from './components.js';
import type { Finding, MatchRow } from './types.js';

/** One payout as the bank should see it: a credit of `amountMinor` (> 0) in `currency`. */
export interface PayoutItem {
  key: string; // source:payout id, stable across runs
  source: string;
  payoutId: string;
  rows: MatchRow[];
  amountMinor: bigint;
  currency: string;
  date: string; // YYYY-MM-DD
  /** Identifiers the bank text may carry, normalised (upper case letters and digits). */
  idents: string[];
}

export interface DepositItem {
  id: number;
  key: string; // stable across re-imports of the statement
  account: string;
  currency: string;
  /** Signed: credit +, debit -. */
  amountMinor: bigint;
  date: string; // YYYY-MM-DD
  /** Remittance, end-to-end id and references, normalised like PayoutItem.idents. */
  text: string;
  chargesMinor: bigint | null;
  fx: { currency: string; minor: bigint; rate: string | null } | null;
  side: DiscrepancySide;
}

export interface DepositOptions {
  windowDays: number;
  /** Per currency, the last day the bank statements cover: a payout is late only after it. */
  coveredUntil: ReadonlyMap<string, string>;
  /** Only deposits on or after/before these days are reported as unexplained (a windowed run). */
  from?: string | null;
  to?: string | null;
}

export interface DepositPair {
  rule: 'payout_ref' | 'amount';
  payouts: PayoutItem[];
  deposits: DepositItem[];
}

export interface DepositDecision {
  pairs: DepositPair[];
  findings: Finding[];
  /** Payouts whose window is not yet covered by a statement: in transit, not late. */
  inTransit: PayoutItem[];
}

/** Upper-case letters and digits only: bank text wraps and punctuates ids at will. */
export function normaliseText(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Identifiers shorter than this are too likely to occur by chance in other text. */
export const MIN_IDENT = 6;

/** `date` plus `n` business days (Monday to Friday), YYYY-MM-DD. */
export function addBusinessDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d.toISOString().slice(0, 10);
}

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

export function matchDeposits(payouts: PayoutItem[], deposits: DepositItem[], opts: DepositOptions): DepositDecision {
  const pairs: DepositPair[] = [];
  const findings: Finding[] = [];
  const usedP = new Set<string>();
  const usedD = new Set<number>();

  // 1. By reference: payouts and the credits naming them, as connected groups (1:1, 1:N, N:1).
  // Edges as components() takes them: p_id = index of the payout, l_id = id of the bank entry.
  const edges: Array<{ p_id: number; l_id: number }> = [];
  // Identifiers indexed by their first MIN_IDENT characters: each credit's text is walked once
  // (a lookup per position) instead of being searched for every payout's identifiers.
  const byPrefix = new Map<string, Array<{ ident: string; payout: number }>>();
  payouts.forEach((p, i) => {
    for (const ident of p.idents) {
      if (ident.length < MIN_IDENT) continue;
      const k = ident.slice(0, MIN_IDENT);
      byPrefix.set(k, [...(byPrefix.get(k) ?? []), { ident, payout: i }]);
    }
  });
  for (const d of deposits) {
    if (d.amountMinor <= 0n) continue;
    const hit = new Set<number>();
    for (let at = 0; at + MIN_IDENT <= d.text.length; at++) {
      const list = byPrefix.get(d.text.slice(at, at + MIN_IDENT));
      if (list) for (const c of list) if (d.text.startsWith(c.ident, at)) hit.add(c.payout);
    }
    for (const i of hit) edges.push({ p_id: i, l_id: d.id });
  }
  const dById = new Map(deposits.map((d) => [d.id, d]));
  for (const group of components(edges)) {
    const ps = group.psp.sort((a, b) => a - b).map((i) => payouts[i]);
    const ds = group.ledger.sort((a, b) => a - b).map((id) => dById.get(id)!);
    for (const p of ps) usedP.add(p.key);
    for (const d of ds) usedD.add(d.id);
    pairs.push({ rule: 'payout_ref', payouts: ps, deposits: ds });
    const f = compareGroup(ps, ds);
    if (f) findings.push(f);
  }

  // 2. By exact amount within the window: earliest credit first, one payout each.
  const open = () => deposits.filter((d) => !usedD.has(d.id) && d.amountMinor > 0n).sort((a, b) => a.date.localeCompare(b.date) || a.id - b.id);
  const inWindow = (p: { currency: string; date: string }, d: DepositItem) =>
    d.currency === p.currency && d.date >= p.date && d.date <= addBusinessDays(p.date, opts.windowDays);
  for (const p of [...payouts].sort((a, b) => a.date.localeCompare(b.date) || a.key.localeCompare(b.key))) {
    if (usedP.has(p.key)) continue;
    const d = open().find((x) => x.amountMinor === p.amountMinor && inWindow(p, x));
    if (!d) continue;
    usedP.add(p.key);
    usedD.add(d.id);
    pairs.push({ rule: 'amount', payouts: [p], deposits: [d] });
  }
  // Several payouts of one provider and day paid as one credit (N:1).
  const byDay = new Map<string, PayoutItem[]>();
  for (const p of payouts) {
    if (usedP.has(p.key)) continue;
    const k = `${p.source}|${p.currency}|${p.date}`;
    byDay.set(k, [...(byDay.get(k) ?? []), p]);
  }
  for (const ps of byDay.values()) {
    if (ps.length < 2) continue;
    const total = sum(ps.map((p) => p.amountMinor));
    const d = open().find((x) => x.amountMinor === total && inWindow(ps[0], x));
    if (!d) continue;
    for (const p of ps) usedP.add(p.key);
    usedD.add(d.id);
    pairs.push({ rule: 'amount', payouts: ps, deposits: [d] });
  }

  // 3. What is left.
  const inTransit: PayoutItem[] = [];
  for (const p of payouts) {
    if (usedP.has(p.key)) continue;
    const deadline = addBusinessDays(p.date, opts.windowDays);
    const covered = opts.coveredUntil.get(p.currency);
    if (!covered || covered < deadline) {
      inTransit.push(p);
      continue;
    }
    const amount = `${formatMinor(p.amountMinor, p.currency)} ${p.currency}`;
    findings.push({
      kind: 'payout_not_deposited',
      severity: 'high',
      reason: `NOT_DEPOSITED: ${p.source} payout ${p.payoutId} of ${amount} on ${p.date} reached no bank account: no credit names it, and none of that amount arrived by ${deadline} (statements cover ${p.currency} to ${covered})`,
      currency: p.currency,
      reference: p.payoutId,
      psp: p.rows,
      ledger: [],
      differenceMinor: p.amountMinor,
      fingerprint: `payout_not_deposited|psp:${p.key}|${p.currency}:${p.amountMinor}`,
      scopeDate: p.date,
    });
  }
  for (const d of deposits) {
    if (usedD.has(d.id)) continue;
    if ((opts.from && d.date < opts.from) || (opts.to && d.date > opts.to)) continue;
    const amount = `${formatMinor(d.amountMinor, d.currency)} ${d.currency}`;
    const code = d.amountMinor < 0n ? 'UNEXPLAINED_DEBIT' : 'UNEXPLAINED_CREDIT';
    const what = d.amountMinor < 0n ? 'debit (a payout reversed or returned?)' : 'credit';
    findings.push({
      kind: 'unexplained_deposit',
      severity: 'high',
      reason: `${code}: bank ${what} of ${amount} on ${d.date} to ${d.account} that no payout explains${extras(d)}`,
      currency: d.currency,
      reference: d.side.id,
      psp: [],
      ledger: [],
      bank: d.side,
      differenceMinor: -d.amountMinor,
      fingerprint: `unexplained_deposit|bank:${d.key}`,
      scopeDate: d.date,
    });
  }
  return { pairs, findings, inTransit };
}

/** Bank charges and FX on an entry, shown in reasons so they are not hidden. */
function extras(d: DepositItem): string {
  const parts: string[] = [];
  if (d.chargesMinor) parts.push(`bank charges ${formatMinor(d.chargesMinor, d.currency)} ${d.currency}`);
  if (d.fx) parts.push(`converted from ${formatMinor(d.fx.minor, d.fx.currency)} ${d.fx.currency}${d.fx.rate ? ` at ${d.fx.rate}` : ''}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** A payout group and the credits naming it: equal, or a deposit_mismatch saying why not. */
function compareGroup(ps: PayoutItem[], ds: DepositItem[]): Finding | null {
  const cur = ps[0].currency;
  const paid = sum(ps.map((p) => p.amountMinor));
  const sameCurrency = ds.every((d) => d.currency === cur);
  // A credit in another currency is compared through the instructed amount when the bank gives it.
  const received = sum(ds.map((d) => (d.currency === cur ? d.amountMinor : d.fx?.currency === cur ? d.fx.minor : 0n)));
  if (sameCurrency && paid === received) return null;
  const canCompare = sameCurrency || ds.every((d) => d.currency === cur || d.fx?.currency === cur);
  const diff = paid - received;
  const charges = sum(ds.map((d) => d.chargesMinor ?? 0n));
  const code = !sameCurrency ? 'FX' : charges !== 0n && charges === diff ? 'BANK_FEES' : 'AMOUNT_DIFFERS';
  if (code === 'FX' && canCompare && diff === 0n) return null;
  const ids = ps.map((p) => p.payoutId).join(', ');
  const got = ds.map((d) => `${formatMinor(d.amountMinor, d.currency)} ${d.currency} on ${d.date}`).join(' + ');
  const detail = ds.map(extras).join('');
  return {
    kind: 'deposit_mismatch',
    severity: code === 'BANK_FEES' ? 'medium' : 'high',
    reason: `${code}: payout${ps.length > 1 ? 's' : ''} ${ids} of ${formatMinor(paid, cur)} ${cur} arrived as ${got}${canCompare ? ` (difference ${formatMinor(diff, cur)} ${cur})` : ''}${detail}`,
    currency: cur,
    reference: ps[0].payoutId,
    psp: ps.flatMap((p) => p.rows),
    ledger: [],
    bank: ds.length === 1 ? ds[0].side : { ...ds[0].side, id: ds.map((d) => d.side.id).join('+'), amount: got },
    differenceMinor: canCompare ? diff : null,
    fingerprint: `deposit_mismatch|psp:${ps.map((p) => p.key).sort().join('+')}|bank:${ds.map((d) => d.key).sort().join('+')}|${paid}/${received}`,
    scopeDate: ps[0].date,
  };
}
