/**
 * Write a file so that readers see the old file or the complete new one, never half of it:
 * a temporary file in the same directory (same file system), fsync, then rename over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { IoError, ioErrorFor } from '../errors.js';

/** Throw IoError (exit 18) unless the directory that will hold `absPath` exists. */
export function assertWritableDir(absPath: string, shown: string): void {
  const dir = dirname(absPath);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new IoError(`cannot write ${shown}: directory ${dir} does not exist`, `create it first (mkdir -p ${dir})`);
    }
    throw ioErrorFor(dir, err, 'use the directory');
  }
  if (!isDir) throw new IoError(`cannot write ${shown}: ${dir} is not a directory`);
}

export function writeFileAtomic(absPath: string, text: string, shown = absPath): void {
  assertWritableDir(absPath, shown);
  const tmp = join(dirname(absPath), `.${basename(absPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Replacing a report keeps its permissions (someone may have made it private); a new one
  // gets the usual 0666 less the umask.
  let keepMode: number | undefined;
  try {
    keepMode = statSync(absPath).mode & 0o7777;
  } catch {
    keepMode = undefined;
  }
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    if (keepMode !== undefined) fchmodSync(fd, keepMode);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, absPath);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw ioErrorFor(shown, err, 'write');
  }
}
