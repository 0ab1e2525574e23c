/**
 * Issue 19: every JSON shape the docs show has a JSON Schema in docs/schemas/, and both the
 * example in the doc (marked `<!-- schema: docs/schemas/<name> -->`) and the real output of
 * payrecon validate against it. A field added, renamed or dropped on one side fails here.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCREPANCY_KINDS } from '../../src/domain/discrepancy.js';
import { TX_TYPES } from '../../src/domain/transaction.js';
import { buildAlert, MAX_ALERT_ITEMS } from '../../src/schedule/alert.js';
import { FIXTURES, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { docFiles } from '../helpers/doc-examples.js';

const SCHEMAS = join(ROOT, 'docs/schemas');
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
for (const f of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')), f);
const schema = (name: string): ValidateFunction => ajv.getSchema(name)!;

function expectValid(name: string, doc: unknown, what: string): void {
  const validate = schema(name);
  const ok = validate(doc);
  expect(ok, `${what} does not match docs/schemas/${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

describe('the schemas name what the code knows', () => {
  const reconcile = JSON.parse(readFileSync(join(SCHEMAS, 'reconcile.schema.json'), 'utf8'));
  it('every discrepancy kind, in the contract order', () => {
    expect(reconcile.definitions.kind.enum).toEqual([...DISCREPANCY_KINDS]);
  });
  it('every normalised transaction type', () => {
    expect(reconcile.definitions.side.properties.type.enum).toEqual([...TX_TYPES]);
  });
});

describe('the examples in the docs match their schema', () => {
  const marked = docFiles(ROOT).flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(/<!-- schema: docs\/schemas\/(\S+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => ({ file, name: m[1], json: m[2] }));
  });

  it('every schema is used by a doc example', () => {
    const used = new Set(marked.map((m) => m.name));
    for (const f of readdirSync(SCHEMAS)) if (f !== 'import.schema.json') expect(used.has(f), f).toBe(true);
  });

  it.each(marked.map((m) => [`${m.file} (${m.name})`, m] as const))('%s', (_label, m) => {
    expectValid(m.name, JSON.parse(m.json), `the example in ${m.file}`);
  });
});

describe('real output matches the schemas', () => {
  const tmp = tempDir('payrecon-schemas-');
  const db = join(tmp.dir, 'x.db');
  const demo = join(FIXTURES, 'demo');
  let reconcileDoc: { discrepancies: unknown[] };
  beforeAll(() => {
    const psp = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'checkout-settlement-breakdown-2025-03.csv', 'STL-20250310.01.009.CSV'];
    const imp = runCli(['--db', db, '--json', 'import', 'psp', ...psp.map((f) => join(demo, f)), join(FIXTURES, 'unrecognised/random.csv')]);
    expect(imp.code).toBe(17);
    expectValid('import.schema.json', JSON.parse(imp.stdout), 'import --json (imported and failed files)');
    const ledger = runCli(['--db', db, '--json', 'import', 'ledger', join(demo, 'ledger.csv')]);
    expect(ledger.code).toBe(8);
    expectValid('import.schema.json', JSON.parse(ledger.stdout), 'import --json (rejects)');
    const r = runCli(['--db', db, '--json', 'reconcile']);
    expect(r.code).toBe(15);
    reconcileDoc = JSON.parse(r.stdout);
  });
  afterAll(() => tmp.cleanup());

  it('reconcile --json with the bank leg: the payout/deposit kinds and their bank side', () => {
    const bankDb = join(tmp.dir, 'bank.db');
    const psp = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'checkout-settlement-breakdown-2025-03.csv', 'STL-20250310.01.009.CSV'];
    expect(runCli(['--db', bankDb, 'import', 'psp', ...psp.map((f) => join(demo, f))]).code).toBe(0);
    expect(runCli(['--db', bankDb, 'import', 'ledger', join(demo, 'ledger.csv')]).code).toBe(8);
    expect(runCli(['--db', bankDb, 'import', 'bank', ...readdirSync(join(demo, 'bank')).map((f) => join(demo, 'bank', f))]).code).toBe(0);
    const doc = JSON.parse(runCli(['--db', bankDb, '--json', 'reconcile']).stdout);
    expect(doc.discrepancies.some((d: { bank?: unknown }) => d.bank)).toBe(true);
    expectValid('reconcile.schema.json', doc, 'reconcile --json (bank leg)');
  });

  it('reconcile --json', () => {
    expect(reconcileDoc.discrepancies.length).toBeGreaterThan(0);
    expectValid('reconcile.schema.json', reconcileDoc, 'reconcile --json');
  });

  it("docs/reconcile.md's document is the demo month's, field for field (the items it shows)", () => {
    const text = readFileSync(join(ROOT, 'docs/reconcile.md'), 'utf8');
    const m = /## The document[\s\S]*?```json\n([\s\S]*?)\n```/.exec(text)!;
    const shown = JSON.parse(m[1]) as { discrepancies: Array<{ id: number }> };
    const real = reconcileDoc as unknown as { discrepancies: Array<{ id: number }> };
    // The audit head hashes the entries' times, so it differs on every run; its shape is checked above.
    expect({ ...shown, discrepancies: undefined, audit: undefined }).toEqual({ ...real, discrepancies: undefined, audit: undefined });
    for (const d of shown.discrepancies) expect(d).toEqual(real.discrepancies.find((x) => x.id === d.id));
  });

  it('scan --json, one baseline and several', () => {
    const key = join(tmp.dir, 'hmac.key');
    writeFileSync(key, 'k'.repeat(32), { mode: 0o600 });
    const watched = join(tmp.dir, 'watched');
    mkdirSync(watched);
    writeFileSync(join(watched, 'a.conf'), 'a');
    writeFileSync(join(watched, 'id.txt'), '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    for (const [name, path] of [['one', watched], ['two', demo]]) {
      expect(runCli(['--db', db, 'baseline', 'init', name, '--path', path, '--key-file', key]).code).toBe(0);
    }
    writeFileSync(join(watched, 'a.conf'), 'changed');
    writeFileSync(join(watched, 'new.conf'), 'n');
    const one = runCli(['--db', db, '--json', 'scan', 'one', '--key-file', key]);
    expect(one.code).toBe(5);
    const envelope = JSON.parse(one.stdout);
    expect(envelope.scans).toHaveLength(1);
    expectValid('scan.schema.json', envelope, 'scan --json (one baseline)');
    const doc = envelope.scans[0];
    // a.conf changed, new.conf added, and the directory holding it changed (entries).
    expect(doc.findings.map((f: { kind: string }) => f.kind).sort()).toEqual(['added', 'changed', 'changed']);
    const both = runCli(['--db', db, '--json', 'scan', '--key-file', key]);
    expect(JSON.parse(both.stdout).scans).toHaveLength(2);
    expectValid('scan.schema.json', JSON.parse(both.stdout), 'scan --json (several baselines)');

    const scanAlert = buildAlert({ id: 'a1', job: 'keys', command: 'scan', exitCode: 5, at: new Date(), host: 'db01', items: doc.findings.map((f: object) => ({ baseline: 'one', ...f })) });
    expectValid('alert.schema.json', JSON.parse(JSON.stringify(scanAlert)), 'a scan alert');
  });

  it('alert bodies, including a capped one', () => {
    const small = buildAlert({ id: 'a2', job: 'recon', command: 'reconcile', exitCode: 15, at: new Date(), host: 'db01', items: reconcileDoc.discrepancies });
    expectValid('alert.schema.json', JSON.parse(JSON.stringify(small)), 'a reconcile alert');
    const many = Array.from({ length: MAX_ALERT_ITEMS + 1 }, (_, i) => reconcileDoc.discrepancies[i % reconcileDoc.discrepancies.length]);
    const capped = buildAlert({ id: 'a3', job: 'recon', command: 'reconcile', exitCode: 15, at: new Date(), host: 'db01', items: many });
    expectValid('alert.schema.json', JSON.parse(JSON.stringify(capped)), 'a capped reconcile alert');
    const failed = buildAlert({ id: 'a4', job: 'recon', command: 'reconcile', exitCode: 19, at: new Date(), host: 'db01', items: [], error: 'database is locked' });
    expectValid('alert.schema.json', JSON.parse(JSON.stringify(failed)), 'a failed run alert');
  });
});
