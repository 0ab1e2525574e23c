/**
 * Issue 13, item 9: a full disk during import, reconcile or baseline init is exit 18 with
 * "disk full" and the database path, and the database stays as it was. Tested for real on a
 * small tmpfs; skipped, saying why, where one cannot be mounted (not root, no mount rights).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { FIXTURES, runCli } from '../helpers/cli.js';

const LEDGER_HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';
const DEMO = join(FIXTURES, 'demo');
const PSP = ['STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'stripe-balance-report-2025-03.csv'];

const work = mkdtempSync(join(tmpdir(), 'payrecon-full-'));
const mnt = join(work, 'mnt');
mkdirSync(mnt);
// A full disk is the database FILE's filesystem filling up: a PostgreSQL store lives on the
// server's disk, which this test cannot fill (the server's own errors are its to report).
const mount = onPostgres ? null : spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { encoding: 'utf8' });
const skipReason = onPostgres
  ? 'a PostgreSQL store is not a file on a disk this test can fill'
  : mount!.status === 0
    ? ''
    : `cannot mount a tmpfs (${(mount!.stderr || mount!.error?.message || 'mount failed').trim()}); run as root to test a full disk`;
if (skipReason) process.stdout.write(`disk-full.test.ts skipped: ${skipReason}\n`);

afterAll(() => {
  if (!skipReason) spawnSync('umount', [mnt]);
  rmSync(work, { recursive: true, force: true });
});

/** Write zeros into `file` until the filesystem says ENOSPC, leaving `spare` bytes unwritten (roughly). */
function fill(file: string, spare = 0): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096);
  const probe = spawnSync('df', ['-B1', '--output=avail', mnt], { encoding: 'utf8' });
  let left = Number(probe.stdout.trim().split('\n').pop()) - spare;
  try {
    while (spare === 0 || left > 0) {
      writeSync(fd, chunk);
      left -= chunk.length;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

function count(db: string, table: string): number {
  const h = openTestStore(db);
  try {
    return Number(h.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get());
  } finally {
    h.close();
  }
}

describe.skipIf(Boolean(skipReason))('a full disk (tmpfs of 4 MiB)', () => {
  const db = join(mnt, 'payrecon.db');
  const filler = join(mnt, 'filler');
  const key = join(work, 'hmac.key');
  const watched = join(work, 'watched');
  let txBefore = 0;

  beforeAll(() => {
    const imp = runCli(['--db', db, 'import', 'psp', ...PSP], { cwd: DEMO });
    expect(imp.code, imp.stderr).toBe(0);
    expect(runCli(['--db', db, 'import', 'ledger', 'ledger.csv'], { cwd: DEMO }).code).toBe(8);
    txBefore = count(db, 'transactions');
    writeFileSync(key, 'k'.repeat(32));
    chmodSync(key, 0o600);
    mkdirSync(watched);
    for (let i = 0; i < 50; i++) writeFileSync(join(watched, `f${i}`), `file ${i}\n`);
  });

  it('reconcile with 64 KiB left: the disk fills during the run (SQLITE_FULL), 18 "disk full", no run recorded', () => {
    fill(filler, 64 * 1024);
    const r = runCli(['--db', db, 'reconcile']);
    rmSync(filler);
    expect(r.code, r.stderr).toBe(18);
    expect(r.stderr).toContain(`disk full: cannot write ${db}`);
    expect(count(db, 'recon_runs')).toBe(0);
  });

  it('import: a file too big for the space left is 18 "disk full" naming the database; nothing of it stored', () => {
    const big = join(work, 'big.csv');
    const rows = [LEDGER_HEADER];
    for (let i = 0; i < 60_000; i++) rows.push(`B-${i},2025-03-03,ORD-B${i},,charge,${i}.00,EUR,,a description of row ${i}`);
    writeFileSync(big, rows.join('\n') + '\n');
    fill(filler, 512 * 1024);
    const r = runCli(['--db', db, 'import', 'ledger', big]);
    expect(r.code, r.stderr).toBe(18);
    expect(r.stderr).toContain(`disk full`);
    expect(r.stderr).toContain(db);
    expect(r.stderr).not.toMatch(/internal error|This is a bug/);
    rmSync(filler);
    expect(count(db, 'transactions')).toBe(txBefore);
  });

  it('reconcile, baseline init and import on a disk with no space left: 18 "disk full" naming the database', () => {
    fill(filler);
    const cases = [
      ['reconcile'],
      ['baseline', 'init', 'w', '--path', watched, '--key-file', key],
      ['import', 'ledger', join(FIXTURES, 'ledger', 'ledger-2025-03.csv')],
    ];
    for (const args of cases) {
      const r = runCli(['--db', db, ...args, '--json']);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(18);
      expect(r.stderr).toMatch(/disk full/);
      expect(r.stderr).toContain(db);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 18, message: expect.stringMatching(/disk full/) });
    }
    rmSync(filler);
    // Space again: the database is whole and the same commands work.
    expect(count(db, 'transactions')).toBe(txBefore);
    expect(runCli(['--db', db, 'reconcile']).code).toBe(15);
    expect(runCli(['--db', db, 'baseline', 'init', 'w', '--path', watched, '--key-file', key]).code).toBe(0);
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(0);
  });
});
