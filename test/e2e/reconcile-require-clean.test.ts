/**
 * Issue 12, item 5: `reconcile --require-clean <baseline>` scans the baseline guarding the
 * reconciliation's inputs first and refuses (exit 20, naming the file) when anything in it
 * changed since approval; when clean, the reconcile runs as usual.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FIXTURES, parseJson } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
let mapping: string;
beforeEach(() => {
  t = integrityEnv({ 'provider.conf': 'stripe\n' });
  mapping = join(t.tree, 'erp.mapping.json');
  copyFileSync(join(FIXTURES, 'mapping/erp-export-de.mapping.json'), mapping);
  expect(t.run(['baseline', 'init', 'inputs', '--path', t.tree]).code).toBe(0);
  const imp = t.run(['import', 'ledger', join(FIXTURES, 'mapping/erp-export-de.csv'), '--mapping', mapping]);
  expect(imp.code, imp.stderr).toBeLessThan(16);
});
afterEach(() => t.cleanup());

const runNumber = (r: { stdout: string }) => parseJson({ ...r, code: 0, stderr: '' }).run as number;

it('runs when the guarded inputs are unchanged, and records the check as a scan', () => {
  const r = t.run(['--json', 'reconcile', '--require-clean', 'inputs']);
  expect(r.code, r.stderr).toBeLessThan(16);
  expect(runNumber(r)).toBe(1);
  const scans = parseJson(t.run(['--json', 'baseline', 'list'])).baselines[0].last_scan;
  expect(scans).toMatchObject({ scan: 1, exit_code: 0 });
});

it('refuses with exit 20 naming the mapping file after it changed, and records no run', () => {
  writeFileSync(mapping, readFileSync(mapping, 'utf8').replace('"Zahlungseingang": "charge"', '"Zahlungseingang": "refund"'));
  const refused = t.run(['reconcile', '--require-clean', 'inputs']);
  expect(refused.code).toBe(20);
  expect(refused.stderr).toContain(`changed ${mapping} [`);
  expect(refused.stderr).toContain('baseline "inputs"');
  expect(refused.stdout).toBe('');
  // A script reading --json gets the error document.
  const json = t.run(['--json', 'reconcile', '--require-clean', 'inputs']);
  expect(json.code).toBe(20);
  expect(parseJson(json).error.message).toContain(mapping);
  // Accepting the change (audited) lets the next run through: run 1, so nothing ran before.
  expect(t.run(['baseline', 'update', 'inputs']).code).toBe(0);
  const ok = t.run(['--json', 'reconcile', '--require-clean', 'inputs']);
  expect(ok.code, ok.stderr).toBeLessThan(16);
  expect(runNumber(ok)).toBe(1);
});

it('a file added to the guarded tree refuses too; without the option the reconcile runs', () => {
  writeFileSync(join(t.tree, 'extra.mapping.json'), '{}');
  const refused = t.run(['reconcile', '--require-clean', 'inputs']);
  expect(refused.code).toBe(20);
  expect(refused.stderr).toContain(`added ${join(t.tree, 'extra.mapping.json')}`);
  expect(t.run(['reconcile']).code).toBeLessThan(16);
});

it('an unknown baseline is a usage error before anything runs', () => {
  const r = t.run(['reconcile', '--require-clean', 'nope']);
  expect(r.code).toBe(16);
  expect(r.stderr).toContain('no baseline named "nope"');
});
