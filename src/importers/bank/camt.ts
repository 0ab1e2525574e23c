/**
 * ISO 20022 camt.053 statements, and camt.052 reports / camt.054 notifications, which share
 * the entry shape (Ntry). The XML is streamed through saxes (docs/bank.md says why and what
 * it costs): a statement of a million entries is never held, only the entry being read.
 */
import { SaxesParser } from 'saxes';
import type { BankBalance, BankEntry, BankEvent, EntryDetail, StatementHead } from '../../domain/bank.js';
import { isCurrency, normalizeCurrency } from '../../domain/currency.js';
import { parseMoney } from '../../domain/money.js';
import { InputError } from '../../errors.js';
import type { BankImporter, BankParseContext } from './types.js';

/** Statement-like containers of camt.053, camt.052 and camt.054. */
const CONTAINERS: Record<string, string> = { Stmt: 'camt.053', Rpt: 'camt.052', Ntfctn: 'camt.054' };

export const camtImporter: BankImporter = {
  name: 'camt053',
  expects: 'camt.053/052/054: ISO 20022 XML with BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn',
  identify(head) {
    return /<(\w+:)?(BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)[\s>]/.test(head);
  },
  parse(chunks, ctx) {
    return parseCamt(chunks, ctx);
  },
};

interface Bal {
  code: string;
  minor: bigint | null;
  amountText: string;
  currency: string;
  credit: boolean;
  date: string | null;
}

interface Stmt {
  message: string;
  id: string | null;
  seq: number | null;
  account: string | null;
  currency: string | null;
  balances: Bal[];
  head: StatementHead | null;
  line: number;
}

interface Entry {
  amountText: string;
  currency: string;
  credit: boolean | null;
  reversal: boolean;
  booking: string | null;
  value: string | null;
  bankRef: string | null;
  type: string[];
  prtry: string | null;
  addtl: string[];
  details: DetailDraft[];
  charges: bigint | null;
  chargesTotal: boolean;
  fx: BankEntry['fx'];
  line: number;
}

interface DetailDraft extends Omit<EntryDetail, 'minor'> {
  amountText: string | null;
  amountCurrency: string | null;
  ustrd: string[];
}

function localName(name: string): string {
  const c = name.indexOf(':');
  return c === -1 ? name : name.slice(c + 1);
}

async function* parseCamt(chunks: AsyncIterable<Buffer | string>, ctx: BankParseContext): AsyncGenerator<BankEvent[]> {
  const file = ctx.file;
  const parser = new SaxesParser({ position: true });
  const stack: string[] = [];
  let text = '';
  let out: BankEvent[] = [];
  let stmt: Stmt | null = null;
  let bal: Bal | null = null;
  let entry: Entry | null = null;
  let detail: DetailDraft | null = null;
  let attrCcy = '';
  let statements = 0;
  let sawRoot = false;

  const fail = (message: string): never => {
    throw new InputError(message, { file, line: parser.line });
  };
  const money = (amount: string, currency: string): bigint => {
    try {
      return parseMoney(amount, normalizeCurrency(currency));
    } catch (err) {
      return fail(`amount "${amount}" ${currency}: ${(err as Error).message}`);
    }
  };
  const parent = (k: number) => stack[stack.length - 1 - k];

  const startHead = (s: Stmt): StatementHead => {
    const pick = (codes: string[]) => {
      for (const c of codes) {
        const b = s.balances.find((x) => x.code === c);
        if (b) return b;
      }
      return null;
    };
    // Booked balances prove the entries; the proprietary 010/015 are the BAI codes some banks use.
    const open = pick(['OPBD', 'PRCD', '010']);
    const close = pick(['CLBD', '015']);
    const currency = [s.currency, open?.currency, close?.currency, entry?.currency].find((c) => c && isCurrency(c.trim().toUpperCase())) ?? null;
    if (!s.id) fail(`${s.message} ${s.message === 'camt.054' ? 'notification' : 'statement'} without an Id`);
    if (!s.account) fail(`statement ${s.id}: no account (Acct/Id/IBAN or Acct/Id/Othr/Id)`);
    if (!currency) fail(`statement ${s.id}: no currency (Acct/Ccy, a balance or an entry amount)`);
    const asBalance = (b: Bal | null): BankBalance | null =>
      b ? { minor: b.credit ? money(b.amountText, b.currency) : -money(b.amountText, b.currency), date: b.date, code: b.code } : null;
    const head: StatementHead = {
      account: s.account!,
      currency: normalizeCurrency(currency!),
      statementId: s.id!,
      sequence: s.seq,
      message: s.message,
      opening: asBalance(open),
      closing: asBalance(close),
      line: s.line,
    };
    out.push({ kind: 'statement', head });
    return head;
  };

  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    stack.push(name);
    text = '';
    if (!sawRoot && stack.length === 2) {
      if (!/^(BkToCstmrStmt|BkToCstmrAcctRpt|BkToCstmrDbtCdtNtfctn)$/.test(name)) {
        fail(`expected a camt.053/052/054 document (BkToCstmrStmt...), found <${tag.name}>`);
      }
      sawRoot = true;
    }
    const ccy = tag.attributes.Ccy;
    attrCcy = typeof ccy === 'string' ? ccy : '';
    if (stack.length === 3 && CONTAINERS[name]) {
      stmt = { message: CONTAINERS[name], id: null, seq: null, account: null, currency: null, balances: [], head: null, line: parser.line };
      return;
    }
    if (!stmt) return;
    if (name === 'Bal' && parent(1) === CONTAINERS_KEY(stmt)) {
      bal = { code: '', minor: null, amountText: '', currency: '', credit: true, date: null };
    } else if (name === 'Ntry' && stack.length === 4) {
      entry = { amountText: '', currency: '', credit: null, reversal: false, booking: null, value: null, bankRef: null, type: [], prtry: null, addtl: [], details: [], charges: null, chargesTotal: false, fx: null, line: parser.line };
    } else if (name === 'TxDtls' && entry) {
      detail = { amountText: null, amountCurrency: null, endToEndId: null, reference: null, remittance: null, ustrd: [] };
    }
  });

  parser.on('text', (t) => {
    text += t;
  });

  parser.on('closetag', (tag) => {
    const name = stack.pop()!;
    const value = text.trim();
    text = '';
    if (!stmt) return;
    const s: Stmt = stmt;
    const up = parent(0);
    if (stack.length === 2 && CONTAINERS[name]) {
      s.head ??= startHead(s);
      out.push({ kind: 'end', tail: { closing: null, line: parser.line } });
      statements++;
      stmt = null;
      return;
    }
    if (bal) {
      if (name === 'Cd' && up === 'CdOrPrtry') bal.code = value;
      else if (name === 'Prtry' && up === 'CdOrPrtry') bal.code = value;
      else if (name === 'Amt' && up === 'Bal') {
        bal.amountText = value;
        bal.currency = attrCcyOf(tag);
      } else if (name === 'CdtDbtInd' && up === 'Bal') bal.credit = value !== 'DBIT';
      else if ((name === 'Dt' || name === 'DtTm') && up === 'Dt') bal.date = value.slice(0, 10);
      else if (name === 'Bal') {
        s.balances.push(bal);
        bal = null;
      }
      return;
    }
    if (entry) {
      const e: Entry = entry;
      if (detail) {
        const d: DetailDraft = detail;
        if (name === 'EndToEndId') d.endToEndId = value === 'NOTPROVIDED' ? null : value;
        else if (name === 'AcctSvcrRef' && up === 'Refs') d.reference = value;
        else if (name === 'Ustrd' || (name === 'Ref' && up === 'CdtrRefInf') || name === 'AddtlTxInf') d.ustrd.push(value);
        else if (name === 'Amt' && (up === 'TxDtls' || (up === 'TxAmt' && parent(1) === 'AmtDtls'))) {
          d.amountText = value;
          d.amountCurrency = attrCcyOf(tag);
        } else if (name === 'Amt' && up === 'InstdAmt' && !e.fx && isCurrency(attrCcyOf(tag))) {
          // The instructed amount shows FX when its currency is not the entry's ("XXX" = none).
          e.fx = { currency: attrCcyOf(tag), minor: money(value, attrCcyOf(tag)), rate: null };
        } else if (name === 'XchgRate' && e.fx && !e.fx.rate) e.fx.rate = value;
        else if (name === 'TxDtls') {
          e.details.push(d);
          detail = null;
        }
        return;
      }
      if (name === 'Amt' && up === 'Ntry') {
        e.amountText = value;
        e.currency = attrCcyOf(tag);
      } else if (name === 'CdtDbtInd' && up === 'Ntry') e.credit = value === 'CRDT';
      else if (name === 'RvslInd' && up === 'Ntry') e.reversal = value === 'true';
      else if ((name === 'Dt' || name === 'DtTm') && up === 'BookgDt') e.booking = value.slice(0, 10);
      else if ((name === 'Dt' || name === 'DtTm') && up === 'ValDt') e.value = value.slice(0, 10);
      else if (name === 'AcctSvcrRef' && up === 'Ntry') e.bankRef = value;
      else if (name === 'Cd' && (up === 'Domn' || up === 'Fmly') && parent(1) !== 'Prtry') e.type.push(value);
      else if (name === 'SubFmlyCd') e.type.push(value);
      else if (name === 'Cd' && up === 'Prtry' && parent(1) === 'BkTxCd') e.prtry = value;
      else if (name === 'AddtlNtryInf') e.addtl.push(value);
      // Charges: the stated total, else the sum of the records (Chrgs/Amt in v02, Chrgs/Rcrd/Amt later).
      else if (name === 'TtlChrgsAndTaxAmt' && up === 'Chrgs') {
        e.charges = money(value, attrCcyOf(tag));
        e.chargesTotal = true;
      } else if (name === 'Amt' && (up === 'Chrgs' || (up === 'Rcrd' && parent(1) === 'Chrgs')) && !e.chargesTotal) {
        e.charges = (e.charges ?? 0n) + money(value, attrCcyOf(tag));
      }
      else if (name === 'Ntry') {
        s.head ??= startHead(s);
        out.push({ kind: 'entry', entry: finishEntry(e, s.head, money, fail) });
        entry = null;
      }
      return;
    }
    if (stack.length !== 3) {
      if (name === 'IBAN' && up === 'Id' && parent(1) === 'Acct') s.account = value;
      else if (name === 'Id' && up === 'Othr' && parent(1) === 'Id' && parent(2) === 'Acct' && !s.account) s.account = value;
      else if (name === 'Ccy' && up === 'Acct') s.currency = value;
      return;
    }
    if (name === 'Id') s.id = value;
    else if (name === 'LglSeqNb') s.seq = Number(value);
    else if (name === 'ElctrncSeqNb' && s.seq === null) s.seq = Number(value);
  });

  parser.on('error', (err) => {
    // saxes prefixes "file:line:col: "; the InputError names file and line itself.
    throw new InputError(`not well-formed XML: ${err.message.replace(/^[^:]*:\d+:\d+: /, '')}`, { file, line: parser.line, column: parser.column });
  });

  function attrCcyOf(tag: { attributes: Record<string, unknown> }): string {
    const c = tag.attributes.Ccy;
    return typeof c === 'string' ? c : attrCcy;
  }

  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (out.length) {
      yield out;
      out = [];
    }
  }
  parser.write(decoder.decode());
  parser.close();
  if (!sawRoot) fail('expected a camt.053/052/054 document (BkToCstmrStmt...), found no such element');
  if (statements === 0) fail('the document holds no statement (Stmt, Rpt or Ntfctn)');
  if (out.length) yield out;
}

// Balances are children of the statement container itself, whatever its name.
function CONTAINERS_KEY(s: Stmt): string {
  return s.message === 'camt.053' ? 'Stmt' : s.message === 'camt.052' ? 'Rpt' : 'Ntfctn';
}

function finishEntry(e: Entry, head: StatementHead, money: (a: string, c: string) => bigint, fail: (m: string) => never): BankEntry {
  if (e.credit === null) fail('entry (Ntry) without CdtDbtInd');
  if (!e.amountText) fail('entry (Ntry) without an amount (Amt)');
  const currency = e.currency || head.currency;
  const amount = money(e.amountText, currency);
  const details: EntryDetail[] = e.details.map((d) => ({
    minor: d.amountText ? money(d.amountText, d.amountCurrency || currency) : null,
    endToEndId: d.endToEndId,
    reference: d.reference,
    remittance: d.ustrd.length ? d.ustrd.join(' ') : null,
  }));
  const texts = [...details.map((d) => d.remittance).filter((t): t is string => !!t), ...e.addtl];
  const e2e = details.map((d) => d.endToEndId).filter((t): t is string => !!t);
  return {
    line: e.line,
    minor: e.credit ? amount : -amount,
    currency,
    bookingDate: e.booking,
    valueDate: e.value,
    bankReference: e.bankRef,
    customerReference: null,
    endToEndId: e2e.length ? e2e.join(' ') : null,
    remittance: texts.length ? texts.join(' | ') : null,
    reversal: e.reversal,
    typeCode: e.type.length ? e.type.join('/') : e.prtry,
    // A single detail repeats what the entry says; only a batch keeps its items.
    details: details.length > 1 ? details : [],
    fx: e.fx && e.fx.currency !== currency ? e.fx : null,
    chargesMinor: e.charges,
  };
}
