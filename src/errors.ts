/**
 * The errors payrecon reports on purpose, each carrying its exit code from the one exit-code
 * module (src/domain/exit-codes.ts). Only src/main.ts turns these into a process exit code:
 * everything else throws a PayreconError or returns a findings mask.
 */
import { ExitCode } from './domain/exit-codes.js';
import { printable, quoted } from './output.js';

export { ExitCode };

/**
 * Base of every error payrecon reports on purpose. `hint` is extra lines for the user, composed
 * by payrecon alone. `summary`, when set, is the message without anything quoted from an input
 * file: what alerts and the scheduler's run log carry (they leave the machine; file content
 * must not).
 */
export class PayreconError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  summary?: string;
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
  if (loc.column !== undefined) s += typeof loc.column === 'number' ? `:${loc.column}` : ` (column ${quoted(loc.column)})`;
  return s;
}

/**
 * A file (or config, or mapping) that cannot be used at all. Exit 17. The message is one line
 * with every control character escaped: it may quote the file (a value, a header name), and a
 * quoted line break or escape sequence must not reach a terminal as one. A list of problems
 * goes in `details`, one escaped line each; explanations in the hint.
 */
export class InputError extends PayreconError {
  readonly location?: InputLocation;
  constructor(message: string, location?: InputLocation, hint?: string, details: string[] = []) {
    const head = printable(location ? `${formatLocation(location)}: ${message}` : message);
    super(head + details.map((d) => `\n  ${printable(d)}`).join(''), ExitCode.INPUT, hint);
    this.location = location;
  }
}

/**
 * Someone (or a reconcile run) changed the item first: two analysts on one queue, the second
 * learns who got there and when (issue 16) instead of overwriting it. Exit 17 like any input
 * that cannot be used as it stands, so the exit mapping stays InputError's; the class name
 * tells the two apart in code. A command line that is wrong as well (an unknown id) is a
 * UsageError (16) first: see refusal() in src/domain/conflict.ts.
 */
export class ConflictError extends InputError {
  constructor(message: string, hint?: string) {
    super(message, undefined, hint);
  }
}

/** The filesystem failed us (exit 18). One line, controls escaped: paths come from the filesystem. */
export class IoError extends PayreconError {
  constructor(message: string, hint?: string) {
    super(printable(message), ExitCode.IO, hint);
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
