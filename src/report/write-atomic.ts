/**
 * Write a file so that readers see the old file or the complete new one, never half of it:
 * a temporary file in the same directory (same file system), fsync, then rename over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
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
  writeFileAtomicStream(absPath, (write) => write(text), shown);
}

// Pieces are gathered to about this size before each write(2).
const CHUNK = 1 << 20;

/**
 * writeFileAtomic for text produced in pieces: `produce` calls `write` as often as it likes
 * and the file is complete only after it returns. A throw from `produce` leaves the old file.
 */
export function writeFileAtomicStream(absPath: string, produce: (write: (text: string) => void) => void, shown = absPath): void {
  assertWritableDir(absPath, shown);
  // Through a symbolic link the file written is the link's target, replaced atomically in its
  // own directory; the link stays a link (renaming over it would swap it for a new file).
  const target = reportTarget(absPath, shown);
  const tmp = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Replacing a report keeps its permissions (someone may have made it private) but never
  // widens them beyond what the umask allows a new file: the temporary file is opened 0666
  // less the umask, and the old mode is narrowed to that.
  const keepMode = target.mode;
  let fd: number | undefined;
  let producing = false;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    if (keepMode !== undefined) fchmodSync(fd, keepMode & fstatSync(fd).mode & 0o666);
    const out = fd;
    let buf = '';
    producing = true;
    produce((text) => {
      buf += text;
      if (buf.length >= CHUNK) {
        flush(out, buf, shown);
        buf = '';
      }
    });
    producing = false;
    writeAll(out, buf);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target.path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    // What the producer threw (its own error, or a write already turned into an IoError)
    // passes through as it is.
    if (producing) throw err;
    throw ioErrorFor(shown, err, 'write');
  }
}

/**
 * The file a report to `absPath` replaces: itself, or the final target of a symbolic link, and
 * its current mode (undefined: a new file). A link that leads nowhere, or to something that is
 * not a regular file (a directory, a device), is refused: writing there is not a report.
 */
function reportTarget(absPath: string, shown: string): { path: string; mode: number | undefined } {
  let link: boolean;
  try {
    link = lstatSync(absPath).isSymbolicLink();
  } catch {
    return { path: absPath, mode: undefined }; // a new file
  }
  let path = absPath;
  if (link) {
    try {
      path = realpathSync(absPath);
    } catch {
      throw new IoError(`cannot write ${shown}: it is a symbolic link that leads to no existing file`, 'point it at an existing file, or remove the link');
    }
  }
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return { path, mode: undefined };
  if (!st.isFile()) {
    throw new IoError(`cannot write ${shown}: ${link ? `it is a symbolic link to ${path}, which` : 'it'} is not a regular file`, 'give a file path for the report');
  }
  return { path, mode: st.mode & 0o7777 };
}

function flush(fd: number, text: string, shown: string): void {
  try {
    writeAll(fd, text);
  } catch (err) {
    throw ioErrorFor(shown, err, 'write');
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
