/**
 * SIGTERM while one large file is hashed: the scan stops between chunks of that file, exits
 * 130 and records nothing (no scan row, the baseline's chain unchanged). The signal is sent
 * once the CLI holds the big file open (seen in /proc), not after a fixed sleep.
 */
import { existsSync, readdirSync, readlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/backend.js';
import { startCli } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let env: IntegrityEnv;
afterEach(() => env?.cleanup());

/** Resolves when `pid` has `path` open; rejects after a generous deadline. */
async function whenOpen(pid: number, path: string, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === path) return;
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      throw new Error(`process ${pid} ended before it opened ${path}`);
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`process ${pid} did not open ${path} within ${deadlineMs} ms`);
}

describe.skipIf(!existsSync('/proc/self/fd'))('SIGTERM during hashing', () => {
  it('exits 130 with nothing recorded, while a single large file is being read', async () => {
    env = integrityEnv({ 'big.bin': 'small at first\n' });
    expect(env.run(['baseline', 'init', 'big', '--path', env.tree]).code).toBe(0);
    const big = join(env.tree, 'big.bin');
    // Sparse: 8 GiB costs no disk and takes many seconds to hash, so the signal lands mid-file.
    truncateSync(big, 8 * 2 ** 30);
    const scan = startCli(['--db', env.db, 'scan', 'big', '--json'], { cwd: env.dir, env: { PAYRECON_KEY_FILE: env.key, PAYRECON_HASH_WORKERS: '0' } });
    await whenOpen(scan.child.pid!, big);
    scan.child.kill('SIGTERM');
    const r = await scan.done;
    expect(r.code).toBe(130);
    // No scan document: with --json, only the error document of the interruption.
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 130, message: 'interrupted; nothing was written', hint: null } });
    const h = openTestStore(env.db);
    try {
      expect(h.prepare('SELECT count(*) FROM scans').pluck().get()).toBe(0);
      expect(h.prepare('SELECT last_scan_id FROM baselines').pluck().get()).toBeNull();
    } finally {
      h.close();
    }
  }, 120_000);
});
