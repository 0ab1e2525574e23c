import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { DISCREPANCY_KINDS } from '../../src/domain/discrepancy.js';
import { renderReconcileJunit, renderScanJunit, xmlEscape } from '../../src/report/junit.js';
import { HOSTILE_HTML, SCAN, dataFor, sampleRows, view } from '../helpers/report-sample.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testcase', 'failure', 'property'].includes(name) });

function parseSuite(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites.testsuite;
}

describe('JUnit reconcile report', () => {
  const rows = sampleRows();
  const suite = parseSuite(renderReconcileJunit(dataFor(rows)));
  const cases = suite.testcase as Array<{ classname: string; name: string; failure?: Array<{ type: string; message: string; '#text': string }> }>;
  const find = (kind: string, cur: string) => cases.find((c) => c.classname === `payrecon.reconcile.${kind}` && c.name === cur);

  it('one test case per kind and currency, passing where nothing is open', () => {
    expect(find('duplicate', 'EUR')).toBeDefined();
    expect(find('duplicate', 'EUR')!.failure).toBeUndefined();
    expect(find('missing_in_psp', 'JPY')!.failure).toHaveLength(1);
  });

  it('one failure per unresolved discrepancy; resolved ones are not failures', () => {
    const failures = cases.flatMap((c) => c.failure ?? []);
    expect(failures).toHaveLength(rows.filter((r) => r.status !== 'resolved').length);
    expect(find('amount_mismatch', 'EUR')!.failure).toHaveLength(1); // 41 open, 44 resolved
    expect(Number(suite.failures)).toBe(cases.filter((c) => c.failure).length);
    expect(Number(suite.tests)).toBe(cases.length);
  });

  it('rows without a currency get their own class; acknowledged ones say so', () => {
    const c = find('rejected_row', 'no-currency')!;
    expect(c.failure![0].message).toContain('[acknowledged]');
  });

  it('hostile references survive escaping and parse back exactly', () => {
    const f = find('amount_mismatch', 'EUR')!.failure![0];
    expect(f.message).toContain(HOSTILE_HTML);
    expect(f.message).toContain('" onmouseover="alert(2)');
    expect(f['#text']).toContain('psp: psp-41 57.28 EUR');
  });

  it('control characters that XML cannot carry do not break the document', () => {
    const xml = renderReconcileJunit(dataFor([view({ id: 1, reference: 'bad\u0001ref\u0000' })]));
    expect(parseSuite(xml).testcase.length).toBeGreaterThan(0);
  });

  it('a clean run is all passing test cases', () => {
    const s = parseSuite(renderReconcileJunit(dataFor([])));
    expect(Number(s.failures)).toBe(0);
    expect(s.testcase.length).toBe(DISCREPANCY_KINDS.length * 2); // every kind x EUR, JPY (matched currencies)
    expect(s.testcase.map((c: { classname: string }) => c.classname.split('.').pop())).toEqual(expect.arrayContaining(['payout_not_deposited', 'unexplained_deposit', 'deposit_mismatch']));
  });
});

describe('JUnit scan report', () => {
  it('a test case per baseline and finding kind, a failure per finding', () => {
    const s = parseSuite(renderScanJunit({ scans: [SCAN], generatedAt: '2025-04-01T00:00:00Z' }));
    expect(s.testcase).toHaveLength(5);
    const changed = s.testcase.find((c: { name: string }) => c.name === 'changed');
    expect(changed.failure[0].message).toContain('<script>');
    expect(changed.failure[0].message).toContain('sha256, mode');
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
