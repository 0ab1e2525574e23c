/**
 * The streaming paths print exactly what the whole-document paths print: the JSON writer
 * against JSON.stringify, the bounded table selection against selectTableRows, each format's
 * streamed text (rows read once from an iterator) against its string renderer, and the
 * atomic streaming write against a failure half way.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonWithArrayChunks } from '../../src/output.js';
import { TableRows, selectTableRows } from '../../src/report/html-table.js';
import { REPORTERS } from '../../src/report/index.js';
import { streamDataOf } from '../../src/report/stream.js';
import type { ReportRow } from '../../src/report/types.js';
import { writeFileAtomicStream } from '../../src/report/write-atomic.js';
import { SCAN, dataFor, sampleRows, view } from '../helpers/report-sample.js';

describe('jsonWithArrayChunks', () => {
  const cases: Array<[string, object, unknown[]]> = [
    ['empty array', { run: 1, by_kind: {} }, []],
    ['empty head', {}, [{ a: 1 }]],
    ['empty head and array', {}, []],
    ['nested items, empty objects and arrays inside', { w: { from: null, to: '2025-03-31' } }, [{ a: { b: [1, { c: [] }] }, d: {} }, 2, 'x', null]],
    ['strings with line breaks, quotes and non-ASCII', { note: 'a\nb' }, [{ s: 'line\nbreak "quoted" \u2028 é 日本' }]],
    ['undefined fields are left out as JSON.stringify does', { u: undefined, n: 1 }, [{ a: undefined, b: 2 }]],
  ];
  for (const [name, head, items] of cases) {
    it(name, () => {
      const streamed = [...jsonWithArrayChunks(head, 'items', items)].join('');
      expect(streamed).toBe(JSON.stringify({ ...head, items }, null, 2) + '\n');
    });
  }
});

describe('TableRows (bounded selection of the most pressing rows)', () => {
  // A deterministic shuffle of varied rows: statuses, severities, ages and kinds all differ.
  function rows(n: number): ReportRow[] {
    const statuses = ['open', 'acknowledged', 'resolved', 'closed'] as const;
    const severities = ['high', 'medium', 'low'] as const;
    const kinds = ['amount_mismatch', 'missing_in_psp', 'duplicate'] as const;
    const out: ReportRow[] = [];
    for (let i = 0; i < n; i++) {
      const id = 1 + ((i * 7919) % 100_003);
      out.push(view({ id, status: statuses[i % 4], severity: severities[(i * 5) % 3], age_days: (i * 13) % 9, kind: kinds[i % 3] }));
    }
    return out;
  }
  for (const n of [0, 1, 4, 5, 6, 9, 10, 11, 37, 500]) {
    it(`${n} rows, limit 5: the same rows in the same order as selectTableRows`, () => {
      const all = rows(n);
      const t = new TableRows(5);
      for (const r of all) t.add(r);
      expect(t.shown().map((r) => r.id)).toEqual(selectTableRows(all, 5).map((r) => r.id));
      expect(t.total).toBe(n);
    });
  }
});

describe('streamReconcile of every format', () => {
  const data = dataFor(sampleRows(), [SCAN]);
  for (const reporter of REPORTERS) {
    it(`${reporter.name}: rows read once from an iterator give the string renderer's text`, () => {
      const once = (function* () {
        yield* data.rows;
      })();
      const pieces: string[] = [];
      reporter.streamReconcile({ ...streamDataOf(data), rows: once }, (t) => pieces.push(t));
      expect(pieces.join('')).toBe(reporter.renderReconcile(data));
      expect(once.next().done).toBe(true);
    });
  }
});

describe('writeFileAtomicStream', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes many pieces (more than one buffer) in order', () => {
    dir = mkdtempSync(join(tmpdir(), 'payrecon-stream-'));
    const path = join(dir, 'big.csv');
    const line = 'x'.repeat(999) + '\n';
    writeFileAtomicStream(path, (write) => {
      for (let i = 0; i < 3000; i++) write(`${i}:${line}`);
    });
    const text = readFileSync(path, 'utf8').split('\n');
    expect(text.length).toBe(3001);
    expect(text[2999].startsWith('2999:')).toBe(true);
  });

  it('a producer that throws half way leaves the old file and no temporary file', () => {
    dir = mkdtempSync(join(tmpdir(), 'payrecon-stream-'));
    const path = join(dir, 'r.csv');
    writeFileSync(path, 'old\n');
    const boom = new Error('interrupted');
    expect(() =>
      writeFileAtomicStream(path, (write) => {
        for (let i = 0; i < 2000; i++) write('y'.repeat(1000));
        throw boom;
      }),
    ).toThrow(boom);
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['r.csv']);
  });
});
