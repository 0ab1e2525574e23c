/**
 * Issue 13, items 8, 10 and 12: what is not a regular file is refused at once (17) instead of
 * blocking; a giant field is a rejected row read at bounded memory; an interrupt after some
 * files of a command were stored says which were and which were not.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onBackend, openTestStore } from '../helpers/backend.js';
import { emptyDatabase, BIN, cliEnv, ROOT, runCli, startCli, useTempDb } from '../helpers/cli.js';

const LEDGER_HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

/** Run with a deadline: a command that blocks is killed and fails the test instead of hanging it. */
function runBounded(args: string[], env: NodeJS.ProcessEnv = {}, input = '') {
  // Its --db on the backend under test, as runCli does (test/helpers/backend.ts).
  const run = onBackend(args, cliEnv(env), ROOT);
  const r = spawnSync(process.execPath, [BIN, ...run.args], { env: run.env, input, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  // SIGKILL: a process blocked in open() on a FIFO ignored SIGTERM before the fix.
  return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function ledgerRows(db: string): number {
  const h = openTestStore(db);
  try {
    return Number(h.prepare("SELECT count(*) AS n FROM transactions WHERE side = 'ledger'").pluck().get());
  } finally {
    h.close();
  }
}

describe('input that is not a regular file', () => {
  it('a FIFO, /dev/zero, "-" and a directory as import files: 17 at once, and the other files still import', () => {
    const fifo = join(dir, 'inbox.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const good = join(dir, 'good.csv');
    writeFileSync(good, `${LEDGER_HEADER}\nL-1,2025-03-03,ORD-1,,charge,1.00,EUR,,x\n`);
    const r = runBounded(['--db', db, 'import', 'ledger', fifo, '/dev/zero', '-', dir, good, '--json'], {}, 'from stdin\n');
    expect(r.signal, 'blocked until killed').toBeNull();
    expect(r.code, r.stderr).toBe(17);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.map((f: { status: string }) => f.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'imported']);
    expect(doc.files[0].error.message).toMatch(/is a FIFO \(named pipe\); expected a regular file/);
    expect(doc.files[1].error.message).toMatch(/\/dev\/zero is a character device; expected a regular file/);
    expect(doc.files[2].error.message).toMatch(/standard input/);
    expect(doc.files[3].error.exit_code).toBeGreaterThanOrEqual(17);
  });

  it('a FIFO or /dev/zero as --key-file or $PAYRECON_KEY_FILE, and a FIFO as --mapping or schedule config: 17 at once', () => {
    const fifo = join(dir, 'key.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const watched = join(dir, 'w');
    mkdirSync(watched);
    writeFileSync(join(watched, 'a'), 'a');
    const cases: Array<[string[], NodeJS.ProcessEnv]> = [
      [['baseline', 'init', 'b', '--path', watched, '--key-file', fifo], {}],
      [['baseline', 'init', 'b', '--path', watched], { PAYRECON_KEY_FILE: '/dev/zero' }],
      [['scan'], { PAYRECON_KEY_FILE: fifo }],
      [['import', 'ledger', '--mapping', fifo, join(dir, 'none.csv')], {}],
      [['schedule', '--config', fifo], {}],
    ];
    emptyDatabase(db); // scan refuses a missing database (19) before it reads the key
    for (const [args, env] of cases) {
      const r = runBounded(['--db', db, ...args], env);
      expect(r.signal, `${args.join(' ')} blocked`).toBeNull();
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(17);
      expect(r.stderr).toMatch(/expected a regular file/);
    }
  });
});

describe('a giant field', () => {
  it('a field of 80 MB and one of 3 MB are rejected rows, read with a 64 MB heap; the rows around them import', async () => {
    const file = join(dir, 'giant.csv');
    const out = createWriteStream(file);
    out.write(`${LEDGER_HEADER}\nL-1,2025-03-03,ORD-1,,charge,1.00,EUR,,ok\nL-2,2025-03-03,ORD-2,,charge,1.00,EUR,,"`);
    const mb = 'x'.repeat(1 << 20);
    for (let i = 0; i < 80; i++) if (!out.write(mb)) await once(out, 'drain');
    out.write(`"\nL-3,2025-03-03,ORD-3,,charge,1.00,EUR,,ok\nL-4,2025-03-03,ORD-4,,charge,1.00,EUR,,${'y'.repeat(3 << 20)}\nL-5,2025-03-03,ORD-5,,charge,1.00,EUR,,ok\n`);
    out.end();
    await once(out, 'close');
    // Before the limit the reader held the whole field (several copies): far past 64 MB.
    const r = runBounded(['--db', db, 'import', 'ledger', file, '--json'], { NODE_OPTIONS: '--max-old-space-size=64' });
    expect(r.code, r.stderr).toBe(8);
    const f = JSON.parse(r.stdout).files[0];
    expect(f.rows).toEqual({ total: 5, imported: 3, skipped: 0, rejected: 2 });
    expect(f.rejects).toEqual([
      { line: 3, column: null, reason: expect.stringMatching(/a field is longer than 1048576 characters/) },
      { line: 5, column: null, reason: expect.stringMatching(/a field is longer than 1048576 characters/) },
    ]);
  });
});

describe('an interrupt after some files were stored', () => {
  it('says which files were stored and which were not, instead of "nothing was written"', async () => {
    const first = join(dir, 'first.csv');
    writeFileSync(first, `${LEDGER_HEADER}\nL-1,2025-03-03,ORD-1,,charge,1.00,EUR,,x\n`);
    // Big enough that its import is still running when the signal arrives after first.csv's line.
    const big = join(dir, 'big.csv');
    const rows: string[] = [LEDGER_HEADER];
    for (let i = 0; i < 400_000; i++) rows.push(`B-${i},2025-03-03,ORD-B${i},,charge,${i}.00,EUR,,row ${i}`);
    writeFileSync(big, rows.join('\n') + '\n');
    const last = join(dir, 'last.csv');
    writeFileSync(last, `${LEDGER_HEADER}\nL-9,2025-03-03,ORD-9,,charge,1.00,EUR,,x\n`);
    chmodSync(last, 0o644);

    const p = startCli(['--db', db, 'import', 'ledger', first, big, last]);
    const deadline = Date.now() + 60_000;
    while (!p.output().stdout.includes('first.csv: ledger')) {
      if (p.child.exitCode !== null) throw new Error(`exited early:\n${p.output().stderr}`);
      if (Date.now() > deadline) throw new Error(`first.csv not reported within 60 s:\n${p.output().stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stderr).not.toMatch(/nothing was written/);
    expect(r.stderr).toMatch(/interrupted; stored before the interrupt: \S*first\.csv; not stored: \S*big\.csv, \S*last\.csv/);
    expect(ledgerRows(db)).toBe(1);
  });
});
