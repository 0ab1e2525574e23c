// Generate a Stripe itemized balance-change report and a canonical ledger CSV of N rows each,
// with about 1% planted faults, plus planted.json listing every fault the reconcile must find.
//
//   node bench/generate.mjs <dir> [rows=1000000] [seed=42] [days=31]
//
// Rows are spread evenly over `days` days from 2025-03-01 (bench/nightly.mjs asks for ~300
// days of 10,000 rows for its history).
// Deterministic for a given (rows, seed). Faults: missing_in_ledger, missing_in_psp,
// amount_mismatch, currency_mismatch, duplicate, date_out_of_window (late booking). Daily
// payout rows that add up, booked in the ledger by payout id. Amounts of rows planted as
// missing on either side come from disjoint ranges, so no amount-only match can pair them.
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decimalText, mulberry32 } from './lib.mjs';

const [dir, rowsArg = '1000000', seedArg = '42', daysArg = '31'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/generate.mjs <dir> [rows=1000000] [seed=42] [days=31]');
  process.exit(16);
}
const N = Number(rowsArg);
mkdirSync(dir, { recursive: true });

const rnd = mulberry32(Number(seedArg));
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

const fmt = decimalText;
const EXP = { usd: 2, eur: 2, gbp: 2, jpy: 0 };
const pickCurrency = () => {
  const r = rnd();
  return r < 0.7 ? 'usd' : r < 0.9 ? 'eur' : r < 0.98 ? 'gbp' : 'jpy';
};

const START = Date.UTC(2025, 2, 1);
const days = Number(daysArg);
const SPAN = days * 86_400_000 - 1000;
const iso = (t) => new Date(t).toISOString().slice(0, 19).replace('T', ' ');
const dayOf = (t) => new Date(t).toISOString().slice(0, 10);

// Fault plan, per 1000 rows: 3 missing in ledger; 1.5 missing at PSP and 1.5 duplicates (so the
// ledger also has N rows); 2 amount, 1 currency, 1.5 late.
const RATE = { missing_in_ledger: 0.003, amount_mismatch: 0.002, currency_mismatch: 0.001, date_out_of_window: 0.0015, duplicate: 0.0015 };

const stripe = createWriteStream(join(dir, 'stripe.csv'));
const ledger = createWriteStream(join(dir, 'ledger.csv'));
stripe.write('balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id,payment_metadata[order_id]\n');
ledger.write('entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description\n');

const planted = [];
let sBuf = [];
let lBuf = [];
let pspRows = 0;
let ledgerRows = 0;
let missingPsp = 0;
let lastDay = null;
const payoutNet = new Map(); // `${day}:${currency}` -> net minor
const flushIfNeeded = async (force = false) => {
  if (sBuf.length >= 5000 || force) {
    if (!stripe.write(sBuf.join(''))) await new Promise((r) => stripe.once('drain', r));
    sBuf = [];
  }
  if (lBuf.length >= 5000 || force) {
    if (!ledger.write(lBuf.join(''))) await new Promise((r) => ledger.once('drain', r));
    lBuf = [];
  }
};

const payoutRowsPerDay = 4; // one per currency
const chargeRows = N - days * payoutRowsPerDay;

function closeDay(day) {
  for (const cur of Object.keys(EXP)) {
    const net = payoutNet.get(`${day}:${cur}`) ?? 0;
    const id = `po_${day.replaceAll('-', '')}${cur}`;
    const t = Date.parse(day + 'T23:59:00Z');
    sBuf.push(`txn_${id},${iso(t)},${iso(t)},${cur},${fmt(-net, EXP[cur])},0,${fmt(-net, EXP[cur])},payout,${id},STRIPE PAYOUT,${id},\n`);
    lBuf.push(`LP-${id},${day},,${id},payout,${fmt(-net, EXP[cur])},${cur.toUpperCase()},,payout ${id}\n`);
    pspRows++;
    ledgerRows++;
  }
}

for (let i = 0; i < chargeRows; i++) {
  const t = START + Math.floor((i / chargeRows) * SPAN);
  const day = dayOf(t);
  if (lastDay && day !== lastDay) closeDay(lastDay);
  lastDay = day;
  const cur = pickCurrency();
  const exp = EXP[cur];
  const refund = rnd() < 0.05;
  // Charges 1.00-9999.99 (JPY 100-999999); missing-at-PSP rows use 10000.00+ (see below).
  let gross = exp ? int(100, 999_999) : int(100, 999_999);
  let fee = refund ? 0 : Math.round(gross * 0.029) + (exp ? 30 : 0);
  if (refund) gross = -Math.min(gross, exp ? 50_000 : 50_000);
  const net = gross - fee;
  const txn = `txn_${String(i).padStart(8, '0')}`;
  const ch = `${refund ? 're' : 'ch'}_${String(i).padStart(8, '0')}`;
  const order = `ORD-${i}`;
  const po = `po_${day.replaceAll('-', '')}${cur}`;
  const category = refund ? 'refund' : 'charge';
  sBuf.push(`${txn},${iso(t)},${iso(t + 2 * 86_400_000)},${cur},${fmt(gross, exp)},${fmt(fee, exp)},${fmt(net, exp)},${category},${ch},Order ${order},${po},${order}\n`);
  pspRows++;
  payoutNet.set(`${day}:${cur}`, (payoutNet.get(`${day}:${cur}`) ?? 0) + net);

  let kind = null;
  const r = rnd();
  let acc = 0;
  for (const [k, p] of Object.entries(RATE)) {
    acc += p;
    if (r < acc) {
      kind = k;
      break;
    }
  }
  const type = refund ? 'refund' : 'charge';
  let lAmount = gross;
  let lCur = cur.toUpperCase();
  let lDay = dayOf(t + (rnd() < 0.5 ? 0 : 86_400_000));
  if (kind === 'missing_in_ledger') {
    planted.push({ kind, psp: txn, ledger: null });
    continue;
  }
  if (kind === 'amount_mismatch') {
    lAmount = gross + (exp ? int(1, 500) : int(1, 50));
    planted.push({ kind, psp: txn, ledger: `L-${i}` });
  } else if (kind === 'currency_mismatch') {
    if (cur === 'jpy') kind = null;
    else {
      lCur = cur === 'usd' ? 'EUR' : 'USD';
      planted.push({ kind, psp: txn, ledger: `L-${i}` });
    }
  } else if (kind === 'date_out_of_window') {
    lDay = dayOf(t + int(5, 9) * 86_400_000);
    planted.push({ kind, psp: txn, ledger: `L-${i}` });
  }
  lBuf.push(`L-${i},${lDay},${order},${ch},${type},${fmt(lAmount, exp)},${lCur},,${order}\n`);
  ledgerRows++;
  if (kind === 'duplicate') {
    lBuf.push(`L-${i}-dup,${dayOf(t + 2 * 86_400_000)},${order},${ch},${type},${fmt(lAmount, exp)},${lCur},,${order} (again)\n`);
    ledgerRows++;
    planted.push({ kind, psp: txn, ledger: `L-${i}-dup` });
  }
  await flushIfNeeded();
}
if (lastDay) closeDay(lastDay);
// Ledger entries no PSP row knows, until the ledger has as many rows as the PSP file.
while (ledgerRows < pspRows) {
  const k = missingPsp++;
  const day = dayOf(START + Math.floor(rnd() * SPAN));
  const amount = 1_000_000 + k; // 10000.00 + k cents: above every PSP charge
  lBuf.push(`L-X${k},${day},ORD-X${k},ch_nowhere_${k},charge,${fmt(amount, 2)},USD,,unknown order\n`);
  ledgerRows++;
  planted.push({ kind: 'missing_in_psp', psp: null, ledger: `L-X${k}` });
  await flushIfNeeded();
}
await flushIfNeeded(true);
await Promise.all([new Promise((r) => stripe.end(r)), new Promise((r) => ledger.end(r))]);
writeFileSync(join(dir, 'planted.json'), JSON.stringify({ rows: { psp: pspRows, ledger: ledgerRows }, faults: planted }, null, 0) + '\n');
const byKind = {};
for (const f of planted) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
console.log(`wrote ${dir}/stripe.csv (${pspRows} rows), ${dir}/ledger.csv (${ledgerRows} rows), planted.json: ${JSON.stringify(byKind)}`);
