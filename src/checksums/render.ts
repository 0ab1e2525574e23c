/**
 * Human lines for integrity results: one summary line per scan and one line per finding,
 * coloured through the chalk instance the Output chose (plain in CI, pipes and --no-color).
 * Paths, attribute names, reasons and short digests only. Pure.
 */
import type { ChalkInstance } from 'chalk';
import type { ScanDocument, ScanFinding } from '../domain/integrity.js';
import { displayPath } from '../domain/byte-path.js';
import { printable } from '../output.js';

const KIND_WIDTH = 10;

export function findingLine(f: ScanFinding, c: ChalkInstance): string {
  const colour =
    f.kind === 'added' ? c.green : f.kind === 'removed' ? c.red : f.kind === 'changed' ? c.yellow : c.magenta;
  // Paths and reasons come from the monitored tree: escaped, so a file name cannot draw on the screen.
  const parts = [`  ${colour(f.kind.padEnd(KIND_WIDTH))} ${printable(displayPath(f.path))}`];
  if (f.attributes?.length) parts.push(c.dim(`[${f.attributes.map(printable).join(', ')}]`));
  if (f.reason) parts.push(c.dim(printable(f.reason)));
  if (f.first_seen_scan !== undefined && f.first_seen_scan !== null) parts.push(c.dim(`(since scan ${f.first_seen_scan})`));
  return parts.join('  ');
}

export function scanSummary(doc: ScanDocument, c: ChalkInstance): string {
  const n = doc.counts;
  const policy = doc.findings.filter((f) => f.kind === 'policy').length;
  const clean = doc.findings.length === 0;
  const head = `scan ${doc.scan} of baseline "${printable(doc.baseline)}": ${n.files} files`;
  const detail = [
    `${n.added} added`,
    `${n.removed} removed`,
    `${n.changed} changed`,
    `${n.unreadable} unreadable`,
    // Policy findings are advice about a file, not a change against the baseline: say so where
    // they appear, so nobody waits for an exit bit that --fail-on policy alone would set.
    policy ? `${policy} policy (fails the scan only with --fail-on policy)` : '0 policy',
  ].join(', ');
  const verdict = clean ? c.green('no changes') : doc.exit_code === 0 ? c.yellow('findings (not failing)') : c.red(`exit ${doc.exit_code}`);
  return `${c.bold(head)}: ${detail} - ${verdict}`;
}

export function scanLines(doc: ScanDocument, c: ChalkInstance): string[] {
  return [scanSummary(doc, c), ...doc.findings.map((f) => findingLine(f, c))];
}
