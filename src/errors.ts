/**
 * The one exit-code table of payrecon (see CONTRACT.md). Codes 0-15 are findings and form a
 * bitmask; 16 and up mean the command could not do its job. Only src/main.ts turns these into
 * a process exit code: everything else throws a PayreconError or returns a findings mask.
 */
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

/** Rows of `payrecon help exit-codes`, in the order the contract lists them. */
export const EXIT_CODE_TABLE: ReadonlyArray<{ code: string; reconcile: string; scan: string }> = [
  { code: '0', reconcile: 'everything in scope matched', scan: 'nothing changed' },
  { code: 'bit 1', reconcile: 'items only on the PSP side (missing in ledger)', scan: 'files added' },
  { code: 'bit 2', reconcile: 'items only on the ledger side (missing at PSP)', scan: 'files removed' },
  {
    code: 'bit 4',
    reconcile: 'paired items that differ (amount, currency, fee, date, duplicate)',
    scan: 'files changed (content or attributes)',
  },
  {
    code: 'bit 8',
    reconcile: 'something could not be verified: rejected rows still unresolved',
    scan: 'files that could not be read',
  },
  { code: '16', reconcile: 'usage error (unknown option, bad argument value)', scan: 'same' },
  { code: '17', reconcile: 'input error: unrecognised or malformed file, invalid config or mapping', scan: 'same' },
  { code: '18', reconcile: 'I/O error (cannot read/write a path)', scan: 'same' },
  { code: '19', reconcile: 'database error: locked, corrupt, or newer schema', scan: 'same' },
  { code: '20', reconcile: 'tamper: a signature or hash chain payrecon wrote does not verify', scan: 'same' },
  { code: '21', reconcile: 'internal error (a bug)', scan: 'same' },
  { code: '130', reconcile: 'interrupted (SIGINT/SIGTERM); nothing half-written remains', scan: 'same' },
];

/** Base of every error payrecon reports on purpose. `hint` is one extra line for the user. */
export class PayreconError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, exitCode: number, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

export class UsageError extends PayreconError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.USAGE, hint);
  }
}

/** Where in an input file something went wrong; every field optional but the file. */
export interface InputLocation {
  file: string;
  line?: number;
  column?: string | number;
}

export function formatLocation(loc: InputLocation): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.column !== undefined) s += typeof loc.column === 'number' ? `:${loc.column}` : ` (column "${loc.column}")`;
  return s;
}

/** A file (or config, or mapping) that cannot be used at all. Exit 17. */
export class InputError extends PayreconError {
  readonly location?: InputLocation;
  constructor(message: string, location?: InputLocation, hint?: string) {
    super(location ? `${formatLocation(location)}: ${message}` : message, ExitCode.INPUT, hint);
    this.location = location;
  }
}

export class IoError extends PayreconError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.IO, hint);
  }
}

export class DatabaseError extends PayreconError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.DATABASE, hint);
  }
}

export class TamperError extends PayreconError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.TAMPER, hint);
  }
}

export class InterruptedError extends PayreconError {
  constructor(message = 'interrupted; nothing was written') {
    super(message, ExitCode.INTERRUPTED);
  }
}

/** Turn an fs error into an IoError naming the path and what went wrong, in words. */
export function ioErrorFor(path: string, err: unknown, doing = 'read'): IoError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'ENOTDIR'
            ? 'a parent is not a directory'
            : ((err as Error)?.message ?? String(err));
  return new IoError(`cannot ${doing} ${path}: ${why}`);
}
