/**
 * The CSV reader: csv-parse is the reference for what records a file holds; generated files
 * check round trips and line numbers; streams cut at every possible byte give the same records.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse as csvParse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readRecords, readRecordsSync, type CsvRecord } from '../../src/importers/index.js';
import { FIXTURES } from '../helpers/cli.js';

async function collect(chunks: Array<Buffer | string>, delimiter?: string): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of readRecords(Readable.from(chunks), 'f.csv', delimiter)) out.push(...batch);
  return out;
}

function cut(buf: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return parts;
}

/** Deterministic PRNG, so a failing generated case is reproducible from its seed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['a', 'Zürich', '12.30', ' ', ',', '"', '\n', '\r\n', ';', '€', '', 'x"y', '-'];

/** Random records, their serialisation (quoting where needed) and the line each starts on. */
function generate(seed: number, eol: '\n' | '\r\n', delimiter = ',') {
  const rand = rng(seed);
  const records: string[][] = [];
  const lines: number[] = [];
  let text = '';
  let line = 1;
  const nRecords = 1 + Math.floor(rand() * 12);
  for (let r = 0; r < nRecords; r++) {
    const nFields = 1 + Math.floor(rand() * 6);
    const fields: string[] = [];
    for (let f = 0; f < nFields; f++) {
      let v = '';
      const len = Math.floor(rand() * 4);
      for (let k = 0; k < len; k++) v += PIECES[Math.floor(rand() * PIECES.length)];
      fields.push(v);
    }
    // A record of one empty field is a blank line, which readers skip: keep the generator honest.
    if (fields.length === 1 && fields[0].trim() === '') fields[0] = 'solo';
    if (rand() < 0.15) {
      text += eol; // a blank line between records
      line++;
    }
    const encoded = fields.map((v) => (/[",\n\r;]/.test(v) || v.startsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v));
    records.push(fields);
    lines.push(line);
    const rec = encoded.join(delimiter);
    text += rec;
    line += (rec.match(/\r\n|\n|\r/g) ?? []).length;
    if (r < nRecords - 1 || rand() < 0.7) {
      text += eol;
      line++;
    }
  }
  return { records, lines, text };
}

describe('records and lines', () => {
  it('quoted fields hold delimiters, quotes and line breaks; lines are where records start', () => {
    const text = '\uFEFFa,b,c\r\n1,"x\r\ny, z",3\r\n\r\n4,"say ""hi""",6\r\n"7\n8\n9",,\n';
    expect(readRecordsSync(text, 'f.csv')).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', 'x\r\ny, z', '3'], line: 2 },
      { fields: ['4', 'say "hi"', '6'], line: 5 },
      { fields: ['7\n8\n9', '', ''], line: 6 },
    ]);
  });

  it('ragged rows come back as they are; blank and whitespace-only lines are skipped', () => {
    expect(readRecordsSync('a,b,c\n1,2\n   \n\n3,4,5,6', 'f.csv')).toEqual([
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['1', '2'], line: 2 },
      { fields: ['3', '4', '5', '6'], line: 5 },
    ]);
  });

  it('a quote inside an unquoted field is literal (PayPal quotes loosely)', () => {
    expect(readRecordsSync('5 1/2" screen,"x"\n', 'f.csv')[0].fields).toEqual(['5 1/2" screen', 'x']);
  });

  it('another delimiter', () => {
    expect(readRecordsSync('a;b\n"1;5";2,5\n', 'f.csv', ';').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1;5', '2,5'],
    ]);
  });

  it('an open quote at the end of input is an error at the line the record starts', () => {
    expect(() => readRecordsSync('a,b\n1,2\n3,"never\nclosed\n', 'f.csv')).toThrow(
      new InputError('the record starting here has a quoted field that never closes (truncated file?); expected a closing "', { file: 'f.csv', line: 3 }),
    );
  });

  it('text after a closing quote is an error at its line', () => {
    expect(() => readRecordsSync('a,b\n"1\n2"x,3\n', 'f.csv')).toThrow(/^f\.csv:3: unexpected "x" after a closing quote; expected "," or the end of the line$/);
  });
});

describe('csv-parse agrees on every fixture', () => {
  const files: string[] = [];
  for (const dir of ['stripe', 'adyen', 'paypal', 'checkout', 'ledger', 'mapping']) {
    for (const n of readdirSync(join(FIXTURES, dir))) if (/\.csv$/i.test(n)) files.push(join(dir, n));
  }
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(FIXTURES, f), 'utf8');
      const delimiter = f.startsWith('mapping/') ? ';' : ',';
      const expected = csvParse(text, { bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, delimiter }) as string[][];
      expect(readRecordsSync(text, f, delimiter).map((r) => r.fields)).toEqual(expected);
    });
  }
});

describe('generated files round-trip with the right lines', () => {
  for (const eol of ['\n', '\r\n'] as const) {
    it(`300 generated files, ${JSON.stringify(eol)} line ends, also checked against csv-parse`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const g = generate(seed, eol);
        const got = readRecordsSync(g.text, 'f.csv');
        expect(got.map((r) => r.fields), `seed ${seed}`).toEqual(g.records);
        expect(got.map((r) => r.line), `seed ${seed}`).toEqual(g.lines);
        const ref = csvParse(g.text, { relax_column_count: true, skip_empty_lines: true, record_delimiter: eol }) as string[][];
        expect(ref, `csv-parse, seed ${seed}`).toEqual(g.records);
      }
    });
  }
});

describe('streaming gives the same records wherever the chunks are cut', () => {
  it('fixtures cut into 1..17-byte chunks (multi-byte characters and CRLF split across chunks)', async () => {
    for (const f of ['paypal/STL-20250303.01.009.CSV', 'stripe/balance-2025-03.csv', 'mapping/erp-export-de.csv']) {
      const buf = readFileSync(join(FIXTURES, f));
      const delimiter = f.startsWith('mapping/') ? ';' : ',';
      const expected = readRecordsSync(buf.toString('utf8'), f, delimiter);
      for (const size of [1, 2, 3, 5, 17]) expect(await collect(cut(buf, size), delimiter), `${f} / ${size}`).toEqual(expected);
    }
  });

  it('generated files cut at random sizes', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const g = generate(seed, seed % 2 ? '\n' : '\r\n');
      const got = await collect(cut(Buffer.from(g.text), 1 + (seed % 7)));
      expect(got.map((r) => r.fields), `seed ${seed}`).toEqual(g.records);
      expect(got.map((r) => r.line), `seed ${seed}`).toEqual(g.lines);
    }
  });

  it('yields batches, not single records', async () => {
    const text = 'a,b\n' + Array.from({ length: 5000 }, (_, i) => `${i},x`).join('\n');
    const sizes: number[] = [];
    for await (const batch of readRecords(Readable.from([Buffer.from(text)]), 'f.csv')) sizes.push(batch.length);
    // One chunk in: one batch, plus the last line (no newline) when the input ends.
    expect(sizes).toEqual([5000, 1]);
  });

  it('a stream of strings works too and loses the BOM', async () => {
    expect((await collect(['\uFEFFa,', 'b\n1,2'])).map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('a truncated stream fails like the text does', async () => {
    await expect(collect(cut(Buffer.from('a,b\n1,"open'), 3))).rejects.toThrow(/^f\.csv:2: the record starting here has a quoted field that never closes/);
  });
});
