// `npm run bench`: every benchmark in turn. Each prints its figures and its native baseline;
// none fails because a machine was slow. `npm run bench -- import reconcile` runs a subset.
// At the end, one table of every target with its figure and whether it was met (gathered from
// bench/out/summary/, which each benchmark writes), with the load average beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadNow, OUT, table } from './lib.mjs';

const ALL = ['import', 'reconcile', 'nightly', 'integrity', 'history', 'report', 'reconcile-json', 'alerts', 'bank', 'triage', 'watchers', 'tui', 'postgres'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const summaries = join(OUT, 'summary');
rmSync(summaries, { recursive: true, force: true });
let failed = 0;
const started = new Date();
console.log(`bench started ${started.toISOString()}, load average ${loadNow()}`);
for (const name of wanted) {
  const file = new URL(`./${name}.mjs`, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`\n== ${name}: no benchmark (bench/${name}.mjs missing)`);
    continue;
  }
  console.log(`\n== ${name} == (load average ${loadNow()})`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(bench/${name}.mjs exited ${r.status})`);
  }
}
if (existsSync(summaries)) {
  const rows = [];
  for (const f of readdirSync(summaries).sort()) {
    const s = JSON.parse(readFileSync(join(summaries, f), 'utf8'));
    for (const r of s.rows) rows.push([s.name, ...r, s.load]);
  }
  if (rows.length) {
    console.log(`\n== summary of targets (${started.toISOString()} to ${new Date().toISOString()}; load average now ${loadNow()})`);
    table([['bench', 'what', 'figure', 'target', 'met', 'load at the end'], ...rows]);
  }
}
process.exitCode = failed ? 1 : 0;
