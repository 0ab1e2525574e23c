// Triage benchmark (issue 11): bulk `resolve` of N items and a N-row `resolve --from-file`,
// each against `reconcile` over the same data (the target: within 3x of it). The data is N
// ledger entries no PSP row explains, so one reconcile opens N missing_in_psp items.
//
//   npm run build && node bench/triage.mjs [items=100000]
//
// Figures are printed, never asserted: the machine is shared.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fmt, measure, table } from './lib.mjs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const N = Number(process.argv[2] ?? 100_000);
const dir = join(ROOT, 'bench', 'out', `triage-${N}`);
mkdirSync(dir, { recursive: true });
const ledger = join(dir, 'ledger.csv');
const lines = ['entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description'];
for (let i = 0; i < N; i++) {
  const day = String(1 + (i % 28)).padStart(2, '0');
  // Distinct amounts per day, so amount + date proposes nothing and every entry is an item.
  lines.push(`L-${i},2025-03-${day},ORD-${i},,charge,${(1000 + i) / 100},EUR,,bench`);
}
writeFileSync(ledger, lines.join('\n') + '\n');

const db = join(dir, 'payrecon.db');
for (const f of [db, db + '-wal', db + '-shm']) rmSync(f, { force: true });
const env = { ...process.env, CI: '1', NO_COLOR: '1' };
const BIN = join(ROOT, 'bin', 'payrecon');
const run = (...args) => measure([process.execPath, BIN, '--db', db, ...args], { env });
const must = (name, r, code = 0) => {
  if (r.code !== code) {
    console.error(`${name} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
    process.exit(1);
  }
  return r;
};

must('import', run('--json', 'import', 'ledger', ledger));
const recon = must('reconcile', run('--json', 'reconcile'), 2);
const bulk = must('bulk resolve', run('--json', 'resolve', '--kind', 'missing_in_psp', '--status', 'acknowledged', '--note', 'bench: asked the shop', '--yes'));
const acked = JSON.parse(bulk.stdout).count;

const sheet = join(dir, 'queue.csv');
const out = must('discrepancies --out', run('discrepancies', '--status', 'live', '--out', sheet));
// Edit every row the way a script would: resolve with a note.
const text = readFileSync(sheet, 'utf8').split('\r\n');
const header = text[0].replace(/^\uFEFF/, '').split(',');
const at = header.indexOf('status');
const edited = text.map((l, i) => {
  if (i === 0 || !l) return l;
  // The last four columns are status,reason,note,assignee (empty but status here).
  const cut = l.lastIndexOf(',acknowledged,');
  return cut < 0 ? l : l.slice(0, cut) + ',resolved,,bench: booked,' + l.slice(l.lastIndexOf(',') + 1);
});
writeFileSync(sheet, edited.join('\r\n'));
const file = must('resolve --from-file', run('--json', 'resolve', '--from-file', sheet));
const applied = JSON.parse(file.stdout).applied.length;
const verify = must('audit verify', run('audit', 'verify'));

console.log(`${N.toLocaleString('en-US')} items (status column ${at}); acknowledged in bulk: ${acked}; applied from the file: ${applied}`);
table([
  ['step', 'wall s', 'peak RSS MB', 'x reconcile'],
  ['reconcile', fmt(recon.seconds), fmt(recon.maxRssMB, 0), '1.00'],
  ['resolve --kind ... --yes (bulk)', fmt(bulk.seconds), fmt(bulk.maxRssMB, 0), fmt(bulk.seconds / recon.seconds)],
  ['discrepancies --out', fmt(out.seconds), fmt(out.maxRssMB, 0), fmt(out.seconds / recon.seconds)],
  ['resolve --from-file', fmt(file.seconds), fmt(file.maxRssMB, 0), fmt(file.seconds / recon.seconds)],
  ['audit verify', fmt(verify.seconds), fmt(verify.maxRssMB, 0), fmt(verify.seconds / recon.seconds)],
]);
