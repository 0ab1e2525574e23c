/**
 * The one exit-code rule of payrecon (README "Exit codes"): 0 clean, 1-15 a
 * bitmask of findings, 16 and up the command could not do its job. Every finding kind, of
 * reconciliation and of integrity scans alike, sets its bit through KIND_EXIT_BIT; every
 * command combines codes with combineExitCodes; `payrecon help exit-codes` and the README
 * table are rendered from EXIT_CODE_TABLE (test/domain/exit-codes.test.ts holds the README to it).
 */
import { DISCREPANCY_KINDS, type DiscrepancyKind } from './discrepancy.js';
import { FINDING_KINDS, type FindingKind } from './integrity.js';

export const ExitCode = {
  OK: 0,
  ONLY_EXTERNAL: 1, // reconcile: only on the PSP side · scan: files added
  ONLY_INTERNAL: 2, // reconcile: only in the ledger · scan: files removed
  DIFFERS: 4, // paired items that differ · files changed
  UNVERIFIED: 8, // rejected rows still unresolved · files that could not be read
  USAGE: 16,
  INPUT: 17,
  IO: 18,
  DATABASE: 19,
  TAMPER: 20,
  INTERNAL: 21,
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Every kind of finding that can set an exit bit. */
export type FindingKindAny = DiscrepancyKind | FindingKind;

type Bit = 1 | 2 | 4 | 8;

/** The bit each kind sets. A new kind is added here and nowhere else. */
export const KIND_EXIT_BIT: Readonly<Record<FindingKindAny, Bit>> = {
  // reconciliation (DISCREPANCY_KINDS)
  missing_in_ledger: 1,
  missing_in_psp: 2,
  amount_mismatch: 4,
  currency_mismatch: 4,
  fee_mismatch: 4,
  date_out_of_window: 4,
  duplicate: 4,
  payout_mismatch: 4,
  rejected_row: 8,
  // payout -> bank deposit
  payout_not_deposited: 2,
  unexplained_deposit: 1,
  deposit_mismatch: 4,
  // integrity scans (FINDING_KINDS)
  added: 1,
  removed: 2,
  changed: 4,
  unreadable: 8,
  policy: 4,
};

/**
 * Kinds that set no bit unless --fail-on names them: a policy finding (a private key readable
 * by others) is advice about a file, not a change against the baseline.
 */
export const OPT_IN_KINDS: ReadonlySet<FindingKindAny> = new Set<FindingKindAny>(['policy']);

/**
 * The findings bitmask of a set of kinds. With `failOn`, only the kinds it names set bits;
 * without it, every kind but the opt-in ones does.
 */
export function exitCodeFor(kinds: Iterable<FindingKindAny>, failOn?: Iterable<FindingKindAny> | null): number {
  const allowed = failOn ? new Set(failOn) : undefined;
  let code = 0;
  for (const k of kinds) {
    if (allowed ? allowed.has(k) : !OPT_IN_KINDS.has(k)) code |= KIND_EXIT_BIT[k];
  }
  return code;
}

/** 16 and up: the command could not do its job (as opposed to 1-15, what it found). */
export function isFailure(code: number): boolean {
  return code >= ExitCode.USAGE;
}

/**
 * Several results of one command (files of an import, the steps of a scheduled job) as one
 * code: a failure outranks findings (the highest failure wins), findings are OR-ed.
 */
export function combineExitCodes(codes: Iterable<number>): number {
  let bits = 0;
  let failure = 0;
  for (const c of codes) {
    if (isFailure(c)) failure = Math.max(failure, c);
    else bits |= c;
  }
  return failure || bits;
}

export interface ExitCodeRow {
  code: string;
  reconcile: string;
  scan: string;
}

const BIT_MEANING: Record<Bit, { reconcile: string; scan: string }> = {
  1: { reconcile: 'items only on the PSP side (missing in ledger), or only at the bank', scan: 'files added' },
  2: { reconcile: 'items only on the ledger side (missing at PSP), or payouts the bank never received', scan: 'files removed' },
  4: { reconcile: 'paired items that differ', scan: 'files changed (content or attributes)' },
  8: { reconcile: 'rows rejected on import and still unresolved', scan: 'files that could not be read' },
};

function kindsOf<K extends FindingKindAny>(all: readonly K[], bit: Bit): string {
  const kinds = all.filter((k) => KIND_EXIT_BIT[k] === bit).map((k) => (OPT_IN_KINDS.has(k) ? `${k} with --fail-on` : k));
  return kinds.join(', ');
}

/** The rows of `payrecon help exit-codes` and of the README table, in the contract's order. */
export const EXIT_CODE_TABLE: readonly ExitCodeRow[] = [
  { code: '0', reconcile: 'everything in scope matched', scan: 'nothing changed' },
  ...([1, 2, 4, 8] as const).map((bit) => ({
    code: `bit ${bit}`,
    reconcile: `${BIT_MEANING[bit].reconcile}: ${kindsOf(DISCREPANCY_KINDS, bit)}`,
    scan: `${BIT_MEANING[bit].scan}: ${kindsOf(FINDING_KINDS, bit)}`,
  })),
  { code: '16', reconcile: 'usage error (unknown option, bad argument value)', scan: 'same' },
  { code: '17', reconcile: 'input error: unrecognised or malformed file, not a regular file, invalid config or mapping; or a conflict: someone already changed the item (named, with when)', scan: 'same' },
  { code: '18', reconcile: 'I/O error (cannot read/write a path; disk full)', scan: 'same' },
  { code: '19', reconcile: 'database error: locked by another run past the wait, corrupt, or newer schema', scan: 'same' },
  { code: '20', reconcile: 'tamper: a signature or hash chain payrecon wrote does not verify', scan: 'same' },
  { code: '21', reconcile: 'internal error (a bug: a short message and where to report it)', scan: 'same' },
  { code: '130', reconcile: 'interrupted (SIGINT/SIGTERM); nothing half-written remains', scan: 'same' },
];

/** The table as `payrecon help exit-codes` prints it. */
export function formatExitCodes(): string {
  const w0 = Math.max(...EXIT_CODE_TABLE.map((r) => r.code.length));
  const w1 = Math.max(...EXIT_CODE_TABLE.map((r) => r.reconcile.length));
  const lines = [
    'One rule: 0 clean, 1-15 findings (a bitmask), 16 and up: the command could not do its job.',
    '',
    `${'code'.padEnd(w0)}  ${'reconcile / import'.padEnd(w1)}  scan (integrity)`,
    ...EXIT_CODE_TABLE.map((r) => `${r.code.padEnd(w0)}  ${r.reconcile.padEnd(w1)}  ${r.scan}`),
    '',
    '--fail-on <kinds> on reconcile and scan narrows which findings set bits.',
  ];
  return lines.join('\n') + '\n';
}

/** The table as the README prints it (a Markdown table). */
export function exitCodesMarkdown(): string {
  return [
    '| code | reconcile / import | scan (integrity) |',
    '|---|---|---|',
    ...EXIT_CODE_TABLE.map((r) => `| ${r.code} | ${r.reconcile} | ${r.scan} |`),
  ].join('\n');
}
