/**
 * `report --out` never hands an attacker a writable file (SECURITY.md): through a symbolic link
 * it writes the link's target atomically and the link stays; a link to nothing or to a
 * directory is refused (18); a report is never wider than the umask allows, even when it
 * replaces a world-writable one.
 */
import { chmodSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');
let t: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO });
// The umask the spawned CLI inherits; what a new file may have at most.
const umask = process.umask();
const allowed = 0o666 & ~umask;

beforeAll(() => {
  t = tempDir('payrecon-report-out-');
  db = join(t.dir, 'p.db');
  expect(cli('import', 'ledger', 'ledger.csv').code).toBe(8);
  expect(cli('import', 'psp', 'stripe-balance-report-2025-03.csv').code).toBe(0);
  expect(cli('reconcile').code).toBeLessThan(16);
});
afterAll(() => t.cleanup());

describe('report --out', () => {
  it('through a symbolic link writes the target, keeps the link and the target private', () => {
    const target = join(t.dir, 'private', 'report.csv');
    mkdirSync(join(t.dir, 'private'));
    writeFileSync(target, 'old\n', { mode: 0o600 });
    chmodSync(target, 0o600);
    const link = join(t.dir, 'latest.csv');
    symlinkSync(target, link);
    const r = cli('report', '--out', link);
    expect(r.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toMatch(/^\uFEFFid,/); // the default dialect (excel) starts with a BOM
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('a link to nothing, or to a directory, is refused (18) and nothing is created', () => {
    const dangling = join(t.dir, 'dangling.html');
    symlinkSync(join(t.dir, 'nowhere', 'r.html'), dangling);
    const r = cli('report', '--out', dangling);
    expect(r.code).toBe(18);
    expect(r.stderr).toMatch(/symbolic link that leads to no existing file/);
    const toDir = join(t.dir, 'dirlink.json');
    symlinkSync(t.dir, toDir);
    const d = cli('report', '--out', toDir);
    expect(d.code).toBe(18);
    expect(d.stderr).toMatch(/is a symbolic link to .*, which is not a regular file/);
    expect(lstatSync(toDir).isSymbolicLink()).toBe(true);
  });

  it('never creates or keeps a mode wider than the umask allows', () => {
    const fresh = join(t.dir, 'fresh.html');
    expect(cli('report', '--out', fresh).code).toBe(0);
    expect(statSync(fresh).mode & 0o7777).toBe(allowed);
    const open = join(t.dir, 'open.json');
    writeFileSync(open, '{}');
    chmodSync(open, 0o4777);
    expect(cli('report', '--out', open).code).toBe(0);
    expect(statSync(open).mode & 0o7777).toBe(allowed);
  });
});
