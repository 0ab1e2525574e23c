// Shared by the benchmarks: time a command and read its peak RSS with GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAS_GNU_TIME = existsSync('/usr/bin/time');

/** Run argv, return { seconds, maxRssMB, code, stdout, stderr }. Wall time; peak RSS of the process tree's largest member. */
export function measure(argv, opts = {}) {
  const statFile = join(tmpdir(), `payrecon-bench-${process.pid}-${Date.now()}.time`);
  const cmd = HAS_GNU_TIME ? ['/usr/bin/time', '-o', statFile, '-f', '%e %M', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, ...opts });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let maxRssMB = NaN;
  if (HAS_GNU_TIME && existsSync(statFile)) {
    const [, kb] = readFileSync(statFile, 'utf8').trim().split(/\s+/).slice(-2);
    maxRssMB = Number(kb) / 1024;
    rmSync(statFile, { force: true });
  }
  return { seconds: wall, maxRssMB, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function fmt(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Print rows as an aligned table. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
}
