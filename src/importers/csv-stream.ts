/**
 * Bytes to CSV records: UTF-8 decoding (with or without BOM, invalid bytes naming the line)
 * in front of the tokenizer (src/importers/csv.ts), streamed in batches or all at once.
 */
import { InputError } from '../errors.js';
import { CsvTokenizer, type CsvRecord } from './csv.js';

function utf8Error(file: string, line: number): InputError {
  return new InputError('the file is not valid UTF-8 text; expected a UTF-8 CSV (re-export it as UTF-8)', {
    file,
    line,
  });
}

/**
 * Stream `input` (bytes or text) as batches of records. UTF-8 with or without BOM; invalid
 * UTF-8 and CSV syntax errors throw InputError naming the file and line. The records of
 * `readRecordBatches`, the reader imports use, without the file's blocks.
 */
export async function* readRecords(input: NodeJS.ReadableStream, file: string, delimiter = ','): AsyncIterable<CsvRecord[]> {
  for await (const batch of readRecordBatches(input, file, delimiter)) if (batch.records.length > 0) yield batch.records;
}

/** The same records as `readRecords`, synchronously from text (tests, small files). */
export function readRecordsSync(text: string, file: string, delimiter = ','): CsvRecord[] {
  const tokenizer = new CsvTokenizer(file, delimiter);
  const out: CsvRecord[] = [];
  tokenizer.push(text, out);
  tokenizer.end(out);
  return out;
}

/**
 * The file's bytes between two places where a record starts (or, past BLOCK_MAX_BYTES inside
 * one long record, wherever the bytes were cut: `firstLine` is then null). The blocks of a file,
 * in order, are the file, so storing them keeps every original row (src/db/original-bytes.ts).
 */
export interface FileBlock {
  byteOffset: number;
  /** The line of the record the block starts with; null when it starts inside a record. */
  firstLine: number | null;
  bytes: Buffer;
}

export interface RecordBatch {
  records: CsvRecord[];
  /** The blocks completed while these records were read, in file order. */
  blocks: FileBlock[];
}

/** A block is cut at the first record start past this many bytes: reading one row back inflates about this much. */
const BLOCK_MIN_BYTES = 256 * 1024;
/** ... and inside a record that is still going on past this many (a record may be 8 MiB). */
const BLOCK_MAX_BYTES = 4 * 1024 * 1024;

/**
 * `readRecords`, also handing over the file's bytes in blocks that start where a record starts,
 * so a row can be read back from its block and line alone.
 */
export async function* readRecordBatches(input: NodeJS.ReadableStream, file: string, delimiter = ','): AsyncIterable<RecordBatch> {
  const tokenizer = new CsvTokenizer(file, delimiter);
  // The BOM is passed on to the tokenizer (which drops it), so decoded text counts every byte.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let held: Buffer[] = [];
  let heldBytes = 0;
  let blockStart = 0;
  let blockLine: number | null = 1;
  let decodedBytes = 0;
  const cut = (at: number, nextLine: number | null, blocks: FileBlock[]) => {
    const all = held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
    const size = at - blockStart;
    blocks.push({ byteOffset: blockStart, firstLine: blockLine, bytes: all.subarray(0, size) });
    const rest = all.subarray(size);
    held = rest.length ? [rest] : [];
    heldBytes = rest.length;
    blockStart = at;
    blockLine = nextLine;
  };
  const decode = (chunk?: Buffer): string => {
    try {
      const text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
      decodedBytes += Buffer.byteLength(text);
      return text;
    } catch {
      throw utf8Error(file, tokenizer.currentLine);
    }
  };
  for await (const data of input as AsyncIterable<Buffer | string>) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    held.push(chunk);
    heldBytes += chunk.length;
    const out: CsvRecord[] = [];
    tokenizer.push(decode(chunk), out);
    const blocks: FileBlock[] = [];
    const pending = tokenizer.pending;
    if (pending !== null && out.length > 0) {
      const at = decodedBytes - Buffer.byteLength(pending);
      if (at > blockStart && at - blockStart >= BLOCK_MIN_BYTES) cut(at, tokenizer.currentLine, blocks);
    }
    // Inside one long record: keep the bytes, not the record whole in memory twice.
    if (heldBytes > BLOCK_MAX_BYTES) cut(blockStart + heldBytes, null, blocks);
    if (out.length > 0 || blocks.length > 0) yield { records: out, blocks };
  }
  const out: CsvRecord[] = [];
  const tail = decode();
  if (tail) tokenizer.push(tail, out);
  tokenizer.end(out);
  const blocks: FileBlock[] = [];
  if (heldBytes > 0) cut(blockStart + heldBytes, null, blocks);
  yield { records: out, blocks };
}
