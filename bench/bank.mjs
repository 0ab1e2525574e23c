// Bank import benchmark (issue 10): `payrecon import bank` of a generated camt.053 with
// 1,000,000 entries in one statement, against `payrecon import psp` of the 1,000,000-row Stripe
// report of bench/import.mjs in the same run (target: within 3x of it, peak RSS < 300 MB), and
// the XML parser choice: saxes (streamed) against fast-xml-parser (whole document) on
// 100,000 entries. Never fails on slowness.
//
//   node bench/bank.mjs [entries=1000000]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { fmt, measure, table } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 1_000_000);
const out = join(ROOT, 'bench', 'out', 'bank');
mkdirSync(out, { recursive: true });

/** A camt.053 of one statement with `count` entries (credits and debits), balanced. */
async function writeCamt(path, count) {
  if (existsSync(path)) return;
  const ws = createWriteStream(path);
  const write = async (s) => {
    if (!ws.write(s)) await once(ws, 'drain');
  };
  let total = 0n;
  const amounts = [];
  for (let i = 0; i < count; i++) total += BigInt(i % 7 === 0 ? -(1000 + (i % 500)) : 2500 + (i % 9000));
  const dec = (v) => {
    const a = (v < 0n ? -v : v).toString().padStart(3, '0');
    return `${a.slice(0, -2)}.${a.slice(-2)}`;
  };
  const opening = 100000000n;
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>');
  await write('<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2025-03-31T20:00:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-1</Id><ElctrncSeqNb>1</ElctrncSeqNb>');
  await write('<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>');
  await write(`<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${dec(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>`);
  await write(`<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${dec(opening + total)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-31</Dt></Dt></Bal>\n`);
  for (let i = 0; i < count; i++) {
    const v = BigInt(i % 7 === 0 ? -(1000 + (i % 500)) : 2500 + (i % 9000));
    const day = String(1 + (i % 28)).padStart(2, '0');
    await write(
      `<Ntry><Amt Ccy="EUR">${dec(v)}</Amt><CdtDbtInd>${v < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts>` +
        `<BookgDt><Dt>2025-03-${day}</Dt></BookgDt><ValDt><Dt>2025-03-${day}</Dt></ValDt><AcctSvcrRef>BR${i}</AcctSvcrRef>` +
        `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
        `<NtryDtls><TxDtls><Refs><EndToEndId>E2E-${i}</EndToEndId></Refs><RmtInf><Ustrd>PAYOUT po_${i.toString(36)} ORDER ${i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`,
    );
  }
  await write('</Stmt></BkToCstmrStmt></Document>\n');
  ws.end();
  await once(ws, 'finish');
}

const camt = join(out, `camt053-${n}.xml`);
await writeCamt(camt, n);
const small = join(out, 'camt053-100000.xml');
await writeCamt(small, 100_000);

const pspDir = join(ROOT, 'bench', 'out', `recon-${n}`);
if (!existsSync(join(pspDir, 'planted.json'))) {
  const g = spawnSync(process.execPath, [join(ROOT, 'bench', 'generate.mjs'), pspDir, String(n)], { stdio: 'inherit' });
  if (g.status !== 0) process.exit(1);
}

const env = { env: { ...process.env, CI: '1' } };
const results = [['what', 'seconds', 'entries/s', 'peak RSS MB', 'file MB', 'vs PSP import']];
const fresh = (db) => {
  for (const f of [db, db + '-wal', db + '-shm']) rmSync(f, { force: true });
  return db;
};
const pspDb = fresh(join(out, 'psp.db'));
const psp = measure([process.execPath, join(ROOT, 'bin', 'payrecon'), '--db', pspDb, 'import', 'psp', join(pspDir, 'stripe.csv'), '--json'], env);
const pspRows = JSON.parse(psp.stdout).files[0].rows.total;
results.push([`import psp stripe.csv (${pspRows} rows)`, fmt(psp.seconds), fmt(pspRows / psp.seconds, 0), fmt(psp.maxRssMB, 0), fmt(statSync(join(pspDir, 'stripe.csv')).size / 1e6, 0), '1.00x']);
fresh(pspDb);
const bankDb = fresh(join(out, 'bank.db'));
const bank = measure([process.execPath, join(ROOT, 'bin', 'payrecon'), '--db', bankDb, 'import', 'bank', camt, '--json'], env);
if (bank.code !== 0) {
  console.error(`payrecon import bank exited ${bank.code}:\n${bank.stderr}${bank.stdout.slice(0, 2000)}`);
  process.exit(1);
}
const entries = JSON.parse(bank.stdout).files[0].statements[0].entries;
results.push([`import bank camt.053 (${entries} entries)`, fmt(bank.seconds), fmt(entries / bank.seconds, 0), fmt(bank.maxRssMB, 0), fmt(statSync(camt).size / 1e6, 0), `${fmt(bank.seconds / psp.seconds)}x`]);
fresh(bankDb);

for (const [which, file] of [
  ['saxes', camt],
  ['saxes', small],
  ['fast-xml-parser', small],
]) {
  const r = measure([process.execPath, join(ROOT, 'bench', 'bank-parse.mjs'), which, file]);
  const e = r.code === 0 ? JSON.parse(r.stdout).entries : NaN;
  results.push([`parse only, ${which} (${e} entries)`, fmt(r.seconds), fmt(e / r.seconds, 0), fmt(r.maxRssMB, 0), fmt(statSync(file).size / 1e6, 0), '']);
}
console.log(`bank statement import (targets: import bank within 3x of import psp, peak RSS < 300 MB)`);
table(results);
