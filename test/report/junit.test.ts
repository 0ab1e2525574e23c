import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { DISCREPANCY_KINDS } from '../../src/domain/discrepancy.js';
import { FINDING_KINDS } from '../../src/domain/integrity.js';
import { discrepancyCaseName, renderReconcileJunit, renderScanJunit, xmlEscape } from '../../src/report/junit.js';
import { consumeXml, validateXml, XMLLINT } from '../helpers/junit.js';
import { HOSTILE_HTML, SCAN, dataFor, sampleRows, view } from '../helpers/report-sample.js';

if (!XMLLINT) console.warn('skipping the JUnit XSD checks: xmllint not found. Install it with: sudo apt-get install -y libxml2-utils');

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name) });

type Case = { classname: string; name: string; failure?: Array<{ type: string; message: string; '#text': string }>; 'system-out'?: string };

/** The suites of a report, after checking it is well-formed and (where xmllint is) valid against the Jenkins XSD. */
function parseSuites(xml: string): Array<{ name: string; tests: string; failures: string; errors: string; skipped: string; testcase?: Case[] }> {
  expect(XMLValidator.validate(xml)).toBe(true);
  if (XMLLINT) {
    const v = validateXml(xml);
    expect(v.ok, v.output).toBe(true);
  }
  return parser.parse(xml).testsuites.testsuite;
}

describe('JUnit reconcile report', () => {
  const rows = sampleRows();
  const xml = renderReconcileJunit(dataFor(rows));
  const [suite] = parseSuites(xml);
  const cases = suite.testcase!;
  const byId = (id: number) => cases.find((c) => c.name.endsWith(`(#${id})`) || c.name === `#${id}`)!;

  it('one test case per discrepancy: classname the kind, name the reference and id', () => {
    for (const r of rows) expect(byId(r.id), `#${r.id}`).toMatchObject({ classname: `payrecon.reconcile.${r.kind}` });
    expect(byId(41).name).toBe(`${HOSTILE_HTML} (#41)`);
    expect(byId(43).name).toBe('ORD-43 (#43)');
    expect(byId(45).name).toBe('#45'); // a rejected row has no reference and no sides
  });

  it('at most one failure per test case; unresolved items fail, resolved ones pass and say so', () => {
    for (const c of cases) expect((c.failure ?? []).length).toBeLessThanOrEqual(1);
    expect(byId(41).failure).toHaveLength(1);
    expect(byId(44).failure).toBeUndefined();
    expect(byId(44)['system-out']).toMatch(/status resolved, .*by ann.*\nnote: booked late/);
    expect(byId(45).failure![0].message).toContain('[acknowledged]');
  });

  it('counts match the test cases (the JUnit schema: tests = cases, failures = failing cases)', () => {
    expect(Number(suite.tests)).toBe(cases.length);
    expect(Number(suite.failures)).toBe(cases.filter((c) => c.failure).length);
    expect(Number(suite.failures)).toBe(rows.filter((r) => r.status === 'open' || r.status === 'acknowledged').length);
    expect([suite.errors, suite.skipped]).toEqual(['0', '0']);
  });

  it('a kind x currency with nothing found is one passing case', () => {
    expect(cases.find((c) => c.classname === 'payrecon.reconcile.duplicate' && c.name === 'none in EUR')).toBeDefined();
    // amount_mismatch in EUR has items: no "none" case for it
    expect(cases.find((c) => c.classname === 'payrecon.reconcile.amount_mismatch' && c.name === 'none in EUR')).toBeUndefined();
  });

  it('a test-report consumer reads the same counts and every failure message', () => {
    const result = consumeXml(xml);
    expect([result.total, result.failed, result.passed]).toEqual([cases.length, 4, cases.length - 4]);
    const failed = result.suites[0].cases.filter((c) => c.status === 'FAIL');
    expect(failed.map((c) => c.failure).sort()).toEqual(cases.flatMap((c) => c.failure ?? []).map((f) => f.message).sort());
  });

  it('hostile references survive escaping and parse back exactly', () => {
    const f = byId(41).failure![0];
    expect(f.message).toContain(HOSTILE_HTML);
    expect(f.message).toContain('" onmouseover="alert(2)');
    expect(f['#text']).toContain('psp: psp-41 57.28 EUR');
  });

  it('control characters that XML cannot carry do not break the document', () => {
    const x = renderReconcileJunit(dataFor([view({ id: 1, reference: 'bad\u0001ref\u0000' })]));
    expect(parseSuites(x)[0].testcase!.length).toBeGreaterThan(0);
  });

  it('a clean run is all passing test cases, one per kind and currency', () => {
    const [s] = parseSuites(renderReconcileJunit(dataFor([])));
    expect(Number(s.failures)).toBe(0);
    expect(s.testcase!.length).toBe(DISCREPANCY_KINDS.length * 2); // every kind x EUR, JPY (matched currencies)
    expect(s.testcase!.map((c) => c.classname.split('.').pop())).toEqual(expect.arrayContaining(['payout_not_deposited', 'unexplained_deposit', 'deposit_mismatch']));
    expect(s.testcase!.map((c) => c.name)).toEqual(expect.arrayContaining(['none in EUR', 'none in JPY']));
  });

  it.each([
    [{ reference: 'ORD-1' }, 'ORD-1 (#9)'],
    [{ reference: null }, 'psp-9 (#9)'],
    [{ reference: null, psp: null }, 'L-9 (#9)'],
    [{ reference: null, psp: null, ledger: null }, '#9'],
  ])('case name %j -> %s', (over, name) => {
    expect(discrepancyCaseName(view({ id: 9, ...over }))).toBe(name);
  });
});

describe('JUnit scan report', () => {
  it('a suite per baseline, a failing case per finding (classname the kind, name the path), a passing case per clean kind', () => {
    const other = { ...SCAN, scan: 4, baseline: 'configs', findings: [] };
    const suites = parseSuites(renderScanJunit({ scans: [SCAN, other], generatedAt: '2025-04-01T00:00:00Z' }));
    expect(suites.map((s) => s.name)).toEqual(['payrecon scan keys', 'payrecon scan configs']);
    const [keys, configs] = suites;
    const changed = keys.testcase!.find((c) => c.classname === 'payrecon.scan.changed')!;
    expect(changed.name).toBe(SCAN.findings[0].path);
    expect(changed.failure![0].message).toContain('<script>');
    expect(changed.failure![0].message).toContain('sha256, mode');
    expect(keys.testcase).toHaveLength(FINDING_KINDS.length); // one finding + the other kinds clean
    expect([Number(keys.tests), Number(keys.failures)]).toEqual([FINDING_KINDS.length, 1]);
    expect(configs.testcase!.every((c) => !c.failure && c.name === 'none in configs')).toBe(true);
  });
});

describe('xmlEscape', () => {
  it.each([
    ['a<b>&"\'', false, 'a&lt;b&gt;&amp;&quot;&apos;'],
    ['x\ny', true, 'x&#10;y'],
    ['x\ny', false, 'x\ny'],
    ['\u0007', false, '\uFFFD'],
  ])('%j (attribute %s)', (input, attr, expected) => {
    expect(xmlEscape(input, attr)).toBe(expected);
  });
});

describe.skipIf(!XMLLINT)('the XSD check can fail', () => {
  it('a test case without a name is refused', () => {
    const v = validateXml('<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase classname="c"/></testsuite></testsuites>');
    expect(v.ok).toBe(false);
    expect(v.output).toMatch(/name.*required/);
  });
});
