/**
 * Issue 17 item 8: `discrepancies` as a person reads it. Aligned columns that fit the terminal
 * (in a real pseudo-terminal of a given width), --wide cutting nothing, thousands separators in
 * human output only, the largest differences per currency, and --period beside --from/--to.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFor } from '../helpers/backend.js';
import { BIN, cliEnv, parseJson, runCli, tempDir } from '../helpers/cli.js';
import { importDemoMonth } from '../helpers/demo-month.js';

const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
const tmp = tempDir('payrecon-list-');
const db = join(tmp.dir, 'p.db');
const cli = (...args: string[]) => runCli(['--db', db, ...args]);

beforeAll(() => {
  importDemoMonth(db);
  // A ledger entry large enough for separators: 1,234,567.89 EUR booked with no PSP row.
  const big = join(tmp.dir, 'big.csv');
  writeFileSync(big, 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description\nL-BIG,2025-04-02,ORD-BIG,,charge,1234567.89,EUR,,\n');
  expect(cli('import', 'ledger', big).code).toBe(0);
  expect(cli('reconcile').code).toBe(15);
});
afterAll(() => tmp.cleanup());

/** The command in a pseudo-terminal `cols` wide (script(1), stty), as a person at that terminal sees it. */
function atTerminal(cols: number, args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...cliEnv(), TERM: 'xterm' };
  const cmd = `stty cols ${cols} rows 50; '${process.execPath}' '${BIN}' --db '${storeFor(db)}' --color never ${args.map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.replace(/\r\n/g, '\n');
}

describe('discrepancies as a table', () => {
  it('in a pipe: a header, aligned columns, nothing cut, separators, then the ranking per currency', () => {
    const r = cli('discrepancies');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID {2}KIND +STATUS {2}AGE {2}REFERENCE +DIFFERENCE {2}REASON$/);
    const reasonAt = lines[0].indexOf('REASON');
    const rows = lines.slice(1, lines.findIndex((l) => /^\d+ discrepancies$/.test(l)));
    expect(rows.length).toBe(18);
    for (const row of rows) expect(row[reasonAt - 1]).toBe(' '); // every reason starts in the one column
    const big = rows.find((l) => l.includes('ORD-BIG'))!;
    expect(big).toMatch(/ORD-BIG +-1,234,567\.89 EUR {2}no PSP row matches ledger L-BIG/);
    expect(r.stdout).not.toContain('…');
    expect(r.stdout).toMatch(/^largest differences per currency \(PSP minus ledger; top 3\):\n {2}EUR +-1,234,567\.89 +#\d+ +missing_in_psp +ORD-BIG$/m);
    expect(r.stdout).toMatch(/^ {2}USD +310\.00 +#1 +missing_in_ledger +ORD-1005$/m);
  });

  it('--json and the CSV keep plain decimals', () => {
    const doc = parseJson(cli('--json', 'discrepancies', '--reference', 'ORD-BIG'));
    expect(doc.discrepancies[0].difference).toBe('-1234567.89');
    const out = join(tmp.dir, 'q.csv');
    expect(cli('discrepancies', '--reference', 'ORD-BIG', '--out', out).code).toBe(0);
    expect(spawnSync('cat', [out], { encoding: 'utf8' }).stdout).not.toContain('1,234,567');
  });

  it.skipIf(!HAS_SCRIPT)('on a terminal 100 columns wide every line fits, the reason cut with …; --wide cuts nothing', () => {
    const narrow = atTerminal(100, ['discrepancies']);
    const table = narrow.split('\n').filter((l) => /^ *(ID|\d+) {2}/.test(l));
    expect(table.length).toBe(19);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(100);
    expect(narrow).toMatch(/^ *\d+ {2}amount_mismatch +open +\d+d {2}ORD-1003 +0\.90 USD {2}amount differs by.*…$/m);
    const wide = atTerminal(100, ['discrepancies', '--wide']);
    expect(wide).not.toContain('…');
    expect(wide).toMatch(/ASSIGNEE {2}FIRST RUN {2}RESOLUTION/);
    expect(wide.split('\n').some((l) => l.length > 100)).toBe(true);
  });
});

describe('--period', () => {
  const ids = (...args: string[]) => parseJson(cli('--json', 'discrepancies', ...args)).discrepancies.map((d: { id: number }) => d.id);

  it('a month, a quarter, a year and a day select by booking date, as --from/--to would', () => {
    const march = ids('--period', '2025-03');
    expect(march).toEqual(ids('--from', '2025-03-01', '--to', '2025-03-31'));
    expect(march.length).toBeGreaterThan(5);
    const april = ids('--period', '2025-04');
    expect(april).toHaveLength(1); // L-BIG
    expect(ids('--period', '2025-Q1')).toEqual(march);
    expect(ids('--period', '2025').sort()).toEqual([...march, ...april].sort());
    const day = ids('--period', '2025-03-14');
    expect(day.length).toBeLessThan(march.length);
    expect(day).toEqual(ids('--from', '2025-03-14', '--to', '2025-03-14'));
    expect(ids('--period', '2024')).toEqual([]);
    const none = cli('discrepancies', '--period', '2024');
    expect(none.stdout).toBe('no open discrepancies booked 2024-01-01 to 2024-12-31\n');
  });

  it('a bad period, or --period with --from/--to, is a usage error (16)', () => {
    const bad = cli('discrepancies', '--period', '2025-13');
    expect(bad.code).toBe(16);
    expect(bad.stderr).toContain('--period is 2025, 2025-Q1, 2025-03 or 2025-03-15, got "2025-13"');
    const both = cli('discrepancies', '--period', '2025-03', '--to', '2025-03-31');
    expect(both.code).toBe(16);
    expect(both.stderr).toContain('--period cannot be combined with --from or --to');
    expect(cli('discrepancies', '--from', '2025-04-01', '--to', '2025-03-01').code).toBe(16);
  });
});
