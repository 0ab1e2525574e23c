/**
 * A scan that overlaps a `baseline update` must not record its findings against the generation
 * the update replaced. Run in-process so the update can be committed mid-scan, at the point
 * where the scan pauses between hashing batches.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKey } from '../../src/checksums/key-file.js';
import { scanBaselines } from '../../src/operations/scan.js';
import { createContext, type CommandContext } from '../../src/context.js';
import { findBaseline, readEntries } from '../../src/db/integrity.js';
import { replaceEntries } from '../../src/operations/integrity-store.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
let ctx: CommandContext;
beforeEach(() => {
  t = integrityEnv();
  // Enough files for the scan to pause (and call checkInterrupted) between hashing batches.
  mkdirSync(join(t.tree, 'many'));
  for (let i = 0; i < 600; i++) writeFileSync(join(t.tree, 'many', `f${i}.conf`), `${i}\n`, { mode: 0o600 });
  expect(t.run(['baseline', 'init', 'conf', '--path', t.tree]).code).toBe(0);
  const sink = new PassThrough();
  ctx = createContext({ global: { db: t.db, quiet: true }, env: { PAYRECON_KEY_FILE: t.key, PAYRECON_HASH_WORKERS: '0', CI: '1' }, cwd: t.dir, stdout: sink, stderr: sink });
});
afterEach(() => {
  ctx.close();
  t.cleanup();
});

/** Commit what `baseline update` would, the first time the scan pauses. */
function updateDuringScan(): void {
  let done = false;
  ctx.checkInterrupted = () => {
    if (done) return;
    done = true;
    const db = ctx.db();
    const key = loadKey(undefined, ctx.env, ctx.cwd);
    db.transaction(() => {
      const head = findBaseline(db, 'conf')!;
      replaceEntries(db, key, head, readEntries(db, head.id).map((e) => e.record), new Date().toISOString());
    })();
  };
}

describe('a scan overlapping a baseline update', () => {
  it('records nothing and says the baseline was updated meanwhile (exit 19)', async () => {
    updateDuringScan();
    await expect(scanBaselines(ctx, { names: ['conf'] })).rejects.toMatchObject({
      message: expect.stringMatching(/baseline "conf" was updated \(generation 1 -> 2\) while it was being scanned/),
      exitCode: 19,
    });
    expect(ctx.db().prepare('SELECT count(*) AS n FROM scans').get()).toEqual({ n: 0 });
  });

  it('without an update, the same scan is recorded against the generation it compared', async () => {
    const { exitCode, scans } = await scanBaselines(ctx, { names: ['conf'] });
    expect(exitCode).toBe(0);
    expect(scans).toHaveLength(1);
    expect(ctx.db().prepare('SELECT generation FROM scans').all()).toEqual([{ generation: 1 }]);
  });
});
