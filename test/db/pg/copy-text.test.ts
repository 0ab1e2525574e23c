/**
 * COPY's text format as the imports and `db migrate-to` write it (src/db/pg/copy-text.ts): each
 * value encoded, and read back from a real server exactly (NUL, which PostgreSQL text cannot
 * hold, as U+FFFD).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { copyField, copyRow } from '../../../src/db/pg/copy-text.js';
import type { PgDatabase } from '../../../src/db/pg/database.js';
import { openStore } from '../../../src/db/store.js';
import { createDatabase, postgresMissing } from '../../helpers/pg-cluster.js';

const CASES: Array<[unknown, string]> = [
  [null, '\\N'],
  [undefined, '\\N'],
  ['plain text', 'plain text'],
  ['tab\there', 'tab\\there'],
  ['two\nlines\r\n', 'two\\nlines\\r\\n'],
  ['back\\slash', 'back\\\\slash'],
  ['\\N', '\\\\N'],
  ['nul\0inside', 'nul\uFFFDinside'],
  [123n, '123'],
  [-9223372036854775808n, '-9223372036854775808'],
  [42, '42'],
  [Buffer.from([0, 1, 0xfe, 0xff]), '\\\\x0001feff'],
];

describe('COPY text', () => {
  it.each(CASES.map(([value, text]) => [typeof value === 'bigint' ? `${value}n` : Buffer.isBuffer(value) ? `bytes ${value.toString('hex')}` : JSON.stringify(value) ?? 'undefined', value, text] as const))(
    '%s',
    (_name, value, text) => {
      expect(copyField(value)).toBe(text);
    },
  );

  it('a row is its fields tab-separated, ended by a newline', () => {
    expect(copyRow([1, null, 'a\tb'])).toBe('1\t\\N\ta\\tb\n');
  });
});

const missing = postgresMissing();
describe.skipIf(missing !== null)('COPY text read back by a server', () => {
  let db: PgDatabase;
  beforeAll(async () => {
    db = openStore(await createDatabase(inject('pgUrl')!)) as PgDatabase;
    db.exec('CREATE TABLE t (k BIGINT, s TEXT, b BYTEA)');
  });
  afterAll(() => db.close());

  it('every value arrives as it was, NUL as U+FFFD', () => {
    const texts = CASES.map(([v]) => v).filter((v): v is string => typeof v === 'string');
    const rows = texts.map((s, i) => [BigInt(i) - 9223372036854775808n + 1n, s, Buffer.from(s)]);
    expect(db.copyFrom('COPY t (k, s, b) FROM STDIN', rows.map(copyRow))).toBe(rows.length);
    const back = db.prepare('SELECT k, s, b FROM t ORDER BY k').safeIntegers(true).raw(true).all() as Array<[bigint, string, Buffer]>;
    expect(back.map(([k]) => k)).toEqual(rows.map(([k]) => k));
    expect(back.map(([, s]) => s)).toEqual(texts.map((s) => s.replace(/\0/g, '\uFFFD')));
    expect(back.map(([, , b]) => b.toString('hex'))).toEqual(texts.map((s) => Buffer.from(s).toString('hex')));
  });
});
