/**
 * The original bytes kept once (migration 016, src/db/original-bytes.ts): the blocks the reader
 * cuts are the file, byte for byte, and every record is read back from its block and line alone,
 * whatever the line ends, quoting, encoding or chunking.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BlockWriter, readOriginalRecord } from '../../src/db/original-bytes.js';
import { openDatabase, type DB } from '../../src/db/open.js';
import { readRecordBatches, readRecordsSync, type FileBlock } from '../../src/importers/csv-stream.js';
import type { CsvRecord } from '../../src/importers/csv.js';

function bigRows(n: number, eol: string, extra: (i: number) => string = () => ''): string {
  const rows = ['id,amount,note'];
  for (let i = 0; i < n; i++) rows.push(`r${i},${i}.00,${extra(i)}`);
  return rows.join(eol) + eol;
}

const CASES: Array<[string, string, string?]> = [
  ['LF', bigRows(30_000, '\n')],
  ['CRLF, no final line end', bigRows(30_000, '\r\n').replace(/\r\n$/, '')],
  ['lone CR line ends', bigRows(30_000, '\r')],
  ['BOM and blank lines', '\ufeff' + bigRows(30_000, '\n', (i) => (i % 997 === 0 ? 'x\n\n\n' : 'y'))],
  ['quoted fields with line breaks and quotes', bigRows(30_000, '\r\n', (i) => (i % 13 === 0 ? '"two\r\nlines, ""quoted"""' : 'plain'))],
  ['multi-byte text across chunk edges', bigRows(30_000, '\n', (i) => 'Zürich 東京 💶'.repeat(1 + (i % 3)))],
  ['semicolons', bigRows(30_000, '\n').replaceAll(',', ';'), ';'],
  // Five fields of 950,000 characters: 4.75 MB in one record, past a block's 4 MiB, within the reader's limits.
  ['one record longer than a block', 'id,amount,note\n' + `a,1.00${`,"${'q'.repeat(950_000)}"`.repeat(5)}\n` + bigRows(20_000, '\n').slice(15)],
];

async function cutBlocks(bytes: Buffer, chunk: number, delimiter: string): Promise<{ records: CsvRecord[]; blocks: FileBlock[] }> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const records: CsvRecord[] = [];
  const blocks: FileBlock[] = [];
  for await (const b of readRecordBatches(Readable.from(chunks), 'f.csv', delimiter)) {
    records.push(...b.records);
    blocks.push(...b.blocks);
  }
  return { records, blocks };
}

function storeImport(db: DB, delimiter: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO imports (side, path, file_name, size, sha256, format, source, delimiter, imported_at)
         VALUES ('ledger', '/x/f.csv', 'f.csv', 0, lower(hex(randomblob(32))), 'ledger', 'ledger', ?, '2025-01-01T00:00:00Z')`,
      )
      .run(delimiter).lastInsertRowid,
  );
}

describe('blocks of the original file', () => {
  for (const [name, text, delimiter = ','] of CASES) {
    it(`${name}: the blocks are the file, and every record reads back from its line`, async () => {
      const bytes = Buffer.from(text);
      const expected = readRecordsSync(text, 'f.csv', delimiter);
      const db = openDatabase(':memory:');
      for (const chunk of [997, 65_536]) {
        const { records, blocks } = await cutBlocks(bytes, chunk, delimiter);
        expect(records).toEqual(expected);
        expect(Buffer.concat(blocks.map((b) => b.bytes)).equals(bytes)).toBe(true);
        // Offsets are contiguous; only a block cut inside a record has no first line.
        let at = 0;
        for (const b of blocks) {
          expect(b.byteOffset).toBe(at);
          at += b.bytes.length;
        }
        // (A file of lone CRs is read whole before its records are known: one block.)
        if (text.includes('\n')) expect(blocks.length).toBeGreaterThan(1);
        expect(blocks[0].firstLine).toBe(1);
        if (name.startsWith('one record')) expect(blocks.some((b) => b.firstLine === null)).toBe(true);
        const id = storeImport(db, delimiter);
        const writer = new BlockWriter(db, id);
        for (const b of blocks) writer.add(b);
        await writer.finish('f.csv', bytes.length, createHash('sha256').update(bytes).digest('hex'));
        // Every 701st record, the first and the last: fields equal, text is the record as written.
        const sample = expected.filter((_, i) => i % 701 === 0 || i === 1 || i === expected.length - 1);
        for (const r of sample) {
          const back = readOriginalRecord(db, id, r.line);
          expect(back?.fields, `line ${r.line}`).toEqual(r.fields);
          expect(readRecordsSync(back!.text, 'f.csv', delimiter)[0].fields).toEqual(r.fields);
        }
        // A line inside a record, or past the end, has no record of its own.
        expect(readOriginalRecord(db, id, expected[expected.length - 1].line + 5)).toBeNull();
      }
      db.close();
    });
  }

  it('a file that changed while read (size or bytes) is refused, and an abandoned import writes no late block', async () => {
    const db = openDatabase(':memory:');
    const id = storeImport(db, ',');
    const bytes = Buffer.from(bigRows(30_000, '\n'));
    const { blocks } = await cutBlocks(bytes, 65_536, ',');
    const w = new BlockWriter(db, id);
    for (const b of blocks) w.add(b);
    const sha = createHash('sha256').update(bytes).digest('hex');
    await expect(w.finish('f.csv', bytes.length + 1, sha)).rejects.toThrow(/the file changed while it was imported/);
    // The same size, one byte different from what was examined.
    const same = new BlockWriter(db, storeImport(db, ','));
    for (const b of blocks) same.add(b);
    const other = Buffer.from(bytes);
    other[100] ^= 1;
    await expect(same.finish('f.csv', bytes.length, createHash('sha256').update(other).digest('hex'))).rejects.toThrow(/the file changed while it was imported \(\d+ bytes, SHA-256 [0-9a-f]{12}\.\.\. when examined/);
    const late = new BlockWriter(db, id);
    late.add({ ...blocks[0], byteOffset: 1e9, firstLine: 1e9 });
    late.abandon();
    await late.settled();
    expect(db.prepare('SELECT count(*) FROM import_blocks WHERE byte_offset = 1e9').pluck().get()).toBe(0);
    db.close();
  });
});
