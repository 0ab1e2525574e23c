/**
 * Two `payrecon schedule` processes on one PostgreSQL database (issue 16), as two hosts would
 * run them for availability: every cron tick of a job runs once, on whichever scheduler claims
 * it first (src/db/tick-claims.ts); the other logs that it left the tick to it. A SQLite file
 * has one scheduler (its jobs hold the file's one write lock), so this runs on PostgreSQL only.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { runCli, startCli, tempDir } from '../helpers/cli.js';
import { configStore } from '../helpers/config-store.js';

type LogLine = Record<string, any> & { event: string };
const logLines = (stderr: string): LogLine[] =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const OTHER = 'another scheduler on this database runs this tick';

describe.skipIf(!onPostgres)('two schedulers on one PostgreSQL database', () => {
  it('run each tick of a job once between them, and the scans they record verify', async () => {
    const { dir, cleanup } = tempDir('payrecon-e2e-shared-');
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'api.key'), 'one\n', { mode: 0o600 });
    const key = join(dir, 'hmac.key');
    writeFileSync(key, 'k'.repeat(32));
    chmodSync(key, 0o600);
    const db = join(dir, 'x.db');
    expect(runCli(['--db', db, 'baseline', 'init', 'keys', '--path', join(dir, 'secrets'), '--key-file', key]).code).toBe(0);
    writeFileSync(join(dir, 'secrets', 'api.key'), 'two\n', { mode: 0o600 });
    const config = join(dir, 'schedule.json');
    writeFileSync(config, JSON.stringify({ db: configStore(dir, 'x.db'), keyFile: 'hmac.key', jobs: [{ name: 'keys', cron: '* * * * * *', scan: { baselines: ['keys'] } }] }));

    const both = [0, 1].map(() => {
      const p = startCli(['schedule', '--config', config], { env: { PAYRECON_SHUTDOWN_GRACE_MS: '2000' } });
      cleanups.push(() => p.child.exitCode === null && p.child.kill('SIGKILL'));
      return p;
    });
    const lines = () => both.flatMap((p) => logLines(p.output().stderr));
    // Until both schedulers have competed for ticks (one left a tick to the other) and six ran.
    const deadline = Date.now() + 120_000;
    while (!(lines().filter((l) => l.event === 'run').length >= 6 && lines().some((l) => l.event === 'skipped' && l.reason === OTHER))) {
      for (const p of both) if (p.child.exitCode !== null) throw new Error(`a scheduler exited (${p.child.exitCode}):\n${p.output().stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for six runs and a contested tick:\n${both.map((p) => p.output().stderr).join('\n---\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const p of both) p.child.kill('SIGTERM');
    const results = await Promise.all(both.map((p) => p.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const logs = results.map((r) => logLines(r.stderr));
    const ran = logs.map((l) => l.filter((x) => x.event === 'run').map((x) => x.tick as string));
    const left = logs.map((l) => l.filter((x) => x.event === 'skipped' && x.reason === OTHER).map((x) => x.at as string));
    const all = [...ran[0], ...ran[1]];
    expect(all.every((t) => typeof t === 'string')).toBe(true);
    // No tick ran twice, on one scheduler or across both.
    expect(new Set(all).size).toBe(all.length);
    // A tick one scheduler left to the other was run by the other; at most the last one not,
    // when the signal to stop reached the other before it started the run.
    for (const [me, other] of [[0, 1], [1, 0]]) {
      const lost = left[me].filter((t) => !ran[other].includes(t));
      expect(lost.length).toBeLessThanOrEqual(1);
      if (lost.length) expect(logs[other].some((x) => x.event === 'skipped' && x.reason === 'shutting down')).toBe(true);
    }
    // One scan recorded per run, and the history the two wrote verifies as one chain.
    const h = openTestStore(db);
    try {
      expect(h.prepare('SELECT count(*) FROM scans').pluck().get()).toBe(all.length);
    } finally {
      h.close();
    }
    const v = runCli(['--db', db, 'scan', '--verify-history', 'keys', '--key-file', key]);
    expect(v.code, v.stderr).toBe(4);
  }, 180_000);
});
