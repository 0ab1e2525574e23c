/**
 * Small bank statements written for tests: camt.053, MT940 and BAI2 text from a plain
 * description, so a test states the figures it checks (amounts are decimal strings).
 */

export interface GenEntry {
  /** Signed decimal string: "120.00" is a credit, "-5.00" a debit. */
  amount: string;
  date?: string; // YYYY-MM-DD
  ref?: string;
  e2e?: string;
  text?: string;
}

export interface GenStatement {
  id: string;
  seq?: number;
  account?: string;
  currency?: string;
  opening: string;
  /** Defaults to opening + entries (a balanced statement). */
  closing?: string;
  date?: string;
  entries: GenEntry[];
}

function cents(s: string): bigint {
  const neg = s.startsWith('-');
  const [w, f = ''] = s.replace('-', '').split('.');
  const v = BigInt(w + f.padEnd(2, '0'));
  return neg ? -v : v;
}

function dec(v: bigint): string {
  const neg = v < 0n;
  const a = (neg ? -v : v).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${a.slice(0, -2)}.${a.slice(-2)}`;
}

export function closingOf(s: GenStatement): string {
  return s.closing ?? dec(s.entries.reduce((t, e) => t + cents(e.amount), cents(s.opening)));
}

function bal(code: string, amount: string, ccy: string, date: string): string {
  const v = cents(amount);
  return `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="${ccy}">${dec(v < 0n ? -v : v)}</Amt><CdtDbtInd>${v < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
}

export function camtEntry(e: GenEntry, ccy: string, date: string): string {
  const v = cents(e.amount);
  const d = e.date ?? date;
  return (
    `<Ntry><Amt Ccy="${ccy}">${dec(v < 0n ? -v : v)}</Amt><CdtDbtInd>${v < 0n ? 'DBIT' : 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts>` +
    `<BookgDt><Dt>${d}</Dt></BookgDt><ValDt><Dt>${d}</Dt></ValDt>${e.ref ? `<AcctSvcrRef>${e.ref}</AcctSvcrRef>` : ''}` +
    `<NtryDtls><TxDtls><Refs><EndToEndId>${e.e2e ?? 'NOTPROVIDED'}</EndToEndId></Refs>` +
    `${e.text ? `<RmtInf><Ustrd>${e.text}</Ustrd></RmtInf>` : ''}</TxDtls></NtryDtls></Ntry>\n`
  );
}

export function camtStatementOpen(s: GenStatement): string {
  const ccy = s.currency ?? 'EUR';
  const date = s.date ?? '2025-03-05';
  return (
    `<Stmt><Id>${s.id}</Id>${s.seq !== undefined ? `<ElctrncSeqNb>${s.seq}</ElctrncSeqNb>` : ''}<CreDtTm>${date}T18:00:00</CreDtTm>` +
    `<Acct><Id><IBAN>${s.account ?? 'DE89370400440532013000'}</IBAN></Id><Ccy>${ccy}</Ccy></Acct>` +
    bal('OPBD', s.opening, ccy, date) +
    bal('CLBD', closingOf(s), ccy, date) +
    '\n'
  );
}

export const CAMT_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-05T18:00:00</CreDtTm></GrpHdr>\n';
export const CAMT_TAIL = '</BkToCstmrStmt></Document>\n';

export function camt053(...statements: GenStatement[]): string {
  let out = CAMT_HEAD;
  for (const s of statements) {
    out += camtStatementOpen(s);
    for (const e of s.entries) out += camtEntry(e, s.currency ?? 'EUR', s.date ?? '2025-03-05');
    out += '</Stmt>\n';
  }
  return out + CAMT_TAIL;
}

function yymmdd(d: string): string {
  return d.slice(2).replace(/-/g, '');
}

/** MT940 text (join with "\n" or "\r\n" and encode as the test needs). */
export function mt940(...statements: GenStatement[]): string {
  const lines: string[] = [];
  const swift = (v: bigint) => dec(v < 0n ? -v : v).replace('.', ',');
  for (const s of statements) {
    const ccy = s.currency ?? 'EUR';
    const date = s.date ?? '2025-03-05';
    const open = cents(s.opening);
    const close = cents(closingOf(s));
    lines.push(`:20:${s.id}`, `:25:${s.account ?? 'DE89370400440532013000'}`, `:28C:${s.seq ?? 1}/1`);
    lines.push(`:60F:${open < 0n ? 'D' : 'C'}${yymmdd(date)}${ccy}${swift(open)}`);
    for (const e of s.entries) {
      const v = cents(e.amount);
      const d = yymmdd(e.date ?? date);
      lines.push(`:61:${d}${d.slice(2)}${v < 0n ? 'D' : 'C'}${swift(v)}NTRF${e.e2e ?? 'NONREF'}//${e.ref ?? ''}`);
      if (e.text) lines.push(`:86:${e.text}`);
    }
    lines.push(`:62F:${close < 0n ? 'D' : 'C'}${yymmdd(date)}${ccy}${swift(close)}`);
    lines.push('-');
  }
  return lines.join('\n') + '\n';
}

/** A BAI2 file of one group and one account section per statement (010/015 balances). */
export function bai2(...statements: GenStatement[]): string {
  const recs: string[] = [];
  let groupTotal = 0n;
  const date = yymmdd(statements[0]?.date ?? '2025-03-05');
  recs.push(`01,BANK,CUST,${date},0800,1,,,2/`);
  recs.push(`02,CUST,BANK,1,${date},,${statements[0]?.currency ?? 'USD'},2/`);
  for (const s of statements) {
    const open = cents(s.opening);
    const close = cents(closingOf(s));
    const start = recs.length;
    recs.push(`03,${s.account ?? '123456789'},${s.currency ?? 'USD'},010,${open},,,015,${close},,/`);
    let total = open + close;
    for (const e of s.entries) {
      const v = cents(e.amount);
      recs.push(`16,${v < 0n ? 475 : 195},${v < 0n ? -v : v},0,${e.ref ?? ''},${e.e2e ?? ''},${e.text ?? ''}`);
      total += v < 0n ? -v : v;
    }
    recs.push(`49,${total},${recs.length - start + 1}/`);
    groupTotal += total;
  }
  recs.push(`98,${groupTotal},${statements.length},${recs.length}/`);
  recs.push(`99,${groupTotal},1,${recs.length + 1}/`);
  return recs.join('\n') + '\n';
}
