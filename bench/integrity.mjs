// Integrity benchmark (run after `npm run build`): a tree of 20,000 files of 1-8 KiB plus 10
// files of 50 MiB under bench/out/integrity/, then `payrecon baseline init` and a clean
// `payrecon scan` side by side with `sha256sum` over the same files (two processes via
// xargs -P2) and, when installed, `aide --init` / `aide --check`. Every tool runs on a warm page
// cache; each figure is the median of RUNS runs. Prints figures; never fails on slowness.
//   node bench/integrity.mjs            (BENCH_SMALL=20000 BENCH_BIG=10 BENCH_BIG_MIB=50 RUNS=3)
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { fmt, table } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'payrecon');
const OUT = join(ROOT, 'bench', 'out', 'integrity');
const TREE = join(OUT, 'tree');
const SMALL = Number(process.env.BENCH_SMALL ?? 20000);
const BIG = Number(process.env.BENCH_BIG ?? 10);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 50);
const RUNS = Number(process.env.RUNS ?? 3);

function buildTree() {
  const stamp = join(OUT, 'tree.json');
  const want = JSON.stringify({ SMALL, BIG, BIG_MIB });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return;
  rmSync(OUT, { recursive: true, force: true });
  const buf = Buffer.alloc(8192);
  for (let i = 0; i < SMALL; i++) {
    const dir = join(TREE, `d${String(i % 200).padStart(3, '0')}`);
    if (i < 200) mkdirSync(dir, { recursive: true });
    const size = 1024 + ((i * 7919) % (7 * 1024 + 1)); // 1-8 KiB, spread evenly
    randomFillSync(buf, 0, size);
    writeFileSync(join(dir, `f${i}.conf`), buf.subarray(0, size));
  }
  const big = Buffer.alloc(BIG_MIB << 20);
  mkdirSync(join(TREE, 'big'), { recursive: true });
  for (let i = 0; i < BIG; i++) {
    randomFillSync(big);
    writeFileSync(join(TREE, 'big', `blob${i}.bin`), big);
  }
  writeFileSync(stamp, want);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const HAS_TIME = existsSync('/usr/bin/time');

/** Wall seconds, CPU seconds (user+sys of the whole process tree) and peak RSS of one run. */
function measureOnce(argv, opts) {
  const statFile = join(OUT, 'time.out');
  const cmd = HAS_TIME ? ['/usr/bin/time', '-o', statFile, '-f', '%U %S %M', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = NaN;
  let rss = NaN;
  if (HAS_TIME && existsSync(statFile)) {
    const [u, s, kb] = readFileSync(statFile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
    cpu = u + s;
    rss = kb / 1024;
  }
  return { seconds, cpu, rss, code: r.status, stderr: r.stderr };
}

// The machine may be shared: CPU time (user+sys) is reported beside wall time, and the median
// of RUNS runs is taken for both.
function timeRuns(label, prepare, argv, okCodes = [0], opts = {}) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    prepare?.();
    const r = measureOnce(argv, opts);
    if (!okCodes.includes(r.code)) {
      console.log(`${label}: exit ${r.code}\n${r.stderr.slice(0, 2000)}`);
      return { seconds: NaN, cpu: NaN, rss: NaN };
    }
    runs.push(r);
  }
  return { seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpu)), rss: median(runs.map((r) => r.rss)) };
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

buildTree();
const key = join(OUT, 'bench.key');
if (!existsSync(key)) {
  writeFileSync(key, randomFillSync(Buffer.alloc(32)));
  chmodSync(key, 0o600);
}
const db = join(OUT, 'bench.db');
const dropDb = () => ['', '-wal', '-shm'].forEach((s) => rmSync(db + s, { force: true }));
const env = { ...process.env, CI: '1', NO_COLOR: '1', PAYRECON_KEY_FILE: key };
const totalMiB = (SMALL * 4.5 * 1024 + BIG * (BIG_MIB << 20)) / (1 << 20);
console.log(`tree: ${SMALL} files of 1-8 KiB + ${BIG} files of ${BIG_MIB} MiB (~${fmt(totalMiB, 0)} MiB) in ${TREE}`);

// Warm the page cache once, so every tool below reads from memory.
spawnSync('sh', ['-c', `find "${TREE}" -type f -print0 | xargs -0 cat > /dev/null`]);

const sha = timeRuns('sha256sum', null, ['sh', '-c', `find "${TREE}" -type f -print0 | xargs -0 -P2 -n 1000 sha256sum > /dev/null`]);
const init = timeRuns('payrecon baseline init', dropDb, [process.execPath, BIN, '--db', db, '--quiet', 'baseline', 'init', 'bench', '--path', TREE], [0], { env });
const scan = timeRuns('payrecon scan', null, [process.execPath, BIN, '--db', db, '--json', 'scan', 'bench'], [0], { env });
const scan1 = timeRuns('payrecon scan (one thread)', null, [process.execPath, BIN, '--db', db, '--json', 'scan', 'bench'], [0], {
  env: { ...env, PAYRECON_HASH_WORKERS: '0' },
});
// The cost of reading extended attributes, ACLs and capabilities (issue 18): the same scan of
// a baseline that does not record them.
spawnSync(process.execPath, [BIN, '--db', db, '--quiet', 'baseline', 'init', 'bench-noxattr', '--path', TREE, '--attributes', 'everything,-xattrs,-acl'], { env });
const scanNoX = timeRuns('payrecon scan (no xattrs/ACLs)', null, [process.execPath, BIN, '--db', db, '--json', 'scan', 'bench-noxattr'], [0], { env });

let aideInit = { seconds: NaN };
let aideCheck = { seconds: NaN };
if (has('aide')) {
  const conf = join(OUT, 'aide.conf');
  writeFileSync(
    conf,
    [
      `database_in=file:${join(OUT, 'aide.db')}`,
      `database_out=file:${join(OUT, 'aide.db.new')}`,
      'gzip_dbout=no',
      'report_url=stdout',
      `${TREE} p+i+n+u+g+s+m+c+acl+xattrs+sha256`,
      '',
    ].join('\n'),
  );
  aideInit = timeRuns('aide --init', null, ['aide', '--init', `--config=${conf}`]);
  spawnSync('mv', [join(OUT, 'aide.db.new'), join(OUT, 'aide.db')]);
  aideCheck = timeRuns('aide --check', null, ['aide', '--check', `--config=${conf}`]);
} else {
  console.log('aide: not installed (Debian package "aide"); AIDE comparison skipped');
}

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${fmt(a / b)}x` : 'n/a');
const row = (name, m, aide) => [name, fmt(m.seconds), fmt(m.cpu), fmt(m.rss, 0), ratio(m.seconds, sha.seconds), aide ? ratio(m.seconds, aide.seconds) : ''];
console.log(`\nmedian of ${RUNS} runs, warm page cache, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
table([
  ['tool', 'wall s', 'cpu s', 'RSS MiB', 'wall vs sha256sum -P2', 'wall vs aide'],
  row('sha256sum (xargs -P2)', sha),
  row('aide --init', aideInit),
  row('aide --check', aideCheck),
  row('payrecon baseline init', init, aideInit),
  row('payrecon scan (clean)', scan, aideCheck),
  row('payrecon scan (one thread)', scan1, aideCheck),
  row('payrecon scan, no xattrs/ACLs', scanNoX, aideCheck),
]);
console.log(
  `\ntargets: clean scan <= 0.60x sha256sum (now ${ratio(scan.seconds, sha.seconds)}) and <= 0.30x aide --check (now ${ratio(scan.seconds, aideCheck.seconds)})`,
);
