/**
 * Issue 13, item 13: with --json every error exit prints one JSON error document on stdout;
 * `help <unknown topic>` lists the topics; kernel trees (/proc, /sys, /dev) are never read
 * into a baseline.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { emptyDatabase, runCli, useTempDb } from '../helpers/cli.js';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

function errorDoc(stdout: string): { code: number; message: string; hint: string | null } {
  const doc = JSON.parse(stdout);
  expect(Object.keys(doc)).toEqual(['error']);
  expect(Object.keys(doc.error)).toEqual(['code', 'message', 'hint']);
  return doc.error;
}

describe('--json error documents', () => {
  it('usage (16), from commander and from payrecon', () => {
    for (const args of [['reconcile', '--nope'], ['reconcile', '--from', '2025-02-30'], ['discrepancies', '--run', 'x']]) {
      const r = runCli(['--db', db, '--json', ...args]);
      expect(r.code, args.join(' ')).toBe(16);
      const e = errorDoc(r.stdout);
      expect(e.code).toBe(16);
      expect(e.message.length).toBeGreaterThan(0);
    }
    emptyDatabase(db);
    const empty = runCli(['--db', db, 'reconcile', '--json']);
    expect(empty.code).toBe(16);
    expect(errorDoc(empty.stdout)).toEqual({ code: 16, message: expect.stringMatching(/nothing to reconcile/), hint: expect.stringMatching(/import first/) });
  });

  it('database (19), input (17) and I/O (18)', () => {
    const notDb = join(dir, 'not.db');
    writeFileSync(notDb, 'this is not a database, just text long enough to look like a header....');
    const r19 = runCli(['--db', notDb, 'discrepancies', '--json']);
    expect(r19.code).toBe(19);
    // On PostgreSQL the path stands for a database on the server, empty of payrecon's tables:
    // the store a mistyped URL would name.
    const why = onPostgres ? /^no payrecon database at postgres:\/\// : /not a payrecon database or is corrupt/;
    expect(errorDoc(r19.stdout)).toMatchObject({ code: 19, message: expect.stringMatching(why) });

    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, '{');
    const r17 = runCli(['--db', db, 'schedule', '--config', cfg, '--json']);
    expect(r17.code).toBe(17);
    expect(errorDoc(r17.stdout).code).toBe(17);

    const r18 = runCli(['--db', db, 'report', '--out', join(dir, 'missing-dir', 'r.html'), '--json']);
    expect(r18.code).toBe(18);
    expect(errorDoc(r18.stdout).code).toBe(18);
  });

  it('internal error (21): the document too, and the bug hint', () => {
    // A database whose schema claims a version we know but lacks a table: an unexpected state.
    const odd = join(dir, 'odd.db');
    emptyDatabase(odd);
    const h = openTestStore(odd);
    h.exec('DROP TABLE recon_run_discrepancies');
    h.close();
    writeFileSync(join(dir, 'l.csv'), 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description\nL-1,2025-03-03,O,,charge,1.00,EUR,,x\n');
    expect(runCli(['--db', odd, 'import', 'ledger', join(dir, 'l.csv')]).code).toBe(0);
    const r = runCli(['--db', odd, 'reconcile', '--json']);
    expect(r.code).toBe(21);
    expect(errorDoc(r.stdout)).toMatchObject({ code: 21, message: expect.stringMatching(/^internal error: /), hint: expect.stringMatching(/This is a bug in payrecon/) });
  });

  it('no second document when the command already printed its own', () => {
    emptyDatabase(db);
    const r = runCli(['--db', db, 'audit', 'verify', '--json']);
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});

describe('help', () => {
  it('help <unknown topic>: 16, naming the topic and listing the topics', () => {
    const r = runCli(['help', 'reconcle']);
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/unknown help topic "reconcle"/);
    expect(r.stderr).toMatch(/help topics: import, import psp, import ledger, (import bank, )?reconcile, .*baseline init, .*exit-codes/);
    expect(runCli(['help', 'import', 'psp']).code).toBe(0);
  });
});

describe('kernel trees are never read into a baseline', () => {
  it('--path under /proc, /sys or /dev is refused (16); a glob through / skips them', () => {
    const key = join(dir, 'k.key');
    writeFileSync(key, 'k'.repeat(32));
    chmodSync(key, 0o600);
    for (const p of ['/proc/self/environ', '/proc', '/sys/kernel', '/dev/zero']) {
      const r = runCli(['--db', db, 'baseline', 'init', 'x', '--path', p, '--key-file', key]);
      expect(r.code, `${p}: ${r.stderr}`).toBe(16);
      expect(r.stderr).toMatch(/is not monitored/);
    }
    const glob = runCli(['--db', db, 'baseline', 'init', 'g', '--path', '/*/self/status', '--path', join(dir, '*.key'), '--key-file', key, '--json']);
    expect(glob.code, glob.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(glob.stdout))).not.toContain('/proc/');
  });
});
