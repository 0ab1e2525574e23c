/**
 * The compact form parsed rows travel in from the parse worker (src/importers/parallel-protocol.ts):
 * every value comes back as it went, in order, whether the batch takes the joined-string form or
 * (a value holding a separator) the array form. Raw fields do not travel.
 */
import { describe, expect, it } from 'vitest';
import type { NormalizedTransaction } from '../../src/domain/transaction.js';
import { decodeItems, encodeItems } from '../../src/importers/parallel-protocol.js';
import type { ParseItem } from '../../src/importers/types.js';

function tx(over: Partial<NormalizedTransaction>): ParseItem {
  return {
    tx: {
      side: 'psp',
      source: 'stripe',
      externalId: 'txn_1',
      aliases: [],
      reference: 'ORD-1',
      pspReference: null,
      type: 'charge',
      currency: 'EUR',
      amountMinor: 1234n,
      feeMinor: null,
      netMinor: null,
      settlementCurrency: null,
      exchangeRate: null,
      bookedAt: '2025-03-01T00:00:00Z',
      payoutId: null,
      description: null,
      line: 2,
      raw: [],
      ...over,
    },
  };
}

const reject: ParseItem = { reject: { line: 9, column: 'amount', reason: 'amount: expected a number, found "x"', raw: ['a', 'x'] } };

const CASES: Array<[string, ParseItem[], 'string' | 'array']> = [
  ['empty batch', [], 'string'],
  ['plain rows', [tx({}), tx({ externalId: 'txn_2', line: 3 })], 'string'],
  ['every optional value set', [tx({ feeMinor: -5n, netMinor: 1229n, settlementCurrency: 'USD', exchangeRate: '1.0825', payoutId: 'po_1', description: '', pspReference: 'ch_1', reference: '' })], 'string'],
  ['one alias, several aliases', [tx({ aliases: ['ch_1'] }), tx({ aliases: ['ch_2', 'py_2', 'pi_2'], line: 3 })], 'string'],
  ['amounts past 2^53', [tx({ amountMinor: 9_007_199_254_740_993n, feeMinor: -9_007_199_254_740_993n })], 'string'],
  ['rejects among rows, an id that looks like a marker', [reject, tx({ externalId: 'R0' }), { reject: { line: 11, reason: 'r2', raw: [] } }, tx({ externalId: '3', line: 12 })], 'string'],
  ['a value holding a separator', [tx({ description: 'nul \u0000 inside' }), tx({ line: 3 })], 'array'],
  ['a value that is the null marker', [tx({ description: '\u0001' })], 'array'],
  ['an alias holding a separator', [tx({ aliases: ['a\u0002b'] })], 'array'],
];

describe('parse worker wire format', () => {
  for (const [name, items, form] of CASES) {
    it(`${name}: comes back as it went (${form} form)`, () => {
      const wire = encodeItems(items);
      expect(typeof wire.rows === 'string' ? 'string' : 'array').toBe(form);
      // Through the structured clone, as a worker's message is.
      const back = decodeItems('psp', 'stripe', structuredClone(wire.rows), structuredClone(wire.rejects));
      expect(back).toEqual(items);
    });
  }
});
