/**
 * `reconcile --require-clean <baseline>` and the scheduler's `requireClean`: before matching
 * anything, scan the baselines that guard the reconciliation's own inputs (mapping files,
 * provider configs, keys) with the scan operation itself, so the check is recorded, signed and
 * chained like any scan. Anything added, removed, changed or unreadable since the baseline was
 * approved refuses the run (exit 20, naming the paths); policy findings are advice and do not.
 */
import { displayPath } from '../domain/byte-path.js';
import type { ScanFinding } from '../domain/integrity.js';
import { TamperError } from '../errors.js';
import type { OperationContext } from './context.js';
import { scanBaselines } from './scan.js';

/** Paths named in the refusal; the rest are counted (the scan itself lists every one). */
const NAMED = 5;

export interface RequireCleanResult {
  /** The scan ids recorded by the check, one per baseline. */
  scans: Array<{ baseline: string; scan: number }>;
}

export async function requireClean(ctx: OperationContext, params: { baselines: string[]; keyFile?: string }): Promise<RequireCleanResult> {
  if (params.baselines.length === 0) return { scans: [] };
  // Every change kind counts here whatever a scan's --fail-on usually says.
  const result = await scanBaselines(ctx, { names: params.baselines, keyFile: params.keyFile, failOn: ['added', 'removed', 'changed', 'unreadable'] });
  const dirty = result.scans.filter((s) => s.exit_code !== 0);
  if (dirty.length) {
    const what = dirty.map((s) => `baseline "${s.baseline}" (scan ${s.scan}): ${describe(s.findings.filter((f) => f.kind !== 'policy'))}`);
    throw new TamperError(
      `reconcile refused: ${what.join('; ')} since it was approved`,
      `review the change (payrecon scan ${dirty.map((s) => s.baseline).join(' ')}); if it is intended, accept it with payrecon baseline update <name>, then reconcile again`,
    );
  }
  return { scans: result.scans.map((s) => ({ baseline: s.baseline, scan: s.scan })) };
}

function describe(findings: ScanFinding[]): string {
  const shown = findings.slice(0, NAMED).map((f) => `${f.kind} ${displayPath(f.path)}${f.attributes?.length ? ` [${f.attributes.join(', ')}]` : ''}`);
  const more = findings.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}
