/**
 * JUnit XML export, so CI systems list discrepancies natively. One <testsuite>; one
 * <testcase> per reconciled item class = discrepancy kind × currency (classname
 * `payrecon.reconcile.<kind>`, name the currency), for every kind and every currency the run
 * saw, so a clean class shows as a passing test. Each unresolved (open or acknowledged)
 * discrepancy is one <failure> inside its class; resolved and closed ones are not failures.
 * Scans: one <testcase> per baseline × finding kind, one <failure> per finding.
 */
import { displayPath } from '../domain/byte-path.js';
import { DISCREPANCY_KINDS, type DiscrepancySide } from '../domain/discrepancy.js';
import type { AuditAnchor } from '../domain/audit.js';
import { FINDING_KINDS, type ScanFinding } from '../domain/integrity.js';
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

interface Case {
  classname: string;
  name: string;
  /** How many <failure> lines `lines` holds. */
  failures: number;
  /** The failure lines already rendered, joined a few hundred at a time: one flat string per
   *  batch is far smaller than 100,000 objects (or string ropes) holding the same text. */
  lines: string[];
  pending: string[];
}

const BATCH = 256;

function addFailure(c: Case, line: string): void {
  c.failures++;
  c.pending.push(line);
  if (c.pending.length >= BATCH) {
    c.lines.push(c.pending.join('\n'));
    c.pending = [];
  }
}

function newCase(classname: string, name: string): Case {
  return { classname, name, failures: 0, lines: [], pending: [] };
}

function failureLine(f: { type: string; message: string; body: string }): string {
  return `      <failure${attrs({ type: f.type, message: f.message })}>${xmlEscape(f.body)}</failure>`;
}

/** The audit log's anchor as properties, so a CI system's copy of the file pins the log's state. */
function auditProps(a: AuditAnchor | undefined): Record<string, string | number> {
  return a ? { audit_entries: a.entries, audit_head: a.head ?? '', audit_keyed: String(a.keyed) } : {};
}

function writeSuite(write: Write, name: string, timestamp: string, props: Record<string, string | number>, cases: Case[]): void {
  const failing = cases.filter((c) => c.failures > 0).length;
  const line = (text: string) => write(text + '\n');
  line('<?xml version="1.0" encoding="UTF-8"?>');
  line(`<testsuites${attrs({ name: 'payrecon', tests: cases.length, failures: failing, errors: 0 })}>`);
  line(`  <testsuite${attrs({ name, tests: cases.length, failures: failing, errors: 0, skipped: 0, time: 0, timestamp })}>`);
  line('    <properties>');
  for (const [k, v] of Object.entries(props)) line(`      <property${attrs({ name: k, value: v })}/>`);
  line('    </properties>');
  for (const c of cases) {
    const head = `    <testcase${attrs({ classname: c.classname, name: c.name, time: 0 })}`;
    if (c.failures === 0) {
      line(head + '/>');
      continue;
    }
    line(head + '>');
    for (const batch of c.lines) line(batch);
    if (c.pending.length) line(c.pending.join('\n'));
    line('    </testcase>');
  }
  line('  </testsuite>');
  line('</testsuites>');
}

function sideText(label: string, s: DiscrepancySide | null, currency: string | null): string {
  if (!s) return `${label}: none`;
  return `${label}: ${s.id} ${s.amount} ${s.currency ?? currency ?? ''} (${s.source}, ${s.file}:${s.line}${s.booked_at ? `, ${s.booked_at}` : ''})`;
}

function failureFor(r: ReportRow): string {
  const ref = r.reference ?? r.psp?.id ?? r.ledger?.id ?? `#${r.id}`;
  const diff = r.difference !== null ? ` (difference ${r.difference} ${r.currency ?? ''})` : '';
  const ack = r.status === 'acknowledged' ? ' [acknowledged]' : '';
  return failureLine({
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
  });
}

const NO_CURRENCY = 'no-currency';

/**
 * Rows are read once; each unresolved one is rendered into its class at once. The classes
 * (and their failure lines) are kept until the end because the header counts them.
 */
export function streamReconcileJunit(data: ReconcileStreamData, write: Write): void {
  const d = data.header;
  const currencies = new Set<string>(data.matched.map((m) => m.currency));
  const byKey = new Map<string, Case>();
  for (const r of data.rows) {
    const cur = currencyOf(r) ?? NO_CURRENCY;
    currencies.add(cur);
    const key = `${r.kind}|${cur}`;
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = newCase(`payrecon.reconcile.${r.kind}`, cur)));
    if (isUnresolved(r)) addFailure(c, failureFor(r));
  }
  // Every kind for every currency seen (a clean class passes); no-currency only where such rows exist.
  const sorted = [...currencies].sort();
  const cases = new Map<string, Case>();
  for (const kind of DISCREPANCY_KINDS) {
    for (const cur of sorted) {
      if (cur === NO_CURRENCY) continue;
      const key = `${kind}|${cur}`;
      cases.set(key, byKey.get(key) ?? newCase(`payrecon.reconcile.${kind}`, cur));
    }
  }
  for (const [key, c] of byKey) if (!cases.has(key)) cases.set(key, c);
  const ordered = [...cases.values()].sort(
    (a, b) =>
      DISCREPANCY_KINDS.indexOf(a.classname.split('.').pop() as never) - DISCREPANCY_KINDS.indexOf(b.classname.split('.').pop() as never) ||
      a.name.localeCompare(b.name),
  );
  writeSuite(
    write,
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
      ...auditProps(data.audit),
    },
    ordered,
  );
}

export function renderReconcileJunit(data: ReconcileReportData): string {
  return collect(streamReconcileJunit, data);
}

function findingFailure(baseline: string, f: ScanFinding): string {
  const attrsText = f.attributes?.length ? ` (${f.attributes.join(', ')})` : '';
  return failureLine({
    type: f.kind,
    message: `${displayPath(f.path)}: ${f.kind}${attrsText}${f.reason ? ` - ${f.reason}` : ''}`,
    body: `baseline ${baseline}, severity ${f.severity}${f.first_seen_scan ? `, first seen in scan ${f.first_seen_scan}` : ''}`,
  });
}

export function renderScanJunit(data: ScanReportData): string {
  const cases: Case[] = [];
  for (const s of data.scans) {
    for (const kind of FINDING_KINDS) {
      const c = newCase(`payrecon.scan.${s.baseline}`, kind);
      for (const f of s.findings) if (f.kind === kind) addFailure(c, findingFailure(s.baseline, f));
      cases.push(c);
    }
  }
  const pieces: string[] = [];
  writeSuite((t) => pieces.push(t), 'payrecon integrity scan', data.generatedAt, { scans: data.scans.map((s) => s.scan).join(' '), ...auditProps(data.audit) }, cases);
  return pieces.join('');
}

export const junitReporter: Reporter = {
  extension: '.xml',
  name: 'JUnit XML',
  renderReconcile: renderReconcileJunit,
  streamReconcile: streamReconcileJunit,
  renderScan: renderScanJunit,
};
