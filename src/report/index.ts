/**
 * The report formats: one pure Reporter per format, picked by the file extension. Gathering
 * the data and writing the file is the report operation's (src/operations/report.ts).
 */
import { extname } from 'node:path';
import { UsageError } from '../errors.js';
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { Reporter } from './types.js';

export type { CashSection, FormatOptions, ReconcileReportData, ReconcileStreamData, Reporter, ScanReportData } from './types.js';
export { CSV_DIALECT_NAMES, DEFAULT_CSV_DIALECT, type CsvDialectName } from './csv-dialect.js';

export const REPORTERS: readonly Reporter[] = [htmlReporter, csvReporter, jsonReporter, junitReporter];

/** The reporter for `path`'s extension, or a UsageError (exit 16) listing the known ones. */
export function reporterFor(path: string): Reporter {
  const ext = extname(path).toLowerCase();
  const hit = REPORTERS.find((r) => r.extension === ext);
  if (hit) return hit;
  const known = REPORTERS.map((r) => `${r.extension} (${r.name})`).join(', ');
  throw new UsageError(
    `cannot tell the report format of ${path}: ${ext ? `unknown extension "${ext}"` : 'no extension'}`,
    `use one of ${known}`,
  );
}
