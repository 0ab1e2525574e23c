/**
 * JUnit XML export, so CI systems list discrepancies natively. One <testsuite>; one
 * <testcase> per reconciled item class = discrepancy kind × currency (classname
 * `payrecon.reconcile.<kind>`, name the currency), for every kind and every currency the run
 * saw, so a clean class shows as a passing test. Each unresolved (open or acknowledged)
 * discrepancy is one <failure> inside its class; resolved and closed ones are not failures.
 * Scans: one <testcase> per baseline × finding kind, one <failure> per finding.
 */
import { DISCREPANCY_KINDS, type DiscrepancySide } from '../domain/discrepancy.js';
import { FINDING_KINDS, type ScanFinding } from '../domain/integrity.js';
import { currencyOf, isUnresolved } from './summary.js';
import type { ReconcileReportData, Reporter, ReportRow, ScanReportData } from './types.js';

// XML 1.0 cannot carry most C0 controls even escaped; they become U+FFFD.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escape for XML text and attribute values; line breaks in attributes kept as references. */
export function xmlEscape(value: unknown, attribute = false): string {
  const s = String(value ?? '')
    .replace(INVALID_XML, '\uFFFD')
    .replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch]);
  return attribute ? s.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;') : s;
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(v, true)}"`)
    .join('');
}

interface Case {
  classname: string;
  name: string;
  failures: Array<{ type: string; message: string; body: string }>;
}

function suite(name: string, timestamp: string, props: Record<string, string | number>, cases: Case[]): string {
  const failing = cases.filter((c) => c.failures.length > 0).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'payrecon', tests: cases.length, failures: failing, errors: 0 })}>`,
    `  <testsuite${attrs({ name, tests: cases.length, failures: failing, errors: 0, skipped: 0, time: 0, timestamp })}>`,
    '    <properties>',
    ...Object.entries(props).map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const head = `    <testcase${attrs({ classname: c.classname, name: c.name, time: 0 })}`;
    if (c.failures.length === 0) {
      out.push(head + '/>');
      continue;
    }
    out.push(head + '>');
    for (const f of c.failures) {
      out.push(`      <failure${attrs({ type: f.type, message: f.message })}>${xmlEscape(f.body)}</failure>`);
    }
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

function sideText(label: string, s: DiscrepancySide | null, currency: string | null): string {
  if (!s) return `${label}: none`;
  return `${label}: ${s.id} ${s.amount} ${s.currency ?? currency ?? ''} (${s.source}, ${s.file}:${s.line}${s.booked_at ? `, ${s.booked_at}` : ''})`;
}

function failureFor(r: ReportRow): Case['failures'][number] {
  const ref = r.reference ?? r.psp?.id ?? r.ledger?.id ?? `#${r.id}`;
  const diff = r.difference !== null ? ` (difference ${r.difference} ${r.currency ?? ''})` : '';
  const ack = r.status === 'acknowledged' ? ' [acknowledged]' : '';
  return {
    type: r.kind,
    message: `#${r.id} ${ref}: ${r.reason}${diff}${ack}`,
    body: [
      `discrepancy ${r.id}, ${r.kind}, severity ${r.severity}, status ${r.status}, ${r.age_days} day(s) old`,
      sideText('psp', r.psp, r.currency),
      sideText('ledger', r.ledger, r.currency),
      r.note ? `note: ${r.note}` : '',
      `resolve: payrecon resolve ${r.id} --note "<why>"`,
    ]
      .filter(Boolean)
      .join('\n'),
  };
}

const NO_CURRENCY = 'no-currency';

export function renderReconcileJunit(data: ReconcileReportData): string {
  const d = data.document;
  const currencies = new Set<string>(data.matched.map((m) => m.currency));
  for (const r of data.rows) currencies.add(currencyOf(r) ?? NO_CURRENCY);
  const sorted = [...currencies].sort();
  const cases = new Map<string, Case>();
  for (const kind of DISCREPANCY_KINDS) {
    for (const cur of sorted) {
      if (cur === NO_CURRENCY) continue; // only where such rows exist (added below)
      cases.set(`${kind}|${cur}`, { classname: `payrecon.reconcile.${kind}`, name: cur, failures: [] });
    }
  }
  for (const r of data.rows) {
    const key = `${r.kind}|${currencyOf(r) ?? NO_CURRENCY}`;
    const c = cases.get(key) ?? { classname: `payrecon.reconcile.${r.kind}`, name: currencyOf(r) ?? NO_CURRENCY, failures: [] };
    cases.set(key, c);
    if (isUnresolved(r)) c.failures.push(failureFor(r));
  }
  const ordered = [...cases.values()].sort(
    (a, b) =>
      DISCREPANCY_KINDS.indexOf(a.classname.split('.').pop() as never) - DISCREPANCY_KINDS.indexOf(b.classname.split('.').pop() as never) ||
      a.name.localeCompare(b.name),
  );
  return suite(
    `payrecon reconcile run ${d.run}`,
    data.generatedAt,
    {
      run: d.run,
      exit_code: d.exit_code,
      window_from: d.window.from ?? '',
      window_to: d.window.to ?? '',
      psp: d.counts.psp,
      ledger: d.counts.ledger,
      matched: d.counts.matched,
      discrepancies: d.counts.discrepancies,
    },
    ordered,
  );
}

function findingFailure(baseline: string, f: ScanFinding): Case['failures'][number] {
  const attrsText = f.attributes?.length ? ` (${f.attributes.join(', ')})` : '';
  return {
    type: f.kind,
    message: `${f.path}: ${f.kind}${attrsText}${f.reason ? ` - ${f.reason}` : ''}`,
    body: `baseline ${baseline}, severity ${f.severity}${f.first_seen_scan ? `, first seen in scan ${f.first_seen_scan}` : ''}`,
  };
}

export function renderScanJunit(data: ScanReportData): string {
  const cases: Case[] = [];
  for (const s of data.scans) {
    for (const kind of FINDING_KINDS) {
      cases.push({
        classname: `payrecon.scan.${s.baseline}`,
        name: kind,
        failures: s.findings.filter((f) => f.kind === kind).map((f) => findingFailure(s.baseline, f)),
      });
    }
  }
  return suite('payrecon integrity scan', data.generatedAt, { scans: data.scans.map((s) => s.scan).join(' ') }, cases);
}

export const junitReporter: Reporter = {
  extension: '.xml',
  name: 'JUnit XML',
  renderReconcile: renderReconcileJunit,
  renderScan: renderScanJunit,
};
