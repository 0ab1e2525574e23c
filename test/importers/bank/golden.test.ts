/**
 * Golden files for the bank parsers: every balanced real sample (read in place by relative path,
 * never copied) is parsed and compared with fixtures/bank/golden/<format>/<name>.expected.json,
 * one event per line. UPDATE_GOLDEN=1 rewrites them; review the diff against the file by hand.
 */
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BankEvent } from '../../../src/domain/bank.js';
import { identifyBankImporter } from '../../../src/importers/bank/index.js';
import { ROOT } from '../../helpers/cli.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const SAMPLES = join(ROOT, '../shared/real-samples/bank');
const GOLDEN = join(ROOT, 'fixtures/bank/golden');

function serialise(events: BankEvent[]): string {
  const plain = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return `[\n${events.map((e) => `  ${plain(e)}`).join(',\n')}\n]\n`;
}

describe('bank golden files', () => {
  for (const format of ['camt053', 'mt940', 'bai2']) {
    const files = readdirSync(join(SAMPLES, format)).filter((f) => f !== 'SOURCE.txt' && !f.includes('_REFUSE'));
    for (const f of files) {
      it(`${format}/${f}`, async () => {
        const path = join(SAMPLES, format, f);
        const importer = identifyBankImporter(readFileSync(path).subarray(0, 65536).toString('latin1'), f);
        expect(importer.name).toBe(format);
        const events: BankEvent[] = [];
        for await (const batch of importer.parse(createReadStream(path), { file: f })) events.push(...batch);
        const expected = join(GOLDEN, format, `${f}.expected.json`);
        const actual = serialise(events);
        if (UPDATE) {
          mkdirSync(join(GOLDEN, format), { recursive: true });
          writeFileSync(expected, actual);
        }
        expect(existsSync(expected), `missing ${expected}; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
        expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(expected, 'utf8')));
      });
    }
  }
});
