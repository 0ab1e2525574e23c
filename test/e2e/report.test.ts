/** `payrecon report` end to end: every format from a real reconciled database, and the bad inputs. */
import { parse } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyDatabase, parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { FORMULA_REF, SCRIPT_REF, dropTemplate, seededCopy as seedReconciled } from '../helpers/report-setup.js';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));
afterAll(() => dropTemplate());

const report = (...args: string[]) => runCli(['--db', db, 'report', ...args]);

describe('payrecon report (end to end)', () => {
  it('.json is exactly the document reconcile --json printed', () => {
    const doc = seedReconciled(dir, db);
    const r = report('--out', join(dir, 'r.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual(doc);
    const again = report('--run', String(doc.run), '--out', join(dir, 'again.json'), '--json');
    expect(parseJson(again)).toEqual({ run: doc.run, format: 'json', path: join(dir, 'again.json') });
  });

  it('.csv (rfc4180) has a row per discrepancy, formulas neutralised, negative amounts numeric', () => {
    const doc = seedReconciled(dir, db);
    expect(report('--out', join(dir, 'r.csv'), '--csv-dialect', 'rfc4180').code).toBe(0);
    const rows = parse(readFileSync(join(dir, 'r.csv')), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => Number(x.id))).toEqual(doc.discrepancies.map((d: { id: number }) => d.id));
    const formula = rows.find((x) => x.psp_id === 'txn_4')!;
    expect(formula.reference.startsWith("'=")).toBe(true);
    const refund = rows.find((x) => x.ledger_id === 'L-10')!;
    expect(refund.ledger_amount).toBe('-12.30');
    expect(rows.find((x) => x.psp_id === 'txn_3')!.reference).toContain(SCRIPT_REF);
  });

  it('--csv-dialect and $PAYRECON_CSV_DIALECT pick the CSV dialect; a bad variable stops only a CSV report', () => {
    seedReconciled(dir, db);
    const out = join(dir, 'r.csv');
    expect(runCli(['--db', db, 'report', '--out', out], { env: { PAYRECON_CSV_DIALECT: 'excel-semicolon' } }).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\uFEFFid;kind;/);
    // The option wins over the variable.
    expect(runCli(['--db', db, 'report', '--out', out, '--csv-dialect', 'rfc4180'], { env: { PAYRECON_CSV_DIALECT: 'excel-semicolon' } }).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^id,kind,/);
    const bad = runCli(['--db', db, 'report', '--out', join(dir, 'x.csv')], { env: { PAYRECON_CSV_DIALECT: 'excell' } });
    expect(bad.code).toBe(16);
    expect(bad.stderr).toMatch(/PAYRECON_CSV_DIALECT: unknown CSV dialect "excell"; known: excel, excel-semicolon, rfc4180/);
    expect(runCli(['--db', db, 'report', '--out', join(dir, 'x.html')], { env: { PAYRECON_CSV_DIALECT: 'excell' } }).code).toBe(0);
    expect(report('--out', join(dir, 'y.csv'), '--csv-dialect', 'tsv').code).toBe(16);
  });

  it('.xml is JUnit with a failure per open discrepancy; resolving one removes its failure', () => {
    const doc = seedReconciled(dir, db);
    const out = join(dir, 'r.xml');
    const failures = () => {
      expect(report('--out', out).code).toBe(0);
      const xml = readFileSync(out, 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      return (xml.match(/<failure /g) ?? []).length;
    };
    expect(failures()).toBe(doc.discrepancies.length);
    const first = doc.discrepancies[0].id;
    expect(runCli(['--db', db, 'resolve', String(first), '--note', 'checked']).code).toBe(0);
    expect(failures()).toBe(doc.discrepancies.length - 1);
    const suite = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(out, 'utf8')).testsuites.testsuite;
    expect(suite['@_name']).toBe(`payrecon reconcile run ${doc.run}`);
  });

  it('.html escapes hostile references from the provider file', () => {
    seedReconciled(dir, db);
    expect(report('--out', join(dir, 'r.html')).code).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('ORD-&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('id="chart-kind"');
  });

  it('replaces an existing report atomically and leaves no temporary file', () => {
    seedReconciled(dir, db);
    const out = join(dir, 'r.csv');
    writeFileSync(out, 'old');
    expect(report('--out', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\uFEFFid,kind/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['an unknown extension', ['--out', 'r.pdf'], 16, /unknown extension "\.pdf"[\s\S]*\.html \(HTML\), \.csv \(CSV\), \.json \(JSON\), \.xml \(JUnit XML\)/],
    ['no extension', ['--out', 'report'], 16, /no extension/],
    ['a missing directory', ['--out', 'missing/dir/r.html'], 18, /directory .*missing\/dir does not exist/],
    ['a run that does not exist', ['--run', '99', '--out', 'r.html'], 16, /no reconcile run 99/],
  ])('%s exits %i and says why', (_name, args, code, message) => {
    seedReconciled(dir, db);
    const r = runCli(['--db', db, 'report', ...args], { cwd: dir });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(dir).filter((f) => f.startsWith('r.') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('with no run yet: exit 16 and a hint', () => {
    emptyDatabase(db);
    const r = report('--out', join(dir, 'r.html'));
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/no reconcile run yet/);
  });
});
