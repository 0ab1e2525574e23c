/**
 * Opening a file payrecon was told to read (an import file, a mapping, a key file, a schedule
 * config). Only regular files: a FIFO, a device (/dev/zero, /dev/stdin) or a terminal would
 * block an open or a read forever in the main thread, where no signal handler can run, or
 * never end. The open itself does not block (O_NONBLOCK; it does not change how a regular
 * file reads), and the check is made on the file actually opened (fstat), so a path swapped
 * for a FIFO after a stat cannot slip through.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError, ioErrorFor } from '../errors.js';

const NOT_REGULAR_HINT = 'payrecon reads regular files only (never pipes, devices or stdin): save the data to a file and pass that';

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Open `path` for reading if it is a regular file: its fd and size. InputError (17) otherwise, IoError (18) when it cannot be opened. */
export function openRegularFile(path: string, display: string): { fd: number; size: number } {
  if (display === '-') {
    throw new InputError('"-" (standard input) is not read', undefined, NOT_REGULAR_HINT);
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw ioErrorFor(display, err);
  }
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (err) {
    closeSync(fd);
    throw ioErrorFor(display, err);
  }
  if (!st.isFile()) {
    closeSync(fd);
    throw new InputError(`${display} is ${kindOf(st)}; expected a regular file`, undefined, NOT_REGULAR_HINT);
  }
  return { fd, size: st.size };
}

/** The whole of a small regular file (config, mapping, key), refusing one over `maxBytes`. */
export function readRegularFile(path: string, display: string, maxBytes: number): Buffer {
  const { fd, size } = openRegularFile(path, display);
  try {
    if (size > maxBytes) throw new InputError(`${display} is ${size} bytes; expected at most ${maxBytes}`);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw ioErrorFor(display, err);
  } finally {
    closeSync(fd);
  }
}
