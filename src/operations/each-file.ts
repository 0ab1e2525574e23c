/**
 * The per-file loop every import shares (PSP and ledger files, bank statements): each file in
 * its own transaction, a file that cannot be used does not stop the others, and the command
 * stops whole on an interrupt (saying which files were already stored), on a full disk (every
 * later file would fail the same way) and on anything that is not the file's fault.
 */
import { combineExitCodes, ExitCode } from '../domain/exit-codes.js';
import { InputError, InterruptedError, IoError } from '../errors.js';
import { printable } from '../output.js';
import type { OperationContext } from './context.js';

export interface FileOutcome<R> {
  result: R;
  /** Set when the same bytes were imported before: when that was. */
  firstImportedAt?: string;
}

/** Told of each file as soon as it is done, with the error of a failed one. */
export type OnEachFile<R> = (result: R, detail: { error?: InputError | IoError; firstImportedAt?: string }) => void;

interface FileResult {
  file: string;
  status: 'imported' | 'already_imported' | 'failed';
}

export async function importEachFile<R extends FileResult>(
  ctx: OperationContext,
  files: readonly string[],
  one: (file: string) => Promise<FileOutcome<R>>,
  failed: (file: string, err: InputError | IoError) => R,
  /** The findings bits of a file that imported (8 when it had rejected rows). */
  bitsOf: (result: R) => number,
  onFile?: OnEachFile<R>,
): Promise<{ exit_code: number; files: R[] }> {
  const results: R[] = [];
  const codes: number[] = [];
  for (const file of files) {
    try {
      ctx.checkInterrupted();
      const { result, firstImportedAt } = await one(file);
      results.push(result);
      codes.push(bitsOf(result));
      onFile?.(result, { firstImportedAt });
    } catch (err) {
      if (err instanceof InterruptedError) throw interruptedAfter(results, files);
      if (!(err instanceof InputError || err instanceof IoError) || (err.exitCode === ExitCode.IO && isDiskFull(err))) throw err;
      codes.push(err.exitCode);
      const result = failed(file, err);
      results.push(result);
      onFile?.(result, { error: err });
    }
  }
  return { exit_code: combineExitCodes(codes), files: results };
}

/**
 * The interruption of a command that may already have committed some of its files: which are
 * stored (each file is its own transaction) and which are not, so "nothing was written" is
 * only said when it is true.
 */
function interruptedAfter(done: FileResult[], files: readonly string[]): InterruptedError {
  const stored = done.filter((r) => r.status === 'imported' || r.status === 'already_imported').map((r) => printable(r.file));
  const notStored = [...done.filter((r) => r.status === 'failed').map((r) => printable(r.file)), ...files.slice(done.length).map(printable)];
  if (stored.length === 0) return new InterruptedError();
  return new InterruptedError(`interrupted; stored before the interrupt: ${stored.join(', ')}; not stored: ${notStored.join(', ') || 'none'}`);
}

/** A full disk stops the whole command: every later file would fail the same way. */
function isDiskFull(err: IoError): boolean {
  return /disk full/.test(err.message);
}
