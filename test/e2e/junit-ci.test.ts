/**
 * Issue 17 item 5: the JUnit reports of `payrecon report`, `reconcile --report` and `scan
 * --report` as a CI system takes them: valid against the Jenkins JUnit XSD (xmllint), one test
 * case per discrepancy or finding with at most one <failure>, counts that match, and read by a
 * real consumer library (test-results-parser, which like Jenkins and GitLab shows a test case's
 * first failure only) with every open discrepancy visible. The XSD check is skipped, saying
 * so, only when xmllint is absent (CI installs it: .ci/run).
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { consume, validateFile, XMLLINT } from '../helpers/junit.js';
import { SCRIPT_REF, dropTemplate, seededCopy } from '../helpers/report-setup.js';

if (!XMLLINT) console.warn('skipping the JUnit XSD checks: xmllint not found. Install it with: sudo apt-get install -y libxml2-utils');

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));
afterAll(() => dropTemplate());

type Case = { classname: string; name: string; failure?: Array<{ message: string }>; 'system-out'?: string };
type Suite = { name: string; tests: string; failures: string; testcase?: Case[] };
const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => ['testsuite', 'testcase', 'failure'].includes(n) });

/** The suites of a written report, after the checks every CI consumer needs. */
function checked(path: string): Suite[] {
  if (XMLLINT) {
    const v = validateFile(path);
    expect(v.ok, v.output).toBe(true);
  }
  const suites: Suite[] = xmlParser.parse(readFileSync(path, 'utf8')).testsuites.testsuite;
  for (const s of suites) {
    const cases = s.testcase ?? [];
    for (const c of cases) expect((c.failure ?? []).length, `${c.classname} ${c.name}`).toBeLessThanOrEqual(1);
    expect(Number(s.tests)).toBe(cases.length);
    expect(Number(s.failures)).toBe(cases.filter((c) => c.failure).length);
  }
  // The consumer's view agrees with the file's own counts and cases.
  const seen = consume(path);
  expect(seen.total).toBe(suites.reduce((n, s) => n + Number(s.tests), 0));
  expect(seen.failed).toBe(suites.reduce((n, s) => n + Number(s.failures), 0));
  expect(seen.suites.flatMap((s) => s.cases).filter((c) => c.status === 'FAIL')).toHaveLength(seen.failed);
  return suites;
}

describe('JUnit for CI (end to end)', () => {
  it('report .xml: a failing test case per open discrepancy, each message visible to the consumer; resolving one makes it pass', () => {
    const doc = seededCopy(dir, db);
    const out = join(dir, 'r.xml');
    expect(runCli(['--db', db, 'report', '--out', out]).code).toBe(0);
    const [suite] = checked(out);
    const cases = suite.testcase!;
    const items: Array<{ id: number; kind: string }> = doc.discrepancies;
    for (const d of items) {
      const mine = cases.filter((c) => c.name.endsWith(`(#${d.id})`));
      expect(mine, `discrepancy ${d.id}`).toHaveLength(1);
      expect(mine[0].classname).toBe(`payrecon.reconcile.${d.kind}`);
      expect(mine[0].failure).toHaveLength(1);
    }
    expect(cases.find((c) => c.name.startsWith(SCRIPT_REF))).toBeDefined();
    // Every open discrepancy's message reaches the consumer, not only the first of its kind.
    const messages = consume(out).suites[0].cases.filter((c) => c.status === 'FAIL').map((c) => c.failure);
    for (const d of items) expect(messages.some((m) => m.startsWith(`#${d.id} `)), `#${d.id}`).toBe(true);

    const first = items[0].id;
    expect(runCli(['--db', db, 'resolve', String(first), '--note', 'booked in April']).code).toBe(0);
    expect(runCli(['--db', db, 'report', '--out', out]).code).toBe(0);
    const after = checked(out)[0];
    const resolved = after.testcase!.find((c) => c.name.endsWith(`(#${first})`))!;
    expect(resolved.failure).toBeUndefined();
    expect(resolved['system-out']).toMatch(/note: booked in April/);
    expect(Number(after.failures)).toBe(items.length - 1);
  });

  it('reconcile --report on a clean run: passing test cases only, one per kind and currency', () => {
    writeFileSync(join(dir, 'ledger.csv'), 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description\nL-1,2025-03-03,ORD-1,ch_1,charge,120.00,USD,,ok\n');
    writeFileSync(
      join(dir, 'stripe.csv'),
      'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id\ntxn_1,2025-03-03 14:02:11,2025-03-05 00:00:00,usd,120.00,3.78,116.22,charge,ch_1,Order ORD-1,po_1\n',
    );
    expect(runCli(['--db', db, 'import', 'ledger', join(dir, 'ledger.csv')]).code).toBe(0);
    expect(runCli(['--db', db, 'import', 'psp', join(dir, 'stripe.csv')]).code).toBe(0);
    const out = join(dir, 'clean.xml');
    const r = runCli(['--db', db, 'reconcile', '--report', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).discrepancies).toEqual([]);
    const [suite] = checked(out);
    expect(Number(suite.failures)).toBe(0);
    expect(suite.testcase!.length).toBeGreaterThan(0);
    expect(suite.testcase!.every((c) => c.name === 'none in USD')).toBe(true);
    expect(consume(out).passed).toBe(suite.testcase!.length);
  });

  it('scan --report .xml: a suite per baseline, a failing case per finding named by its path', () => {
    const key = join(dir, 'hmac.key');
    writeFileSync(key, 'k'.repeat(64));
    chmodSync(key, 0o600);
    const keys = join(dir, 'keys');
    mkdirSync(keys);
    for (const f of ['a.secret', 'b.secret']) writeFileSync(join(keys, f), 'one');
    chmodSync(join(keys, 'a.secret'), 0o600);
    chmodSync(join(keys, 'b.secret'), 0o600);
    expect(runCli(['--db', db, 'baseline', 'init', 'keys', '--path', keys, '--key-file', key]).code).toBe(0);
    writeFileSync(join(keys, 'a.secret'), 'two');
    writeFileSync(join(keys, 'b.secret'), 'two');
    const out = join(dir, 's.xml');
    expect(runCli(['--db', db, 'scan', 'keys', '--key-file', key, '--report', out]).code).toBe(4);
    const [suite] = checked(out);
    expect(suite.name).toBe('payrecon scan keys');
    const failing = suite.testcase!.filter((c) => c.failure);
    expect(failing.map((c) => [c.classname, c.name]).sort()).toEqual([
      ['payrecon.scan.changed', join(keys, 'a.secret')],
      ['payrecon.scan.changed', join(keys, 'b.secret')],
    ]);
    expect(suite.testcase!.filter((c) => !c.failure).every((c) => c.name === 'none in keys')).toBe(true);
  });
});
