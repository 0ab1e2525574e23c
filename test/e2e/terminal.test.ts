/** Terminal manners (issue 17): progress draws only on a terminal with a size, and never clears the screen. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, runCli, useTempDb } from '../helpers/cli.js';

const LEDGER_HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

/** Over 4 MiB, so the import would draw a bar on a terminal that has a size. */
function bigLedger(): string {
  const rows = [LEDGER_HEADER];
  for (let i = 0; i < 80_000; i++) rows.push(`L-${i},2025-03-03,ORD-${i},,charge,10.00,EUR,0.10,a description long enough`);
  const f = join(dir, 'big.csv');
  writeFileSync(f, rows.join('\n'));
  return f;
}

describe('terminal manners', () => {
  it.skipIf(!HAS_SCRIPT)('a long import in a pseudo-terminal without a size never clears the screen', () => {
    const f = bigLedger();
    const env: NodeJS.ProcessEnv = { ...cliEnv(), TERM: 'xterm-256color' };
    delete env.CI;
    delete env.NO_COLOR;
    // script(1) gives the command a pseudo-terminal; with no terminal of its own here it has no size.
    const cmd = `'${process.execPath}' '${BIN}' --db '${db}' import ledger '${f}'`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('80000 imported');
    expect(r.stdout).not.toMatch(/\u001b\[2J|\u001b\[3J/);
  });

  it('--color always colours a pipe; --color never and --no-color do not; a bad value is 16', () => {
    // A file with a rejected row: its summary line is yellow where colour is on.
    const file = (name: string) => {
      const f = join(dir, name);
      writeFileSync(f, [LEDGER_HEADER, `${name}-1,2025-03-03,ORD-1,,charge,10.00,EUR,,`, `${name}-2,2025-03-03,ORD-2,,charge,ten,EUR,,`].join('\n'));
      return f;
    };
    const env = { NO_COLOR: '' };
    const always = runCli(['--db', db, '--color', 'always', 'import', 'ledger', file('a.csv')], { env });
    expect(always.code).toBe(8);
    expect(always.stdout).toMatch(/\u001b\[33m/);
    const never = runCli(['--db', db, '--color', 'never', 'import', 'ledger', file('b.csv')], { env: { FORCE_COLOR: '1' } });
    expect(never.stdout).toContain('rejected');
    expect(never.stdout).not.toMatch(/\u001b\[/);
    const forced = runCli(['--db', db, 'import', 'ledger', file('c.csv')], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(/\u001b\[33m/);
    const bad = runCli(['--db', db, '--color', 'sometimes', 'discrepancies']);
    expect(bad.code).toBe(16);
    expect(bad.stderr).toMatch(/auto, always, never/);
  });
});
