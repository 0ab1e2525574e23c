/**
 * Where an import's records are parsed: here, or on a worker thread beside the writes
 * (src/importers/parse-worker.ts). Either way the import operation gets the same batches of
 * checked items and file blocks, in file order.
 */
import { Worker } from 'node:worker_threads';
import type { Side } from '../domain/transaction.js';
import { PayreconError } from '../errors.js';
import { checked, oversizedReject } from './checked.js';
import { readRecordBatches, type FileBlock } from './csv-stream.js';
import { decodeItems, type ParseJob, type ToMain } from './parallel-protocol.js';
import type { Importer, ParseItem, RecordParser } from './types.js';

export interface ParsedBatch {
  items: ParseItem[];
  blocks: FileBlock[];
  /** How far into the file the reading is (bytes), for progress. */
  bytesRead: number;
}

export interface ParsedFile {
  batches: AsyncIterable<ParsedBatch>;
  /** The header the rows' fields follow (known once the first item has come). */
  header(): string[] | null;
  /** After the batches: the file's own counts vouch that it holds no rows. */
  countedEmpty(): boolean;
}

/** Parse on this thread, from `input` (a stream of the file's bytes). */
export function parseHere(input: NodeJS.ReadableStream & { bytesRead: number }, file: string, importer: Importer, parser: RecordParser): ParsedFile {
  async function* batches(): AsyncIterable<ParsedBatch> {
    for await (const batch of readRecordBatches(input, file, importer.delimiter)) {
      const items: ParseItem[] = [];
      for (const rec of batch.records) {
        if (rec.oversized) items.push(oversizedReject(rec.line));
        else for (const item of parser.record(rec.fields, rec.line)) items.push(checked(item));
      }
      yield { items, blocks: batch.blocks, bytesRead: input.bytesRead };
    }
    yield { items: parser.end().map(checked), blocks: [], bytesRead: input.bytesRead };
  }
  return { batches: batches(), header: () => parser.header(), countedEmpty: () => parser.countedEmpty?.() ?? false };
}

/** Batches the worker may parse ahead of the writes: enough to keep both threads busy, few enough to bound memory. */
const WINDOW = 4;

/**
 * Parse on a worker thread. Its transactions come without their raw fields (the caller keeps
 * the file itself, and a bulk load compares no restatement). Ending the iteration early, or an
 * error, stops the worker.
 */
export function parseInWorker(job: Omit<ParseJob, 'window'>, side: Side): ParsedFile {
  let header: string[] | null = null;
  let countedEmpty = false;
  async function* batches(): AsyncIterable<ParsedBatch> {
    const worker = new Worker(workerUrl(), { workerData: { ...job, window: WINDOW } satisfies ParseJob });
    const inbox: ToMain[] = [];
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const poke = () => {
      wake?.();
      wake = null;
    };
    worker.on('message', (m: ToMain) => {
      inbox.push(m);
      poke();
    });
    worker.on('error', (err) => {
      failure ??= err;
      poke();
    });
    worker.on('exit', (code) => {
      failure ??= new Error(`internal: the parse worker exited (${code}) before the file was read`);
      poke();
    });
    try {
      for (;;) {
        while (inbox.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
        const m = inbox.shift();
        if (!m) throw failure;
        if (m.type === 'error') throw rebuiltError(m);
        if (m.type === 'end') {
          header = m.header;
          countedEmpty = m.countedEmpty;
          return;
        }
        if (m.header !== undefined) header = m.header;
        const blocks = m.blocks.map((b) => ({ byteOffset: b.byteOffset, firstLine: b.firstLine, bytes: Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength) }));
        yield { items: decodeItems(side, job.source, m.rows, m.rejects), blocks, bytesRead: m.bytesRead };
        worker.postMessage({ type: 'more' });
      }
    } finally {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }
  return { batches: batches(), header: () => header, countedEmpty: () => countedEmpty };
}

/** The worker's module: beside this one when built; from dist/ when this runs from source (tests). */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/importers/parse-worker.js', here) : new URL('./parse-worker.js', here);
}

function rebuiltError(m: Extract<ToMain, { type: 'error' }>): Error {
  if (m.exitCode === null) {
    const e = new Error(m.message);
    if (m.stack) e.stack = m.stack;
    return e;
  }
  const e = new PayreconError(m.message, m.exitCode, m.hint);
  e.summary = m.summary;
  return e;
}
