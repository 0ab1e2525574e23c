/**
 * The parsing half of a bulk import, on its own thread (src/importers/parallel.ts starts it):
 * reads the file, cuts its blocks, tokenizes, runs the importer's parser and the checks, and
 * posts compact batches (a transaction is 15 plain values, not an object) while the main thread
 * writes the previous ones. A failure is posted as the error's text, exit code and hint.
 */
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openRegularFile } from '../domain/input-file.js';
import { PayreconError } from '../errors.js';
import { checked, oversizedReject } from './checked.js';
import { readRecordBatches } from './csv-stream.js';
import { importerByName, LEDGER_IMPORTERS } from './index.js';
import { loadMappingImporter } from './mapping.js';
import { encodeItems, type ParseJob, type ToMain, type ToWorker } from './parallel-protocol.js';
import type { ParseItem } from './types.js';

const job = workerData as ParseJob;
const port = parentPort!;
// Batches the main thread has not written yet: the reader waits when it is this far ahead.
let credit = job.window;
let wake: (() => void) | null = null;
port.on('message', (m: ToWorker) => {
  if (m.type === 'more') {
    credit++;
    wake?.();
    wake = null;
  }
});
const post = (m: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function run(): Promise<void> {
  const importer = job.mapping ? loadMappingImporter(job.mapping) : (importerByName(job.importer) ?? LEDGER_IMPORTERS.find((i) => i.name === job.importer));
  if (!importer) throw new Error(`internal: no importer named ${job.importer}`);
  const parser = importer.open({ file: job.file, source: job.source, referenceColumn: job.referenceColumn });
  const { fd } = openRegularFile(job.path, job.file);
  const stream = createReadStream('', { fd, autoClose: true });
  let headerSent = false;
  const send = async (items: ParseItem[], blocks: Array<{ byteOffset: number; firstLine: number | null; bytes: Buffer }>) => {
    while (credit <= 0) await new Promise<void>((r) => (wake = r));
    credit--;
    const header = !headerSent && items.length > 0 ? parser.header() : undefined;
    if (header !== undefined) headerSent = true;
    const { rows, rejects } = encodeItems(items);
    // Copies of the blocks' bytes, so that their buffers can be handed over rather than cloned.
    const out = blocks.map((b) => ({ byteOffset: b.byteOffset, firstLine: b.firstLine, bytes: new Uint8Array(b.bytes) }));
    post({ type: 'batch', rows, rejects, blocks: out, header, count: items.length, bytesRead: stream.bytesRead }, out.map((b) => b.bytes.buffer as ArrayBuffer));
  };
  try {
    for await (const batch of readRecordBatches(stream, job.file, importer.delimiter)) {
      const items: ParseItem[] = [];
      for (const rec of batch.records) {
        if (rec.oversized) items.push(oversizedReject(rec.line));
        else for (const item of parser.record(rec.fields, rec.line)) items.push(checked(item));
      }
      if (items.length || batch.blocks.length) await send(items, batch.blocks);
    }
  } finally {
    stream.destroy();
  }
  const last = parser.end().map(checked);
  await send(last, []);
  post({ type: 'end', header: parser.header(), countedEmpty: parser.countedEmpty?.() ?? false });
}

run().catch((err: unknown) => {
  const e = err as PayreconError & { summary?: string };
  post({
    type: 'error',
    message: e instanceof Error ? e.message : String(err),
    exitCode: e instanceof PayreconError ? e.exitCode : null,
    hint: e instanceof PayreconError ? e.hint : undefined,
    summary: e instanceof PayreconError ? e.summary : undefined,
    stack: e instanceof Error ? e.stack : undefined,
  });
});

