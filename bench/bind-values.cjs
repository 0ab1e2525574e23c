// Issue 15 micro-benchmark (docs/benchmarks/import.md, "Session 5"): 1M rows of the transactions
// shape inserted with 18 bound values a row (`full`) or 14 (`lit`: import id, side, source as literals,
// the id left to SQLite). Run: node bench/bind-values.cjs full; node bench/bind-values.cjs lit
const D = require('better-sqlite3');
const N = 1_000_000;
const rows = [];
for (let i = 0; i < N; i++) rows.push({ id: i + 1, imp: 1, side: 'psp', source: 'stripe', ext: 'txn_' + (1e9 + i).toString(36) + 'abcdEFGH', ref: 'ord-' + i, psp: 'ch_' + i + 'xyzXYZ', type: 'charge', cur: 'EUR', amt: BigInt(1000 + (i % 99999)), fee: BigInt(30 + i % 7), net: BigInt(970 + (i % 99999)), scur: 'EUR', rate: null, at: '2026-01-0' + (1 + i % 9) + 'T12:34:56.000Z', payout: 'po_' + (i >> 10), desc: 'Payment for order ' + i, line: i + 2 });
const ddl = `CREATE TABLE transactions (id INTEGER PRIMARY KEY, import_id INTEGER, side TEXT, source TEXT, external_id TEXT, reference TEXT, psp_reference TEXT, type TEXT, currency TEXT, amount_minor INTEGER, fee_minor INTEGER, net_minor INTEGER, settlement_currency TEXT, exchange_rate TEXT, booked_at TEXT, payout_id TEXT, description TEXT, line INTEGER, raw TEXT)`;
const cols = `INSERT INTO transactions (id, import_id, side, source, external_id, reference, psp_reference, type, currency, amount_minor, fee_minor, net_minor, settlement_currency, exchange_rate, booked_at, payout_id, description, line) `;
function open(name) { require('fs').rmSync(name, { force: true }); require('fs').rmSync(name + '-wal', { force: true }); const d = new D(name); d.pragma('journal_mode=WAL'); d.pragma('page_size=16384'); d.exec(ddl); return d; }
function cpu() { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; }
const mode = process.argv[2]; const B = 50;
const d = open(require('os').tmpdir() + '/payrecon-bind-values.db');
let st, per;
if (mode === 'full') { per = 18; st = d.prepare(cols + 'VALUES ' + new Array(B).fill('(' + new Array(18).fill('?').join(',') + ')').join(',')); }
else { per = 14; st = d.prepare(cols.replace('(id, ', '(') + 'VALUES ' + Array.from({ length: B }, (_, k) => `(1, 'psp', 'stripe', ` + new Array(14).fill('?').join(',') + ')').join(',')); }
const p = new Array(B * per + 1);
const t0 = performance.now(), c0 = cpu();
d.transaction(() => { for (let i = 0; i < N; i += B) {
  let o = 0;
  
  for (let k = 0; k < B; k++) { const r = rows[i + k];
    if (mode === 'full') { p[o++]=r.id;p[o++]=r.imp;p[o++]=r.side;p[o++]=r.source; }
    p[o++]=r.ext;p[o++]=r.ref;p[o++]=r.psp;p[o++]=r.type;p[o++]=r.cur;p[o++]=r.amt;p[o++]=r.fee;p[o++]=r.net;p[o++]=r.scur;p[o++]=r.rate;p[o++]=r.at;p[o++]=r.payout;p[o++]=r.desc;p[o++]=r.line; }
  if (mode === 'full') st.run(p.slice(0, B * 18)); else st.run(p.slice(0, o));
} })();
console.log(mode, ((performance.now() - t0) / 1000).toFixed(2), 'cpu', (cpu() - c0).toFixed(2), d.prepare('select count(*), sum(amount_minor), max(id) from transactions').raw().get());
