import { describe, expect, it } from 'vitest';
import { alertText, type AlertInput } from '../../src/schedule/alert.js';

const base: AlertInput = { id: 'a', job: 'recon', command: 'reconcile', exitCode: 0, at: new Date(0), host: 'db01', items: [] };

describe('alertText: one line a chat channel shows', () => {
  it.each<[string, Partial<AlertInput>, string]>([
    ['new discrepancies by kind', { exitCode: 3, items: [{ kind: 'missing_in_ledger' }, { kind: 'missing_in_psp' }, { kind: 'missing_in_ledger' }] }, 'payrecon on db01: job "recon" (reconcile): 3 new discrepancies (2 missing_in_ledger, 1 missing_in_psp); exit 3'],
    ['one discrepancy', { exitCode: 4, items: [{ kind: 'amount_mismatch' }] }, 'payrecon on db01: job "recon" (reconcile): 1 new discrepancy (1 amount_mismatch); exit 4'],
    ['scan findings', { command: 'scan', job: 'keys', exitCode: 5, items: [{ kind: 'added' }, { kind: 'changed' }] }, 'payrecon on db01: job "keys" (scan): 2 new findings (1 added, 1 changed); exit 5'],
    ['a failure', { exitCode: 19, error: 'database is locked' }, 'payrecon on db01: job "recon" (reconcile): failed: database is locked; exit 19'],
    ['a failure with findings', { exitCode: 17, error: 'in/x.csv: not a recognised settlement file (exit 17)', items: [{ kind: 'duplicate' }] }, 'payrecon on db01: job "recon" (reconcile): failed: in/x.csv: not a recognised settlement file (exit 17); 1 new discrepancy (1 duplicate); exit 17'],
    ['a multi-line error folds into one line', { exitCode: 21, error: 'internal error:\nboom\n  at x' }, 'payrecon on db01: job "recon" (reconcile): failed: internal error: boom at x; exit 21'],
  ])('%s', (_what, over, text) => {
    expect(alertText({ ...base, ...over })).toBe(text);
  });

  it('is cut at 300 characters with an ellipsis', () => {
    const t = alertText({ ...base, exitCode: 17, error: 'e'.repeat(1000) });
    expect(t).toHaveLength(300);
    expect(t.endsWith('…')).toBe(true);
  });
});
