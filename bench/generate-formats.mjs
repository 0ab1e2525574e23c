// Generate N-row files in the formats the importers accept beside Stripe and the canonical
// ledger (those come from generate.mjs): an Adyen settlement details report, a PayPal STL
// settlement report, a Checkout.com settlement breakdown, and a German ERP ledger export read
// through fixtures/mapping/erp-export-de.mapping.json. Every row is valid: the import benchmark
// checks that each file imports with no reject, so a generator drifting from its importer shows.
//
//   node bench/generate-formats.mjs <dir> [rows=1000000] [seed=11]
//
// Headers, quoting and quirks follow fixtures/adyen, fixtures/paypal, fixtures/checkout and
// fixtures/mapping (see the importers in src/importers/ for what each column means).
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { decimalText, mulberry32 } from './lib.mjs';

const [dir, rowsArg = '1000000', seedArg = '11'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/generate-formats.mjs <dir> [rows=1000000] [seed=11]');
  process.exit(16);
}
const N = Number(rowsArg);
mkdirSync(dir, { recursive: true });

const rnd = mulberry32(Number(seedArg));
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pad = (n, w = 2) => String(n).padStart(w, '0');
const cents = (minor) => decimalText(minor, 2);
/** Checkout.com writes decimals unpadded: 42.5, 41, -0.3. */
const unpadded = (minor) => cents(minor).replace(/\.?0+$/, '').replace(/^(-?)$/, '$10') || '0';
/** German: 1.250,00 */
const german = (minor) => {
  const [whole, frac] = cents(minor).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
};

const DAYS = 31; // March 2025
/** Row i's moment: spread over the month, hours 08:00-19:59 (clear of the DST switch at 02:00 on the 30th). */
const when = (i) => {
  const day = 1 + Math.floor((i / N) * DAYS);
  const secs = Math.floor(((i * 7919) % 43_200) + 8 * 3600);
  return { day, h: Math.floor(secs / 3600), m: Math.floor(secs / 60) % 60, s: secs % 60 };
};
const CURRENCIES = ['EUR', 'EUR', 'EUR', 'USD', 'GBP'];

/** A buffered writer: joins 5,000 lines per write and waits for drain. */
function writer(file, header) {
  const out = createWriteStream(join(dir, file));
  let buf = [header];
  return {
    async line(text) {
      buf.push(text);
      if (buf.length >= 5000) {
        const chunk = buf.join('\n') + '\n';
        buf = [];
        if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      }
    },
    end() {
      if (buf.length) out.write(buf.join('\n') + '\n');
      return new Promise((r) => out.end(r));
    },
  };
}

// ---- Adyen: settlement details report, one batch per day -----------------------------------
async function adyen() {
  const w = writer(
    'adyen.csv',
    'Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Modification Merchant Reference,Batch Number,Reserved4,Reserved5,Reserved6,Reserved7,Reserved8,Reserved9,Reserved10',
  );
  let rows = 0;
  let day = 1;
  const batchRows = (d) => {
    // Batch-level rows carry no Psp Reference: a Fee and a MerchantPayout per batch.
    const at = `2025-03-${pad(d)} 23:30:00`;
    return [
      `ExCo,ExEU,,,,${at},CET,Fee,,,,,,EUR,${cents(int(100, 900))},,,,,,,,${100 + d},,,,,,,`,
      `ExCo,ExEU,,,,${at},CET,MerchantPayout,,,,,,EUR,${cents(int(100_000, 9_000_000))},,,,,,,,${100 + d},,,,,,,`,
    ];
  };
  for (let i = 0; rows < N; i++) {
    const t = when(Math.min(i, N - 1));
    if (t.day !== day) {
      for (const l of batchRows(day)) if (rows < N) (await w.line(l), rows++);
      day = t.day;
      if (rows >= N) break;
    }
    const cur = CURRENCIES[i % CURRENCIES.length];
    const psp = `88${pad(i, 14)}`;
    const mod = `89${pad(i, 14)}`;
    const at = `2025-03-${pad(t.day)} ${pad(t.h)}:${pad(t.m)}:${pad(t.s)}`;
    const gross = int(100, 999_999);
    if (rnd() < 0.05) {
      // A refund: money out, no fee columns (net = gross).
      await w.line(`ExCo,ExEU,${psp},ORD-A${i},visa,${at},CET,Refunded,${mod},${cur},${cents(gross)},,1,${cur},${cents(gross)},,,,,,visadebit,ORD-A${i}-R,${100 + t.day},,,,,,,`);
    } else {
      const markup = Math.round(gross * 0.003);
      const scheme = Math.round(gross * 0.0015);
      const inter = Math.round(gross * 0.012);
      const net = gross - markup - scheme - inter;
      const method = i % 3 === 0 ? 'mc' : 'visa';
      await w.line(`ExCo,ExEU,${psp},ORD-A${i},${method},${at},CET,Settled,${mod},${cur},,${cents(gross)},1,${cur},,${cents(net)},,${cents(markup)},${cents(scheme)},${cents(inter)},${method}credit,,${100 + t.day},,,,,,,`);
    }
    rows++;
  }
  await w.end();
  return rows;
}

// ---- PayPal: STL settlement report, one section per day ------------------------------------
async function paypal() {
  const CH =
    '"CH","Transaction ID","Invoice ID","PayPal Reference ID","PayPal Reference ID Type","Transaction Event Code","Transaction Initiation Date","Transaction Completion Date","Transaction Debit or Credit","Gross Transaction Amount","Gross Transaction Currency","Fee Debit or Credit","Fee Amount","Fee Currency","Custom Field","Consumer ID","Payment Tracking ID","Store ID","Bank Reference ID","Credit Transactional Fee","Credit Promotional Fee","Credit Term"';
  const sh = (d) => `"SH",2025/03/${pad(d)} 00:00:00 -0800,2025/03/${pad(d)} 23:59:59 -0800,"MERCHANT01",""`;
  const w = writer('paypal.csv', `\ufeff"RH",2025/04/01 03:10:22 -0800,"A","MERCHANT01",009\n"FH",01\n${sh(1)}\n${CH}`);
  let day = 1;
  let inSection = 0;
  const txId = (i) => `${(i * 2654435761) % 1e9}`.padStart(9, '0') + pad(i, 8); // 17 characters, unique
  for (let i = 0; i < N; i++) {
    const t = when(i);
    if (t.day !== day) {
      await w.line(`"SF","USD",0,0,0,0,0,0,0,0,0,0,0\n"SC",${inSection}\n${sh(t.day)}\n${CH}`);
      day = t.day;
      inSection = 0;
    }
    const at = `2025/03/${pad(t.day)} ${pad(t.h)}:${pad(t.m)}:${pad(t.s)} -0800`;
    const cur = i % 4 === 3 ? 'EUR' : 'USD';
    const gross = int(100, 999_999);
    if (rnd() < 0.05 && i > 0) {
      // A refund of the previous payment, naming it (PayPal Reference ID, type TXN).
      await w.line(`"SB","${txId(i)}","ORD-P${i - 1}","${txId(i - 1)}","TXN","T1107",${at},${at},"DR",${gross},"${cur}","CR",${int(1, 30)},"${cur}","","BUYER${i % 1000}","","","",,,`);
    } else {
      await w.line(`"SB","${txId(i)}","ORD-P${i}","","","T0006",${at},${at},"CR",${gross},"${cur}","DR",${Math.round(gross * 0.034) + 30},"${cur}","order ${i}","BUYER${i % 1000}","","","",,,`);
    }
    inSection++;
  }
  await w.line(`"SF","USD",0,0,0,0,0,0,0,0,0,0,0\n"SC",${inSection}\n"RF",${N}\n"RC",${N}\n"FF",${N}`);
  await w.end();
  return N;
}

// ---- Checkout.com: settlement breakdown, one payout per day and currency -------------------
async function checkout() {
  const w = writer(
    'checkout.csv',
    'Client Entity ID,Client Entity Name,Processing Channel ID,Processing Channel Name,Type,Payment ID,Reference,Processed On,Available On,Holding Currency,Payout ID,Gross In Holding Currency,Deduction In Holding Currency,Net In Holding Currency,Processing Fee In Holding Currency,Scheme Fee In Holding Currency,Interchange In Holding Currency,Tax In Holding Currency,Reserve In Holding Currency,Processing Currency,Gross In Processing Currency,FX Rate Applied,Payment Method',
  );
  for (let i = 0; i < N; i++) {
    const t = when(i);
    const cur = CURRENCIES[i % CURRENCIES.length];
    const at = `2025-03-${pad(t.day)}T${pad(t.h)}:${pad(t.m)}:${pad(t.s)}.000`;
    const avail = `2025-04-${pad(Math.min(t.day, 28))}T00:00:00.000`;
    const payout = `po_${pad(t.day)}${cur.toLowerCase()}`;
    const refund = rnd() < 0.05;
    const gross = refund ? -int(100, 99_999) : int(100, 999_999);
    const proc = Math.round(Math.abs(gross) * 0.01) + 1;
    const scheme = refund ? 0 : Math.round(gross * 0.002);
    const inter = refund ? 0 : Math.round(gross * 0.003);
    const deduction = -(proc + scheme + inter);
    const net = gross + deduction;
    await w.line(
      `ent_01,ExCo,pc_01,Web shop,${refund ? 'Refund' : 'Capture'},pay_${pad(i, 10)},ORD-C${i},${at},${avail},${cur},${payout},${unpadded(gross)},${unpadded(deduction)},${unpadded(net)},${unpadded(-proc)},${unpadded(-scheme)},${unpadded(-inter)},0,0,${cur},${unpadded(gross)},1,Visa`,
    );
  }
  await w.end();
  return N;
}

// ---- A German ERP ledger export (fixtures/mapping/erp-export-de.mapping.json) --------------
async function erp() {
  const w = writer('erp-export-de.csv', 'Belegnr;Buchungsdatum;Auftrag;PSP-Referenz;Buchungsart;Soll;Haben;Währung;Gebühr;Buchungstext');
  for (let i = 0; i < N; i++) {
    const t = when(i);
    const at = `${pad(t.day)}.03.2025 ${pad(t.h)}:${pad(t.m)}:${pad(t.s)}`;
    const cur = CURRENCIES[i % CURRENCIES.length];
    const amount = int(100, 99_999_999); // up to 999.999,99: thousands separators on most rows
    if (rnd() < 0.05) {
      await w.line(`BN-${pad(i, 8)};${at};ORD-E${i};;Erstattung;${german(amount)};;${cur};;Erstattung ORD-E${i}`);
    } else {
      await w.line(`BN-${pad(i, 8)};${at};ORD-E${i};ch_e${i};Zahlungseingang;;${german(amount)};${cur};${german(Math.round(amount * 0.03))};"Kartenzahlung; Auftrag ORD-E${i}"`);
    }
  }
  await w.end();
  return N;
}

const counts = { adyen: await adyen(), paypal: await paypal(), checkout: await checkout(), erp: await erp() };
console.log(`wrote ${dir}: ${JSON.stringify(counts)} rows`);
