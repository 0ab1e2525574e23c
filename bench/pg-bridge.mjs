// The synchronous PostgreSQL facade's costs (src/db/pg/): a trivial round trip through the
// worker bridge, a 1M-row COPY, and iterate's throughput through its cursor. Needs a server:
// PAYRECON_PG_URL=postgres://user:pw@host:port/db node bench/pg-bridge.mjs (run `npm run build`
// first). Prints figures; never fails because a machine was slow.
import pg from 'pg';
import { PgDatabase } from '../dist/db/pg/database.js';
import { redactUrl } from '../dist/db/pg/url.js';
import { loadNow } from './lib.mjs';

const url = process.env.PAYRECON_PG_URL;
if (!url) {
  console.log('pg-bridge: skipped, set PAYRECON_PG_URL to a PostgreSQL server to measure');
  process.exit(0);
}
const db = new PgDatabase(url);
console.log(`server ${redactUrl(url)}, load average ${loadNow()}`);

// 1. Round trip: SELECT 1 through main thread -> worker -> server -> worker -> main.
const one = db.prepare('SELECT 1 AS one').pluck();
for (let i = 0; i < 500; i++) one.get();
const times = [];
for (let i = 0; i < 10_000; i++) {
  const t = process.hrtime.bigint();
  one.get();
  times.push(Number(process.hrtime.bigint() - t) / 1000);
}
times.sort((a, b) => a - b);
console.log(`SELECT 1 round trip over 10k calls: median ${times[5000].toFixed(0)} µs, p90 ${times[9000].toFixed(0)} µs, p99 ${times[9900].toFixed(0)} µs`);

// Baseline: the same statement with pg's own async client on this thread (the network and server share).
const native = new pg.Client({ connectionString: url });
await native.connect();
const nt = [];
for (let i = 0; i < 10_500; i++) {
  const t = process.hrtime.bigint();
  await native.query({ text: 'SELECT 1 AS one', values: [], queryMode: 'extended', rowMode: 'array' });
  if (i >= 500) nt.push(Number(process.hrtime.bigint() - t) / 1000);
}
await native.end();
nt.sort((a, b) => a - b);
console.log(`native baseline (pg async, same thread): median ${nt[5000].toFixed(0)} µs, p90 ${nt[9000].toFixed(0)} µs`);

// 2. COPY 1M rows (id, bigint minor units, short text), chunks of 1000 rows.
db.exec('DROP TABLE IF EXISTS bench_copy; CREATE UNLOGGED TABLE bench_copy (id int, minor bigint, note text)');
function* rows(n) {
  for (let i = 0; i < n; i += 1000) {
    let s = '';
    for (let j = i; j < Math.min(n, i + 1000); j++) s += `${j}\t${j * 137}\tsettlement line ${j}\n`;
    yield s;
  }
}
let t = performance.now();
const copied = db.copyFrom('COPY bench_copy FROM STDIN', rows(1_000_000));
let ms = performance.now() - t;
console.log(`COPY ${copied} rows: ${(ms / 1000).toFixed(2)} s (${Math.round(copied / (ms / 1000)).toLocaleString('en')} rows/s)`);

// 3. iterate: outside a transaction (WITH HOLD cursor) and inside one, plus all() for scale.
const sel = db.prepare('SELECT id, minor, note FROM bench_copy').safeIntegers();
for (const [label, run] of [
  ['iterate outside a transaction (WITH HOLD)', () => { let n = 0; for (const _ of sel.iterate()) n++; return n; }],
  ['iterate inside a transaction', () => db.transaction(() => { let n = 0; for (const _ of sel.iterate()) n++; return n; })()],
  ['all()', () => sel.all().length],
]) {
  t = performance.now();
  const n = run();
  ms = performance.now() - t;
  console.log(`${label}: ${n} rows in ${(ms / 1000).toFixed(2)} s (${Math.round(n / (ms / 1000)).toLocaleString('en')} rows/s)`);
}
db.exec('DROP TABLE bench_copy');
db.close();
