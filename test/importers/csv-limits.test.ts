/**
 * The CSV reader's limits: a field over MAX_FIELD_CHARS, or a record over MAX_RECORD_CHARS,
 * comes out as one `oversized` record at the line it started on, and the records after it
 * keep their fields and line numbers, however the input is cut into chunks.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_FIELD_CHARS, MAX_RECORD_CHARS } from '../../src/importers/csv.js';
import { readRecords, readRecordsSync, type CsvRecord } from '../../src/importers/index.js';

async function streamed(text: string, chunk: number): Promise<CsvRecord[]> {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += chunk) chunks.push(text.slice(i, i + chunk));
  const out: CsvRecord[] = [];
  for await (const batch of readRecords(Readable.from(chunks), 'f.csv')) out.push(...batch);
  return out;
}

const summary = (rs: CsvRecord[]) => rs.map((r) => (r.oversized ? `${r.line}: oversized` : `${r.line}: ${r.fields.join('|')}`));

const field = MAX_FIELD_CHARS + 1;
const BREAKS = MAX_FIELD_CHARS / 2 + 1; // 'y\n' times this is just over the field limit
const CASES: Array<[string, string, string[]]> = [
  ['unquoted field just over the limit', `a,b\n1,${'x'.repeat(field)}\n2,ok\n`, ['1: a|b', '2: oversized', '3: 2|ok']],
  ['unquoted field at the limit', `a,b\n1,${'x'.repeat(MAX_FIELD_CHARS)}\n`, ['1: a|b', `2: 1|${'x'.repeat(MAX_FIELD_CHARS)}`]],
  ['quoted field over the limit with line breaks inside', `a,b\n1,"${'y\n'.repeat(BREAKS)}"\n2,ok\n`, ['1: a|b', '2: oversized', `${3 + BREAKS}: 2|ok`]],
  [
    'quoted record past the record limit, with quotes and line breaks inside',
    `a,b\n1,"${'z"",\n'.repeat(MAX_RECORD_CHARS / 4 + 10)}"\n2,ok\n`,
    ['1: a|b', '2: oversized', `${3 + MAX_RECORD_CHARS / 4 + 10}: 2|ok`],
  ],
  ['unquoted record past the record limit, at the end without a line break', `a,b\n1,${'w'.repeat(MAX_RECORD_CHARS + 5)}`, ['1: a|b', '2: oversized']],
];

describe('oversized fields and records', () => {
  it.each(CASES)('%s (all at once)', (_name, text, expected) => {
    expect(summary(readRecordsSync(text, "f.csv"))).toEqual(expected);
  });

  it.each(CASES)('%s (64 KiB chunks)', async (_name, text, expected) => {
    expect(summary(await streamed(text, 64 * 1024))).toEqual(expected);
  });
});
