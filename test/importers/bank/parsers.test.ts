/**
 * The bank parsers on small inputs: what they make of each field, and the error a malformed
 * file gets (file, line, what was expected). Real files are pinned by golden.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BankEvent } from '../../../src/domain/bank.js';
import { BANK_IMPORTERS, identifyBankImporter } from '../../../src/importers/bank/index.js';
import type { BankImporter } from '../../../src/importers/bank/types.js';
import { bai2, camt053, mt940 } from '../../helpers/bank-files.js';

const byName = (n: string) => BANK_IMPORTERS.find((i) => i.name === n)!;

async function parse(importer: BankImporter, text: string | Buffer): Promise<BankEvent[]> {
  const events: BankEvent[] = [];
  // Two chunks split mid-way: parsers must not care where reads end.
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const half = Math.floor(buf.length / 2);
  async function* chunks() {
    yield buf.subarray(0, half);
    yield buf.subarray(half);
  }
  for await (const batch of importer.parse(chunks(), { file: 'f' })) events.push(...batch);
  return events;
}

const entries = (evs: BankEvent[]) => evs.flatMap((e) => (e.kind === 'entry' ? [e.entry] : []));

describe('identification', () => {
  it.each([
    ['camt053', camt053({ id: 'S', opening: '0', entries: [] })],
    ['mt940', mt940({ id: 'S', opening: '0', entries: [] })],
    ['bai2', bai2({ id: 'S', opening: '0', entries: [] })],
  ])('%s is recognised from its first bytes', (name, text) => {
    expect(identifyBankImporter(text, 'f').name).toBe(name);
  });

  it('anything else is refused listing what each format looks like', () => {
    expect(() => identifyBankImporter('date,amount\n2025-01-01,1\n', 'x.csv')).toThrow(/not a recognised bank statement[\s\S]*MT940[\s\S]*BAI2/);
  });
});

describe('MT940 fields', () => {
  it.each([
    // :61: line, signed minor units, booking date, reversal
    ['2503050306C100,00NTRFREF1//B1', 10000n, '2025-03-06', false],
    ['250305D7,5NMSCNONREF', -750n, '2025-03-05', false],
    ['250305    DD212,39NMSCNONREF//', -21239n, '2025-03-05', false], // entry date blank, funds code D
    ['2503050305RC50,NTRFX//Y', -5000n, '2025-03-05', true], // reversal of a credit takes money out
    ['2503050305RD50,NTRFX//Y', 5000n, '2025-03-05', true],
    ['2512310102C1,00NTRFX', 100n, '2026-01-02', false], // entry date in the next year
  ])(':61:%s -> %s', async (line, minor, booking, reversal) => {
    const text = `:20:X\n:25:ACC\n:28C:1/1\n:60F:C250305EUR0,00\n:61:${line}\n:62F:C250305EUR${Number(minor) < 0 ? '0,00' : '0,00'}\n`;
    // The closing balance is irrelevant here: the proof is the caller's job.
    const [e] = entries(await parse(byName('mt940'), text));
    expect({ minor: e.minor, booking: e.bookingDate, reversal: e.reversal }).toEqual({ minor, booking, reversal });
  });

  it('names the line of a malformed :61:', async () => {
    await expect(parse(byName('mt940'), ':20:X\n:25:ACC\n:60F:C250305EUR0,00\n:61:garbage\n:62F:C250305EUR0,00\n')).rejects.toThrow(
      /f:4.*expected :61: as value date YYMMDD/,
    );
  });
});

describe('camt', () => {
  it('keeps every transaction detail of a batch entry and its end-to-end ids', async () => {
    const xml = camt053({ id: 'S', opening: '0', entries: [] }).replace(
      '</Stmt>',
      `<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2025-03-05</Dt></BookgDt><NtryDtls>
        <TxDtls><Refs><EndToEndId>E1</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">10.00</Amt></TxAmt></AmtDtls><RmtInf><Ustrd>one</Ustrd></RmtInf></TxDtls>
        <TxDtls><Refs><EndToEndId>E2</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">20.00</Amt></TxAmt></AmtDtls><RmtInf><Ustrd>two</Ustrd></RmtInf></TxDtls>
      </NtryDtls><Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">0.50</TtlChrgsAndTaxAmt></Chrgs></Ntry></Stmt>`,
    );
    const [e] = entries(await parse(byName('camt053'), xml));
    expect(e).toMatchObject({ minor: 3000n, endToEndId: 'E1 E2', remittance: 'one | two', chargesMinor: 50n });
    expect(e.details.map((d) => [d.minor, d.endToEndId])).toEqual([
      [1000n, 'E1'],
      [2000n, 'E2'],
    ]);
  });

  it('names line and column of XML that is not well formed', async () => {
    await expect(parse(byName('camt053'), '<Document><BkToCstmrStmt><GrpHdr><MsgId>1</MsgIdx></GrpHdr></BkToCstmrStmt></Document>')).rejects.toThrow(/f:1:\d+: not well-formed XML/);
  });
});

describe('BAI2', () => {
  it('reads records run together and 88 continuations of the text', async () => {
    const text = bai2({ id: 'S', opening: '1.00', entries: [{ amount: '2.00', text: 'FIRST' }] }).replace(/FIRST\n/, 'FIRST\n88,SECOND PART/\n');
    // The 88 adds a record: fix the counts the generator wrote.
    const fixed = text.replace(/^49,(\d+),(\d+)\//m, (_m, t, n) => `49,${t},${Number(n) + 1}/`).replace(/^98,(\d+),(\d+),(\d+)\//m, (_m, t, a, n) => `98,${t},${a},${Number(n) + 1}/`).replace(/^99,(\d+),(\d+),(\d+)\//m, (_m, t, g, n) => `99,${t},${g},${Number(n) + 1}/`);
    const oneLine = fixed.replace('2/\n02,', '2/   02,');
    const [e] = entries(await parse(byName('bai2'), oneLine));
    expect(e).toMatchObject({ minor: 200n, remittance: 'FIRST SECOND PART', typeCode: '195' });
  });

  it('refuses a wrong record count naming the trailer', async () => {
    const text = bai2({ id: 'S', opening: '1.00', entries: [] }).replace(/^49,(\d+),(\d+)\//m, (_m, t, n) => `49,${t},${Number(n) + 2}/`);
    await expect(parse(byName('bai2'), text)).rejects.toThrow(/record count in 49 is \d+, there are \d+ records \(difference -2\)/);
  });
});
