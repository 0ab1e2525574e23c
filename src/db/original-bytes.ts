/**
 * Each imported file's original bytes, kept once (migration 016): blocks that start where a
 * record starts, deflated, in import_blocks. A row keeps only its import and line; its original
 * record is read back by inflating the block it starts in and reading records from the block's
 * first line on. Nothing a file said is lost, and a row no longer carries its fields twice.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw, inflateRawSync, constants } from 'node:zlib';
import { InputError } from '../errors.js';
import { CsvTokenizer, type CsvRecord } from '../importers/csv.js';
import type { FileBlock } from '../importers/csv-stream.js';
import type { DB } from './open.js';
import { writeBehind, type WriteBehind } from './write-behind.js';

const deflate = promisify(deflateRaw);

/**
 * Level 1: CSV text still shrinks about fivefold, at a third of the default level's CPU. The
 * deflating runs on libuv's thread pool, beside the inserts on the main thread.
 */
const LEVEL = constants.Z_BEST_SPEED;

/** Stores one import's blocks. The caller's write transaction must stay open until `finish`. */
export class BlockWriter {
  private readonly insert: WriteBehind;
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown = null;
  private closed = false;
  private bytes = 0;
  // Of the bytes stored, in order: they must be the file that was hashed before the import.
  private readonly hash = createHash('sha256');

  constructor(
    db: DB,
    private readonly importId: number,
  ) {
    // Written behind on PostgreSQL: a block must not wait for the batch of rows the server is
    // writing meanwhile (src/db/import-copy.ts).
    this.insert = writeBehind(db, 'INSERT INTO import_blocks (import_id, first_line, byte_offset, size, data) VALUES (?, ?, ?, ?, ?)');
  }

  add(block: FileBlock): void {
    this.bytes += block.bytes.length;
    this.hash.update(block.bytes);
    // A block starting inside a record has no first line of its own: it is found by offset.
    // One output chunk for the whole block: zlib's default 16 KiB chunks cost the main thread a
    // callback each (~0.8 s of a 140 MB import, measured).
    const p = deflate(block.bytes, { level: LEVEL, chunkSize: Math.max(64 * 1024, block.bytes.length) }).then(
      (data) => {
        // An import that failed meanwhile has rolled back: nothing may be written outside it.
        if (this.closed) return;
        try {
          this.insert(this.importId, block.firstLine, block.byteOffset, block.bytes.length, data);
        } catch (err) {
          this.failure ??= err;
        }
      },
      (err: unknown) => {
        this.failure ??= err;
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /**
   * Wait for every block to be stored. `size` and `sha256` are the file's when it was examined,
   * before the import: a file changed while it was read is refused, as its rows may not be what
   * was hashed (and the blocks, in order, must be the file the import names).
   */
  async finish(file: string, size: number, sha256: string): Promise<void> {
    await this.settled();
    this.closed = true;
    if (this.failure) throw this.failure;
    this.insert.settle();
    const read = this.hash.digest('hex');
    if (this.bytes !== size || read !== sha256) {
      throw new InputError(
        `the file changed while it was imported (${size} bytes, SHA-256 ${sha256.slice(0, 12)}... when examined; ${this.bytes} bytes, ${read.slice(0, 12)}... read); nothing was imported`,
        { file },
        'import it again once whatever writes it has finished',
      );
    }
  }

  /** Every block added so far is deflated and stored (or, once abandoned, dropped). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** The import failed: late blocks are dropped instead of written. */
  abandon(): void {
    this.closed = true;
  }
}

export interface OriginalRecord {
  /** The record's fields as the file had them. */
  fields: string[];
  /** The record's text exactly as in the file, without its line end. */
  text: string;
}

/**
 * The record starting on `line` of import `importId`, read back from its stored blocks; null
 * when the import kept no blocks (imported before migration 016) or no record starts there.
 */
export function readOriginalRecord(db: DB, importId: number, line: number): OriginalRecord | null {
  const start = db
    .prepare(
      `SELECT byte_offset, first_line FROM import_blocks
       WHERE import_id = ? AND first_line IS NOT NULL AND first_line <= ? ORDER BY first_line DESC LIMIT 1`,
    )
    .get(importId, line) as { byte_offset: number; first_line: number } | undefined;
  if (!start) return null;
  const delimiter = db.prepare('SELECT delimiter FROM imports WHERE id = ?').pluck().get(importId) as string;
  const blocks = db
    .prepare('SELECT data FROM import_blocks WHERE import_id = ? AND byte_offset >= ? ORDER BY byte_offset')
    .pluck()
    .iterate(importId, start.byte_offset) as IterableIterator<Buffer>;
  const tokenizer = new CsvTokenizer('(stored file)', delimiter, start.first_line);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  const out: CsvRecord[] = [];
  // The wanted record, once it and where it ends are known: null when no record starts on `line`.
  const found = (final: boolean): OriginalRecord | null | undefined => {
    const i = out.findIndex((r) => r.line >= line);
    if (i === -1) return final ? null : undefined;
    if (out[i].line !== line || out[i].oversized) return null;
    const pending = tokenizer.pending;
    // It ends where the next record starts, or where the text still held for one starts.
    let to: number;
    if (i + 1 < out.length) to = lineStart(text, start.first_line, out[i + 1].line);
    else if (final) to = text.length;
    else if (pending !== null) to = text.length - pending.length;
    else return undefined;
    const from = lineStart(text, start.first_line, line);
    return { fields: out[i].fields, text: text.slice(from, to).replace(/[\r\n]+$/, '') };
  };
  for (const data of blocks) {
    const chunk = decoder.decode(inflateRawSync(data), { stream: true });
    text += chunk;
    tokenizer.push(chunk, out);
    const r = found(false);
    if (r !== undefined) {
      blocks.return?.();
      return r;
    }
  }
  const tail = decoder.decode();
  text += tail;
  if (tail) tokenizer.push(tail, out);
  tokenizer.end(out);
  return found(true) ?? null;
}

/** Offset in `text` (which starts on line `first`) where line `line` starts, counting line ends as the tokenizer does. */
function lineStart(text: string, first: number, line: number): number {
  let l = first;
  for (let i = 0; i < text.length && l < line; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      l++;
      if (l === line) return i + 1;
    }
  }
  return l === line ? 0 : text.length;
}
