/**
 * JUnit XML export, so CI systems list discrepancies natively. One <testcase> per discrepancy
 * (or scan finding) with at most one <failure>: Jenkins, GitLab, CircleCI, Azure DevOps and
 * most test-report actions show only the first failure of a test case, and strict parsers
 * (Python's junitparser) reject several. Counts are those of the JUnit schema: `tests` test
 * cases, `failures` failing test cases.
 *
 * Reconcile: one <testsuite> for the run. A discrepancy is a test case with classname
 * `payrecon.reconcile.<kind>` and name `<reference> (#<id>)` (the reference, else a side's id;
 * the id keeps names unique and is what `payrecon resolve` takes). Unresolved (open or
 * acknowledged) ones fail; resolved, written-off and closed ones pass, saying so in
 * <system-out>. Every kind x currency the run saw without any discrepancy is one passing test
 * case named `none in <currency>`, so a clean run shows what was checked.
 *
 * Scans: one <testsuite> per baseline; a finding is a failing test case with classname
 * `payrecon.scan.<kind>` and name the path; a finding kind with none is `none in <baseline>`.
 */
import { displayPath } from '../domain/byte-path.js';
import { DISCREPANCY_KINDS, type DiscrepancySide } from '../domain/discrepancy.js';
import type { AuditAnchor } from '../domain/audit.js';
import { FINDING_KINDS, type ScanDocument, type ScanFinding } from '../domain/integrity.js';
import { currencyOf, isUnresolved } from './summary.js';
import { collect } from './stream.js';
import type { ReconcileReportData, ReconcileStreamData, Reporter, ReportRow, ScanReportData, Write } from './types.js';

// XML 1.0 cannot carry most C0 controls even escaped; they become U+FFFD.
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

/**
 * The test cases of one suite, already rendered, grouped by a key (the kind) so they come out
 * in a fixed order. Joined a few hundred at a time: one flat string per batch is far smaller
 * than 100,000 strings (or string ropes) holding the same text.
 */
class CaseBuffer {
  tests = 0;
  failures = 0;
  private groups = new Map<string, { batches: string[]; pending: string[] }>();

  add(group: string, text: string, failing: boolean): void {
    this.tests++;
    if (failing) this.failures++;
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = { batches: [], pending: [] }));
    g.pending.push(text);
    if (g.pending.length >= 256) {
      g.batches.push(g.pending.join('\n'));
      g.pending = [];
    }
  }

  /** Every case, the groups in `order` first (then any other, as added). */
  write(line: (text: string) => void, order: readonly string[]): void {
    const keys = [...order.filter((k) => this.groups.has(k)), ...[...this.groups.keys()].filter((k) => !order.includes(k))];
    for (const k of keys) {
      const g = this.groups.get(k)!;
      for (const b of g.batches) line(b);
      if (g.pending.length) line(g.pending.join('\n'));
    }
  }
}

interface CaseText {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  out?: string;
}

function caseText(c: CaseText): string {
  const head = `    <testcase${attrs({ classname: c.classname, name: c.name, time: 0 })}`;
  if (!c.failure && !c.out) return head + '/>';
  const parts = [head + '>'];
  if (c.failure) parts.push(`      <failure${attrs({ type: c.failure.type, message: c.failure.message })}>${xmlEscape(c.failure.body)}</failure>`);
  if (c.out) parts.push(`      <system-out>${xmlEscape(c.out)}</system-out>`);
  parts.push('    </testcase>');
  return parts.join('\n');
}

/** The audit log's anchor as properties, so a CI system's copy of the file pins the log's state. */
function auditProps(a: AuditAnchor | undefined): Record<string, string | number> {
  return a ? { audit_entries: a.entries, audit_head: a.head ?? '', audit_keyed: String(a.keyed) } : {};
}

interface Suite {
  name: string;
  props: Record<string, string | number>;
  cases: CaseBuffer;
  order: readonly string[];
}

function writeSuites(write: Write, timestamp: string, suites: Suite[]): void {
  const line = (text: string) => write(text + '\n');
  const tests = suites.reduce((n, s) => n + s.cases.tests, 0);
  const failures = suites.reduce((n, s) => n + s.cases.failures, 0);
  line('<?xml version="1.0" encoding="UTF-8"?>');
  line(`<testsuites${attrs({ name: 'payrecon', tests, failures, errors: 0 })}>`);
  for (const s of suites) {
    line(`  <testsuite${attrs({ name: s.name, tests: s.cases.tests, failures: s.cases.failures, errors: 0, skipped: 0, time: 0, timestamp })}>`);
    line('    <properties>');
    for (const [k, v] of Object.entries(s.props)) line(`      <property${attrs({ name: k, value: v })}/>`);
    line('    </properties>');
    s.cases.write(line, s.order);
    line('  </testsuite>');
  }
  line('</testsuites>');
}

function sideText(label: string, s: DiscrepancySide | null | undefined, currency: string | null): string {
  if (!s) return `${label}: none`;
  return `${label}: ${s.id} ${s.amount} ${s.currency ?? currency ?? ''} (${s.source}, ${s.file}:${s.line}${s.booked_at ? `, ${s.booked_at}` : ''})`;
}

/** What a person searches the CI page for: the reference, else a side's id; then the item id. */
export function discrepancyCaseName(r: ReportRow): string {
  const ref = r.reference ?? r.psp?.id ?? r.ledger?.id ?? r.bank?.id;
  return ref ? `${ref} (#${r.id})` : `#${r.id}`;
}

function discrepancyCase(r: ReportRow): CaseText {
  const base = { classname: `payrecon.reconcile.${r.kind}`, name: discrepancyCaseName(r) };
  const state = `discrepancy ${r.id}, ${r.kind}, severity ${r.severity}, status ${r.status}, ${r.age_days} day(s) old`;
  const sides = [sideText('psp', r.psp, r.currency), sideText('ledger', r.ledger, r.currency), ...(r.bank ? [sideText('bank', r.bank, r.currency)] : [])];
  if (!isUnresolved(r)) {
    const who = [r.resolved_by ? `by ${r.resolved_by}` : '', r.resolved_at ? `at ${r.resolved_at}` : '', r.reason_code ? `reason ${r.reason_code}` : ''].filter(Boolean).join(' ');
    return { ...base, out: [`${state}${who ? ` (${who})` : ''}`, r.note ? `note: ${r.note}` : '', r.reason].filter(Boolean).join('\n') };
  }
  const ref = r.reference ?? r.psp?.id ?? r.ledger?.id ?? r.bank?.id;
  const diff = r.difference !== null ? ` (difference ${r.difference} ${r.currency ?? ''})` : '';
  const ack = r.status === 'acknowledged' ? ' [acknowledged]' : '';
  return {
    ...base,
    failure: {
      type: r.kind,
      message: `#${r.id}${ref ? ` ${ref}` : ''}: ${r.reason}${diff}${ack}`,
      body: [state, ...sides, r.note ? `note: ${r.note}` : '', `resolve: payrecon resolve ${r.id} --note "<why>"`].filter(Boolean).join('\n'),
    },
  };
}

/**
 * Rows are read once; each is rendered into its test case at once. The rendered cases are
 * kept until the end because the suite's header counts them.
 */
export function streamReconcileJunit(data: ReconcileStreamData, write: Write): void {
  const d = data.header;
  const currencies = new Set<string>(data.matched.map((m) => m.currency));
  const seen = new Set<string>();
  const cases = new CaseBuffer();
  for (const r of data.rows) {
    const cur = currencyOf(r);
    if (cur) currencies.add(cur);
    seen.add(`${r.kind}|${cur ?? ''}`);
    const c = discrepancyCase(r);
    cases.add(r.kind, caseText(c), c.failure !== undefined);
  }
  // A passing case for every kind x currency the run saw with nothing found.
  for (const kind of DISCREPANCY_KINDS) {
    for (const cur of [...currencies].sort()) {
      if (!seen.has(`${kind}|${cur}`)) cases.add(kind, caseText({ classname: `payrecon.reconcile.${kind}`, name: `none in ${cur}` }), false);
    }
  }
  const props = {
    run: d.run,
    exit_code: d.exit_code,
    window_from: d.window.from ?? '',
    window_to: d.window.to ?? '',
    psp: d.counts.psp,
    ledger: d.counts.ledger,
    matched: d.counts.matched,
    discrepancies: d.counts.discrepancies,
    ...auditProps(data.audit),
  };
  writeSuites(write, data.generatedAt, [{ name: `payrecon reconcile run ${d.run}`, props, cases, order: DISCREPANCY_KINDS }]);
}

export function renderReconcileJunit(data: ReconcileReportData): string {
  return collect(streamReconcileJunit, data);
}

function findingCase(baseline: string, f: ScanFinding): CaseText {
  const attrsText = f.attributes?.length ? ` (${f.attributes.join(', ')})` : '';
  const path = displayPath(f.path);
  return {
    classname: `payrecon.scan.${f.kind}`,
    name: path,
    failure: {
      type: f.kind,
      message: `${path}: ${f.kind}${attrsText}${f.reason ? ` - ${f.reason}` : ''}`,
      body: `baseline ${baseline}, severity ${f.severity}${f.first_seen_scan ? `, first seen in scan ${f.first_seen_scan}` : ''}`,
    },
  };
}

function scanSuite(s: ScanDocument, audit: AuditAnchor | undefined): Suite {
  const cases = new CaseBuffer();
  for (const f of s.findings) cases.add(f.kind, caseText(findingCase(s.baseline, f)), true);
  for (const kind of FINDING_KINDS) {
    if (!s.findings.some((f) => f.kind === kind)) cases.add(kind, caseText({ classname: `payrecon.scan.${kind}`, name: `none in ${s.baseline}` }), false);
  }
  const props = { scan: s.scan, baseline: s.baseline, exit_code: s.exit_code, files: s.counts.files, ...auditProps(audit) };
  return { name: `payrecon scan ${s.baseline}`, props, cases, order: FINDING_KINDS };
}

export function renderScanJunit(data: ScanReportData): string {
  const pieces: string[] = [];
  writeSuites((t) => pieces.push(t), data.generatedAt, data.scans.map((s) => scanSuite(s, data.audit)));
  return pieces.join('');
}

export const junitReporter: Reporter = {
  extension: '.xml',
  name: 'JUnit XML',
  renderReconcile: renderReconcileJunit,
  streamReconcile: streamReconcileJunit,
  renderScan: renderScanJunit,
};
