/** Build matcher rows from major-unit text, so tables read like the files they stand for. */
import { Decimal } from 'decimal.js';
import { parseMoney } from '../../src/domain/money.js';
import type { MatchOptions, MatchRow } from '../../src/matchers/types.js';

let nextId = 1;

export function row(side: 'psp' | 'ledger', externalId: string, amount: string, extra: Partial<Omit<MatchRow, 'amountMinor' | 'feeMinor' | 'netMinor'>> & { fee?: string; net?: string } = {}): MatchRow {
  const currency = extra.currency ?? 'EUR';
  const feeCurrency = extra.settlementCurrency ?? currency;
  const { fee, net, ...given } = extra;
  // `{ currency: undefined }` from a table means "the default", not "no currency".
  const rest = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return {
    id: nextId++,
    side,
    source: side === 'psp' ? 'stripe' : 'ledger',
    externalId,
    reference: null,
    pspReference: null,
    type: 'charge',
    currency,
    amountMinor: parseMoney(amount, currency),
    feeMinor: fee !== undefined ? parseMoney(fee, feeCurrency) : null,
    netMinor: net !== undefined ? parseMoney(net, feeCurrency) : null,
    settlementCurrency: null,
    bookedAt: '2025-03-10T12:00:00Z',
    payoutId: null,
    file: side === 'psp' ? 'stripe.csv' : 'ledger.csv',
    line: nextId,
    ...rest,
  };
}

export const psp = (id: string, amount: string, extra: Parameters<typeof row>[3] = {}) => row('psp', id, amount, extra);
export const led = (id: string, amount: string, extra: Parameters<typeof row>[3] = {}) => row('ledger', id, amount, extra);

export function opts(tolerance = '0', dateWindowDays = 3): MatchOptions {
  return { tolerance: new Decimal(tolerance), dateWindowDays };
}
