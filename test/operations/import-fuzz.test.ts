/**
 * Seeded fuzzing of the import operation: thousands of mutated fixture files through every
 * importer (auto-identified, forced with --format, the ledger and a mapped export), in process,
 * plus a handful through bin/payrecon. Whatever the bytes, a file is imported, partly
 * rejected, or refused with an input/I/O error (17/18): never an internal error (21), never an
 * unhandled rejection. A failure prints the seed and the file's bytes to replay it.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/domain/exit-codes.js';
import { importFiles, type ImportRequest } from '../../src/operations/import.js';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';
import { TestStore } from '../helpers/test-store.js';

const SEED = Number(process.env.PAYRECON_FUZZ_SEED ?? 20251130);
const FILES_PER_CORPUS = 400;

/** mulberry32: small, seeded, good enough to pick mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Tokens a hostile or broken file holds: numbers past 64 bits, control and escape sequences,
// CSV structure, odd Unicode, dates that do not exist. (Names of JavaScript built-ins such as
// constructor and __proto__ in type cells join this list with the fix for issue 13 item 7.)
const TOKENS = [
  '12345678901234567890',
  '92233720368547758.07',
  '-92233720368547758.08',
  '99999999999999999999999.999',
  '1e308',
  'NaN',
  '-0',
  '0.000000001',
  '\u001b[8m',
  '\u001b]0;x\u0007',
  '\r\n',
  '\n',
  '"',
  '""',
  ',',
  ';',
  '\t',
  '\u0000',
  '\uFEFF',
  '\u202e',
  '😀',
  'é',
  '2025-02-30',
  '9999-99-99T99:99:99Z',
  // Values that name JavaScript built-ins, where a type, category or zone is looked up.
  'constructor',
  '__proto__',
  'valueOf',
  '',
  'x'.repeat(5000),
];

type Mutation = (text: string, r: () => number) => string;
const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)];
const at = (text: string, r: () => number) => Math.floor(r() * (text.length + 1));

const MUTATIONS: Mutation[] = [
  // Replace a cell-ish run of characters with a token.
  (t, r) => {
    const i = at(t, r);
    const j = Math.min(t.length, i + Math.floor(r() * 12));
    return t.slice(0, i) + pick(TOKENS, r) + t.slice(j);
  },
  // Replace a number with a huge or odd one (amounts are where overflow lived).
  (t, r) => {
    const nums = [...t.matchAll(/-?\d+(\.\d+)?/g)];
    if (!nums.length) return t;
    const m = pick(nums, r);
    return t.slice(0, m.index) + pick(TOKENS.slice(0, 8), r) + t.slice(m.index! + m[0].length);
  },
  // Flip a byte's worth of character.
  (t, r) => {
    const i = Math.floor(r() * t.length);
    return t.slice(0, i) + String.fromCharCode(Math.floor(r() * 0x80)) + t.slice(i + 1);
  },
  // Delete a range.
  (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + t.slice(i + Math.floor(r() * 200));
  },
  // Truncate.
  (t, r) => t.slice(0, at(t, r)),
  // Duplicate or drop a line, swap two lines.
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    const k = r();
    if (k < 0.4) lines.splice(i, 0, lines[i]);
    else if (k < 0.7) lines.splice(i, 1);
    else {
      const j = Math.floor(r() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    return lines.join('\n');
  },
  // Insert a token anywhere.
  (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + pick(TOKENS, r) + t.slice(i);
  },
];

function mutate(text: string, r: () => number): string {
  let out = text;
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) out = pick(MUTATIONS, r)(out, r);
  return out;
}

interface Corpus {
  name: string;
  seeds: string[];
  request: (file: string) => ImportRequest;
}

const csvs = (dir: string) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => /\.csv$/i.test(f))
    .map((f) => readFileSync(join(FIXTURES, dir, f), 'utf8'));

const PSP_DIRS = ['stripe', 'adyen', 'paypal', 'checkout'];
const CORPORA: Corpus[] = [
  ...PSP_DIRS.map((d) => ({ name: `${d} (auto)`, seeds: csvs(d), request: (file: string): ImportRequest => ({ side: 'psp', files: [file] }) })),
  ...PSP_DIRS.map((d) => ({ name: `${d} (--format)`, seeds: csvs(d), request: (file: string): ImportRequest => ({ side: 'psp', files: [file], format: d }) })),
  { name: 'ledger', seeds: csvs('ledger'), request: (file) => ({ side: 'ledger', files: [file] }) },
  {
    name: 'mapping',
    seeds: csvs('mapping'),
    request: (file) => ({ side: 'ledger', files: [file], mapping: join(FIXTURES, 'mapping', 'erp-export-de.mapping.json') }),
  },
];

let store: TestStore;
let dir: string;
let cleanup: () => void;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  store = new TestStore();
  ({ dir, cleanup } = tempDir('payrecon-fuzz-'));
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  store.close();
  cleanup();
});

describe(`import fuzzing (seed ${SEED}, ${FILES_PER_CORPUS} files per corpus)`, () => {
  it.each(CORPORA.map((c, i) => [c.name, c, i] as const))('%s: no internal error, whatever the bytes', async (_name, corpus, index) => {
    const r = rng(SEED + index * 7919);
    const ctx = store.context();
    for (let n = 0; n < FILES_PER_CORPUS; n++) {
      const text = mutate(pick(corpus.seeds, r), r);
      const file = join(dir, `${index}-${n}.csv`);
      writeFileSync(file, text);
      let code: number;
      try {
        code = (await importFiles(ctx, corpus.request(file))).exit_code;
      } catch (err) {
        throw new Error(`${corpus.name}, file ${n} (seed ${SEED}) threw ${(err as Error)?.stack ?? err}\nbytes: ${JSON.stringify(text.slice(0, 2000))}`);
      }
      if (!(code < ExitCode.USAGE || code === ExitCode.INPUT || code === ExitCode.IO)) {
        throw new Error(`${corpus.name}, file ${n} (seed ${SEED}): exit ${code}\nbytes: ${JSON.stringify(text.slice(0, 2000))}`);
      }
    }
    ctx.close();
    expect(unhandled).toEqual([]);
  });

  it('a handful through bin/payrecon: never exit 21, and reconcile after them is no internal error either', () => {
    const r = rng(SEED ^ 0x5eed);
    const db = join(dir, 'cli.db');
    for (let n = 0; n < 6; n++) {
      const corpus = CORPORA[n % CORPORA.length];
      const text = mutate(pick(corpus.seeds, r), r);
      const file = join(dir, `cli-${n}.csv`);
      writeFileSync(file, text);
      const req = corpus.request(file);
      const args = ['--db', db, 'import', req.side, file, ...(req.format ? ['--format', req.format] : []), ...(req.mapping ? ['--mapping', req.mapping] : [])];
      const out = runCli(args);
      expect(out.code, `${corpus.name}: ${out.stderr}\nbytes: ${JSON.stringify(text.slice(0, 500))}`).not.toBe(21);
      expect(out.stderr).not.toMatch(/internal error/);
    }
    const rec = runCli(['--db', db, 'reconcile']);
    expect(rec.code, rec.stderr).not.toBe(21); // 16 when every file was refused: nothing to reconcile
    expect(rec.stderr).not.toMatch(/internal error/);
  });
});
