// Shared by the benchmarks: time a command, read its CPU time and peak RSS with GNU time, note
// the machine's load, and print/record a summary of targets met.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HAS_GNU_TIME = existsSync('/usr/bin/time');
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, 'bench', 'out');
export const HAS_SQLITE3 = spawnSync('sqlite3', ['-version']).status === 0;

let seq = 0;
/**
 * Run argv, return { seconds, cpu, maxRssMB, load, code, stdout, stderr }: wall seconds, CPU
 * seconds (user + sys: on a shared, busy machine wall time swings with the load, CPU time much
 * less), peak RSS of the process tree's largest member, and the 1-minute load average when it
 * started.
 */
export function measure(argv, opts = {}) {
  const statFile = join(tmpdir(), `payrecon-bench-${process.pid}-${seq++}.time`);
  const cmd = HAS_GNU_TIME ? ['/usr/bin/time', '-o', statFile, '-f', '%e %U %S %M', ...argv] : argv;
  const load = loadavg()[0];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = NaN;
  let maxRssMB = NaN;
  if (HAS_GNU_TIME && existsSync(statFile)) {
    const [, user, sys, kb] = readFileSync(statFile, 'utf8').trim().split(/\s+/).slice(-4);
    cpu = Number(user) + Number(sys);
    maxRssMB = Number(kb) / 1024;
    rmSync(statFile, { force: true });
  }
  return { seconds, cpu, maxRssMB, load, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function fmt(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** "1.23x" or "n/a". */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a';
}

/** The load average now, as `uptime` prints it. */
export function loadNow() {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

/** Print rows as an aligned table. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const r of rows) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
}

export function removeDb(path) {
  for (const f of [path, path + '-wal', path + '-shm']) rmSync(f, { force: true });
}

/** yes / no / n/a (not measured) for a target. */
export const met = (ok) => (ok === null || ok === undefined ? 'n/a' : ok ? 'yes' : 'NO');

/**
 * Print a benchmark's summary (rows of [what, figure, target, met]) and record it in
 * bench/out/summary/<name>.json, which `npm run bench` gathers into one table at the end.
 * A figure that misses its target is reported, never a failure: machines differ.
 */
export function summary(name, rows) {
  console.log(`\nsummary: ${name} (load average ${loadNow()})`);
  table([['what', 'figure', 'target', 'met'], ...rows]);
  const dir = join(OUT, 'summary');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), load: loadNow(), rows }, null, 1) + '\n');
}

/** A seeded PRNG (mulberry32): the generators write the same data for the same seed. */
export function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Minor units (an integer number) as decimal text with `exp` decimals, without floats. */
export function decimalText(minor, exp = 2) {
  const neg = minor < 0;
  const s = String(Math.abs(minor)).padStart(exp + 1, '0');
  const out = exp ? `${s.slice(0, -exp)}.${s.slice(-exp)}` : s;
  return neg ? '-' + out : out;
}
