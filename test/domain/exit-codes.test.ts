/** The one exit-code rule: kind -> bit, --fail-on, combining codes, and the tables users read. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISCREPANCY_KINDS } from '../../src/domain/discrepancy.js';
import {
  combineExitCodes,
  exitCodeFor,
  exitCodesMarkdown,
  EXIT_CODE_TABLE,
  formatExitCodes,
  isFailure,
  KIND_EXIT_BIT,
  type FindingKindAny,
} from '../../src/domain/exit-codes.js';
import { FINDING_KINDS } from '../../src/domain/integrity.js';
import { ROOT } from '../helpers/cli.js';

describe('exitCodeFor', () => {
  const scanKinds: FindingKindAny[] = ['added', 'removed', 'changed', 'unreadable', 'policy'];
  it.each<[string, FindingKindAny[], FindingKindAny[] | undefined, number]>([
    ['scan default: every change against the baseline, not policy', scanKinds, undefined, 15],
    ['only added', scanKinds, ['added'], 1],
    ['removed and unreadable', scanKinds, ['removed', 'unreadable'], 10],
    ['policy sets bit 4 only when named', scanKinds, ['policy'], 4],
    ['policy alone never fails by default', ['policy'], undefined, 0],
    ['reconcile default: every kind', [...DISCREPANCY_KINDS], undefined, 15],
    ['missing in ledger is bit 1', ['missing_in_ledger'], undefined, 1],
    ['missing at the PSP is bit 2', ['missing_in_psp'], undefined, 2],
    ['a payout that does not add up differs: bit 4', ['payout_mismatch'], undefined, 4],
    ['rejected rows are unverified: bit 8', ['rejected_row'], undefined, 8],
    ['--fail-on narrows', ['missing_in_ledger', 'amount_mismatch', 'rejected_row'], ['amount_mismatch'], 4],
    ['--fail-on naming an absent kind sets nothing', ['missing_in_psp'], ['duplicate'], 0],
    ['no findings', [], undefined, 0],
  ])('%s', (_name, kinds, failOn, code) => {
    expect(exitCodeFor(kinds, failOn)).toBe(code);
  });

  it('every kind of both worlds has a bit', () => {
    for (const k of [...DISCREPANCY_KINDS, ...FINDING_KINDS]) expect([1, 2, 4, 8]).toContain(KIND_EXIT_BIT[k]);
  });
});

describe('combining codes', () => {
  it.each<[number[], number]>([
    [[], 0],
    [[0, 0], 0],
    [[1, 8], 9],
    [[4, 4], 4],
    [[8, 17], 17],
    [[17, 18, 1], 18],
    [[130, 17], 130],
  ])('%j -> %d', (codes, code) => expect(combineExitCodes(codes)).toBe(code));

  it.each([
    [0, false],
    [15, false],
    [16, true],
    [21, true],
    [130, true],
  ])('isFailure(%d) is %s', (code, failure) => expect(isFailure(code)).toBe(failure));
});

describe('the tables users read', () => {
  it('the README table is the generated one', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(exitCodesMarkdown());
  });

  it('each bit row names every kind that sets it, and help prints every row', () => {
    const text = formatExitCodes();
    for (const k of [...DISCREPANCY_KINDS, ...FINDING_KINDS]) {
      const row = EXIT_CODE_TABLE.find((r) => r.code === `bit ${KIND_EXIT_BIT[k]}`)!;
      expect(`${row.reconcile} ${row.scan}`).toContain(k);
    }
    for (const r of EXIT_CODE_TABLE) expect(text).toContain(r.code);
  });
});
