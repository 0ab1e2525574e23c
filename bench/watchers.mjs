// How `payrecon watch` chose its file watcher (docs/benchmarks/watch.md). For each candidate:
// time to start watching a tree of 200 directories x 10 files, the delay from a write to its
// event (median and max of 40 writes, spread over the tree), whether a file created in a new
// subdirectory is seen, and the memory it adds. Candidates that are not installed are skipped:
// run it where chokidar and @parcel/watcher are installed (`npm i --no-save chokidar@4.0.3
// @parcel/watcher@2.6.0`) to compare all three. Figures only; nothing fails on a slow machine.
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const DIRS = 200;
const FILES = 10;
const WRITES = 40;

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'payrecon-watch-bench-'));
  for (let d = 0; d < DIRS; d++) {
    mkdirSync(join(root, `d${d}`));
    for (let f = 0; f < FILES; f++) writeFileSync(join(root, `d${d}`, `f${f}.conf`), 'x');
  }
  return root;
}

const candidates = {
  'fs.watch recursive': async (root, onEvent) => {
    const w = watch(root, { recursive: true }, (_t, name) => onEvent(name ? join(root, String(name)) : root));
    return () => w.close();
  },
  'chokidar 4': async (root, onEvent) => {
    const { watch: cwatch } = await import('chokidar');
    const w = cwatch(root, { followSymlinks: false, ignoreInitial: true, alwaysStat: false });
    await new Promise((r) => w.on('ready', r));
    w.on('all', (_e, p) => onEvent(p));
    return () => w.close();
  },
  '@parcel/watcher': async (root, onEvent) => {
    const pw = await import('@parcel/watcher');
    const sub = await pw.subscribe(root, (err, events) => {
      if (!err) for (const e of events) onEvent(e.path);
    });
    return () => sub.unsubscribe();
  },
};

async function measure(name, start) {
  const root = tree();
  const waiting = new Map();
  const onEvent = (p) => {
    const w = waiting.get(p);
    if (w) {
      waiting.delete(p);
      w();
    }
  };
  const seen = (p, ms = 5000) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const timer = setTimeout(() => (waiting.delete(p), resolve(undefined)), ms);
      waiting.set(p, () => (clearTimeout(timer), resolve(performance.now() - t0)));
    });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  let stop;
  try {
    stop = await start(root, onEvent);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    return { name, skipped: err.code === 'ERR_MODULE_NOT_FOUND' ? 'not installed' : err.message };
  }
  const setupMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 300)); // let a watcher that starts asynchronously settle
  const delays = [];
  let missed = 0;
  for (let i = 0; i < WRITES; i++) {
    const p = join(root, `d${(i * 37) % DIRS}`, `f${i % FILES}.conf`);
    const s = seen(p);
    writeFileSync(p, `changed ${i}`);
    const d = await s;
    if (d === undefined) missed++;
    else delays.push(d);
  }
  mkdirSync(join(root, 'new'));
  await new Promise((r) => setTimeout(r, 50));
  const fresh = join(root, 'new', 'secret.key');
  const sNew = seen(fresh);
  writeFileSync(fresh, 'k');
  const newDelay = await sNew;
  const rss = process.memoryUsage().rss - rss0;
  await stop();
  rmSync(root, { recursive: true, force: true });
  delays.sort((a, b) => a - b);
  return {
    name,
    setupMs: setupMs.toFixed(0),
    medianMs: delays.length ? delays[delays.length >> 1].toFixed(1) : '-',
    maxMs: delays.length ? delays[delays.length - 1].toFixed(1) : '-',
    missed,
    newSubdir: newDelay === undefined ? 'MISSED' : `${newDelay.toFixed(1)} ms`,
    rssMiB: (rss / 2 ** 20).toFixed(1),
  };
}

console.log(`tree: ${DIRS} directories x ${FILES} files; ${WRITES} writes; node ${process.version}`);
for (const [name, start] of Object.entries(candidates)) {
  const r = await measure(name, start);
  if (r.skipped) console.log(`${name.padEnd(20)} skipped: ${r.skipped}`);
  else console.log(`${name.padEnd(20)} start ${r.setupMs} ms, write->event median ${r.medianMs} ms max ${r.maxMs} ms, missed ${r.missed}/${WRITES}, file in a new directory: ${r.newSubdir}, +${r.rssMiB} MiB RSS`);
}

// The whole path as a user sees it: `payrecon watch` on a 200-file baseline, from a write to
// the finding printed (the scan of the baseline included).
{
  const { spawn, spawnSync } = await import('node:child_process');
  const { chmodSync } = await import('node:fs');
  const { loadavg } = await import('node:os');
  const BIN = new URL('../bin/payrecon', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'payrecon-watch-e2e-'));
  const key = join(dir, 'hmac.key');
  writeFileSync(key, 'k'.repeat(32));
  chmodSync(key, 0o600);
  const root = join(dir, 'tree');
  for (let d = 0; d < 20; d++) {
    mkdirSync(join(root, `d${d}`), { recursive: true });
    for (let f = 0; f < 10; f++) writeFileSync(join(root, `d${d}`, `f${f}.conf`), 'x');
  }
  const env = { ...process.env, PAYRECON_KEY_FILE: key, CI: '1' };
  const db = join(dir, 'payrecon.db');
  spawnSync(process.execPath, [BIN, '--db', db, 'baseline', 'init', 'b', '--path', root], { env });
  const p = spawn(process.execPath, [BIN, '--db', db, 'watch', 'b', '--rescan', '1h'], { env });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  const until = (cond) =>
    new Promise((resolve) => {
      const t = setInterval(() => cond() && (clearInterval(t), resolve()), 2);
    });
  await until(() => err.includes('"event":"run"'));
  const lat = [];
  for (let i = 0; i < 10; i++) {
    const f = join(root, `d${i}`, `f${i}.conf`);
    const t0 = performance.now();
    writeFileSync(f, `changed ${i}`);
    await until(() => out.includes(f));
    lat.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 300));
  }
  p.kill('SIGTERM');
  await new Promise((r) => p.on('close', r));
  rmSync(dir, { recursive: true, force: true });
  lat.sort((a, b) => a - b);
  console.log(`payrecon watch, 200-file baseline: write -> finding printed median ${lat[5].toFixed(0)} ms, max ${lat[9].toFixed(0)} ms (10 writes; load average ${loadavg()[0].toFixed(1)})`);
}
