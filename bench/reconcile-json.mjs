// `payrecon reconcile --json` of real runs with many discrepancies, printed through a pipe (as
// in CI: `| jq`), where a writer that does not wait for the reader queues the whole document
// in memory. Each case imports a generated Stripe report (bench/generate.mjs) against only the
// first rows of its ledger, so nearly every PSP row is missing_in_ledger:
//
//   200,000 Stripe rows against 60,000 ledger rows   -> about 140,000 discrepancies
//   1,000,000 Stripe rows against 1 ledger row        -> about 1,000,000 discrepancies
//
// The imports are done once into a template database per case that each measurement copies (a
// reconcile writes). The printed document is checked without ever holding it: its head is
// parsed, its items counted line by line against the head's count, and its tail checked.
//
//   npm run build && node bench/reconcile-json.mjs [140k|1m ...] [--repeat=N]
//
// Data lives under bench/out/ (gitignored). Never fails because a machine is slow.
import { spawnSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { HAS_GNU_TIME, fmt, measure, table } from './lib.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'payrecon');
const CASES = {
  '140k': { pspRows: 200_000, ledgerRows: 60_000 },
  '1m': { pspRows: 1_000_000, ledgerRows: 1 },
};
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const wanted = names.length ? names : Object.keys(CASES);
const repeat = Number(process.argv.find((a) => a.startsWith('--repeat='))?.slice(9) ?? 1);
const env = { ...process.env, CI: '1', NO_COLOR: '1' };

async function template(name, { pspRows, ledgerRows }) {
  const dir = join(ROOT, 'bench', 'out', `recon-${pspRows}`);
  if (!existsSync(join(dir, 'stripe.csv'))) {
    const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), dir, String(pspRows)], { stdio: 'inherit' });
    if (g.status !== 0) throw new Error(`bench/generate.mjs exited ${g.status}`);
  }
  const work = join(ROOT, 'bench', 'out', 'reconcile-json', name);
  mkdirSync(work, { recursive: true });
  const db = join(work, 'imported.db');
  if (existsSync(db)) return { work, db };
  const lines = readFileSync(join(dir, 'ledger.csv'), 'utf8').split('\n');
  writeFileSync(join(work, 'ledger.csv'), lines.slice(0, ledgerRows + 1).join('\n') + '\n');
  const building = db + '.part';
  for (const args of [['import', 'psp', join(dir, 'stripe.csv')], ['import', 'ledger', join(work, 'ledger.csv')]]) {
    const r = spawnSync(process.execPath, [BIN, '--db', building, ...args], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`payrecon ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  // One file, no -wal beside it, so a copy of it is the whole database.
  const { default: Database } = await import(pathToFileURL(join(ROOT, 'node_modules/better-sqlite3/lib/index.js')).href);
  const conn = new Database(building);
  conn.pragma('wal_checkpoint(TRUNCATE)');
  conn.close();
  for (const s of ['-wal', '-shm']) rmSync(building + s, { force: true });
  copyFileSync(building, db);
  rmSync(building);
  return { work, db };
}

/** The printed document, read as a stream: its head, how many items, and whether it closes. */
async function checkDocument(file) {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let head = '';
  let inHead = true;
  let items = 0;
  let last = '';
  for await (const line of rl) {
    if (inHead) {
      if (line === '  "discrepancies": [' || line === '  "discrepancies": []') {
        inHead = false;
        continue;
      }
      head += line + '\n';
    } else if (line === '    {') items++;
    last = line;
  }
  const header = JSON.parse(head.replace(/,\n$/, '\n}'));
  return { header, items, closed: last === '}' };
}

const rows = [['what', 'wall s', 'peak RSS MB', 'output MB', 'items']];
for (const name of wanted) {
  const spec = CASES[name];
  if (!spec) {
    console.error(`unknown case ${name}: one of ${Object.keys(CASES).join(', ')}`);
    process.exit(16);
  }
  const t0 = performance.now();
  const { work, db: tpl } = await template(name, spec);
  const setup = (performance.now() - t0) / 1000;
  if (setup > 1) console.log(`${name}: imported ${spec.pspRows} PSP rows and ${spec.ledgerRows} ledger rows in ${fmt(setup)} s`);
  for (let i = 0; i < repeat; i++) {
    const db = join(work, 'run.db');
    for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
    copyFileSync(tpl, db);
    const out = join(work, 'out.json');
    // GNU time reports the largest process of the pipeline: payrecon, not cat.
    const r = measure(['sh', '-c', `"$0" "$1" --db "$2" reconcile --json | cat > "$3"`, process.execPath, BIN, db, out], { env });
    if (r.code === null || r.code >= 16) {
      console.error(`reconcile exited ${r.code}: ${r.stderr}`);
      process.exit(1);
    }
    const doc = await checkDocument(out);
    const ok = doc.closed && doc.items === doc.header.counts.discrepancies;
    if (!ok) console.error(`${name}: the document is cut or miscounted: ${doc.items} items, head says ${doc.header.counts.discrepancies}, closed: ${doc.closed}`);
    rows.push([`payrecon reconcile --json | cat (${name})`, fmt(r.seconds), fmt(r.maxRssMB, 0), fmt(statSync(out).size / 1e6, 1), `${doc.items.toLocaleString('en-US')}${ok ? '' : ' (BAD)'}`]);
    rmSync(out);
  }
}
console.log('');
table(rows);
if (!HAS_GNU_TIME) console.log('(peak RSS needs /usr/bin/time)');
