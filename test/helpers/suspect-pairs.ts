/**
 * Generated PSP/ledger pairs for the SUSPECT property test (suspect.test.ts): rows as the
 * importers store them (minor units, UTC `YYYY-MM-DDTHH:MM:SSZ` converted from local times with
 * offsets, bare ledger dates at midnight), biased towards the edges where SQL and classifyPair
 * could disagree: equal or nearly equal amounts, fees on one or both sides, dates at the window.
 */
import { formatUtc } from '../../src/domain/time.js';

/** One side of a pair, as it goes into `transactions`. */
export interface GenRow {
  type: string;
  currency: string;
  amount: bigint;
  fee: bigint | null;
  settlementCurrency: string | null;
  bookedAt: string;
}

export interface GenPair {
  name: string;
  psp: GenRow;
  ledger: GenRow;
  /** --amount-tolerance, major units. */
  tolerance: string;
  /** --date-window, days. */
  window: number;
}

/** mulberry32: a small seeded PRNG, so a failure reproduces from the seed it prints. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A local wall time with a UTC offset, stored as the importers store it: the UTC instant. */
export function stored(local: string, offset = 'Z'): string {
  const ms = Date.parse(`${local}${offset}`);
  if (Number.isNaN(ms)) throw new Error(`bad test timestamp ${local}${offset}`);
  return formatUtc(ms);
}

/** A ledger entry dated without a time: the ledger importer books it at midnight UTC. */
export const bareDate = (day: string) => `${day}T00:00:00Z`;

const DAY = 86_400_000;
const TYPES = ['charge', 'refund', 'fee', 'payout', 'chargeback', 'adjustment'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'KWD'];
const OFFSETS = ['Z', '+01:00', '-05:00', '+05:30', '+14:00', '-12:00', '+09:45'];
const TOLERANCES = ['0', '0', '0.01', '0.05', '1'];

export function generatePairs(seed: number, n: number): GenPair[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const chance = (p: number) => r() < p;
  const other = (c: string) => pick(CURRENCIES.filter((x) => x !== c));
  const out: GenPair[] = [];
  for (let i = 0; i < n; i++) {
    const window = int(0, 5);
    // Candidate stages join on type (and payout_id pairs payouts only): both sides share it.
    const type = pick(TYPES);
    const currency = pick(CURRENCIES);
    const amount = BigInt(int(-200_000, 200_000)) * (chance(0.05) ? 10_000_000_000n : 1n);
    let lAmount = amount;
    const a = r();
    if (a < 0.15) lAmount = -amount; // a payout's sign, as either side books it
    else if (a < 0.35) lAmount = amount + BigInt(pick([-1, 1]) * int(1, 150));
    else if (a < 0.4) lAmount = BigInt(int(-200_000, 200_000));
    const settlementCurrency = chance(0.2) ? pick([currency, other(currency)]) : null;
    const fee = chance(0.5) ? BigInt(int(0, 500)) : null;
    const f = r();
    const lFee = f < 0.3 ? null : f < 0.7 ? fee : BigInt(int(0, 500));

    // The PSP's local time with an offset, stored as UTC; the ledger's near the window's edge.
    const pMs = Date.UTC(int(2023, 2026), int(0, 11), int(1, 28), int(0, 23), int(0, 59), int(0, 59)) + int(-3, 3) * DAY;
    const pLocal = formatUtc(pMs).slice(0, 19);
    const pspAt = stored(pLocal, pick(OFFSETS));
    const days = chance(0.05) ? int(-400, 400) : int(-window - 2, window + 2);
    const lDay = formatUtc(Date.parse(pspAt.slice(0, 10) + 'T00:00:00Z') + days * DAY).slice(0, 10);
    const ledgerAt = chance(0.4) ? bareDate(lDay) : stored(`${lDay}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}`, pick(OFFSETS));

    out.push({
      name: `seed ${seed} pair ${i}`,
      psp: { type, currency, amount, fee, settlementCurrency, bookedAt: pspAt },
      ledger: { type, currency: chance(0.1) ? other(currency) : currency, amount: lAmount, fee: lFee, settlementCurrency: null, bookedAt: ledgerAt },
      tolerance: pick(TOLERANCES),
      window,
    });
  }
  return out;
}
