// `npm run bench`: every benchmark in turn. Each prints its figures and its native baseline;
// none fails because a machine was slow. `npm run bench -- import reconcile` runs a subset.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ALL = ['import', 'reconcile', 'nightly', 'integrity', 'history', 'report', 'reconcile-json', 'alerts', 'bank', 'triage', 'watchers', 'tui'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = new URL(`./${name}.mjs`, import.meta.url).pathname;
  if (!existsSync(file)) {
    console.log(`\n== ${name}: no benchmark (bench/${name}.mjs missing)`);
    continue;
  }
  console.log(`\n== ${name} ==`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(bench/${name}.mjs exited ${r.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
