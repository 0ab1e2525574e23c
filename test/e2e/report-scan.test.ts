/** Reports of integrity scans: `scan --report` in each format, and scans in the reconcile report. */
import { parse } from 'csv-parse/sync';
import { XMLValidator } from 'fast-xml-parser';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unwrapFormulaText } from '../../src/report/csv-dialect.js';
import { parseJson, runCli, tempDir } from '../helpers/cli.js';
import { seedReconciled } from '../helpers/report-setup.js';

let dir: string;
let cleanup: () => void;
let db: string;
let key: string;
let keys: string;
const HOSTILE = '<img src=x onerror=alert(1)>.pem';

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  db = join(dir, 'test.db');
  key = join(dir, 'hmac.key');
  writeFileSync(key, 'k'.repeat(64));
  chmodSync(key, 0o600);
  keys = join(dir, 'keys');
  mkdirSync(keys);
  writeFileSync(join(keys, 'api.secret'), 'one');
  writeFileSync(join(keys, HOSTILE), 'x');
  chmodSync(join(keys, 'api.secret'), 0o600);
  chmodSync(join(keys, HOSTILE), 0o600);
  const init = runCli(['--db', db, 'baseline', 'init', 'keys', '--path', keys, '--key-file', key]);
  expect(init.code, init.stderr).toBe(0);
  writeFileSync(join(keys, 'api.secret'), 'two'); // changed
  writeFileSync(join(keys, HOSTILE), 'y'); // changed, with a hostile name
});
afterEach(() => cleanup());

const scan = (out: string) => runCli(['--db', db, 'scan', 'keys', '--key-file', key, '--report', join(dir, out), '--json']);

describe('scan --report', () => {
  it('.json is the scan document; .csv a row per finding; .xml a failure per finding', () => {
    const r = scan('s.json');
    expect(r.code, r.stderr).toBe(4);
    const printed = parseJson(r);
    const written = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(written).toEqual(printed);

    expect(scan('s.csv').code).toBe(4);
    const rows = parse(readFileSync(join(dir, 's.csv')), { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => x.kind)).toEqual(['changed', 'changed']);
    // The default dialect (excel) keeps paths text as ="..." string literals.
    expect(rows.map((x) => unwrapFormulaText(x.path)).sort()).toEqual([join(keys, HOSTILE), join(keys, 'api.secret')].sort());

    expect(scan('s.xml').code).toBe(4);
    const xml = readFileSync(join(dir, 's.xml'), 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });

  it('.html lists the findings with the hostile file name escaped', () => {
    expect(scan('s.html').code).toBe(4);
    const html = readFileSync(join(dir, 's.html'), 'utf8');
    expect(html).toContain('Baseline <code>keys</code>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.pem');
  });

  it('an unknown extension fails before scanning (exit 16)', () => {
    const r = scan('s.txt');
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/\.html \(HTML\)/);
  });

  it('the reconcile report shows the latest scan findings', () => {
    expect(scan('s.json').code).toBe(4);
    // The baseline keyed this database's audit log: the reconcile side writes with the same key.
    seedReconciled(dir, db, { PAYRECON_KEY_FILE: key });
    expect(runCli(['--db', db, 'report', '--out', join(dir, 'r.html')]).code).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('Integrity findings (latest scans)');
    expect(html).toContain('api.secret');
  });
});
