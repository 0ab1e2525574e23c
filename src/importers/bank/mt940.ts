/**
 * SWIFT MT940 (statement) and MT942 (interim report). A file holds one or more messages, with
 * or without the {1:}{2:}{4: ... -} envelope, preceded by whatever bank preamble. Fields start
 * with :tag: at the start of a line; other lines continue the field before them. Field rules
 * follow the SWIFT user handbook; the bank quirks handled are the ones of the sample corpus
 * described in docs/bank.md (entry date blanks, funds codes, '.' decimals, wrapped :86:).
 */
import type { BankBalance, BankEntry, BankEvent, StatementHead } from '../../domain/bank.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { parseMoney } from '../../domain/money.js';
import { InputError } from '../../errors.js';
import { physicalLines, yymmdd } from './lines.js';
import type { BankImporter, BankParseContext } from './types.js';

const TAG = /^:(\d{2}[A-Z]?|NS):/;
// Lines after these fields are envelope or bank preamble, never a continuation.
const CLOSED_FIELDS = new Set(['60F', '60M', '62F', '62M', '64', '65', '90C', '90D', '13D', '34F']);
const SWIFT_LINE = 65;

interface Field {
  tag: string;
  text: string;
  line: number;
  /** Length of the last physical line: a full 65-column line wraps mid-word. */
  lastLen: number;
}

export const mt940Importer: BankImporter = {
  name: 'mt940',
  expects: 'MT940/MT942: SWIFT fields such as :20:, :25:, :60F:, :61:, :62F:',
  identify(head) {
    return /^:20:/m.test(head) && /^:25:/m.test(head) && /^:(60F|61|62F|28C?|13D):/m.test(head);
  },
  parse(chunks, ctx) {
    return parseMt940(chunks, ctx);
  },
};

async function* parseMt940(chunks: AsyncIterable<Buffer | string>, ctx: BankParseContext): AsyncGenerator<BankEvent[]> {
  const st = new Mt940State(ctx.file);
  let field: Field | null = null;
  for await (const batch of physicalLines(chunks)) {
    const out: BankEvent[] = [];
    for (const { text, line } of batch) {
      const m = TAG.exec(text);
      if (m) {
        if (field) st.field(field, out);
        field = { tag: m[1], text: text.slice(m[0].length), line, lastLen: text.length };
        continue;
      }
      if (/^\{|^-\}?\s*$/.test(text)) {
        // Envelope: {1:..}{2:..}{4: opens a message, -} closes it.
        if (field) st.field(field, out);
        field = null;
        continue;
      }
      if (!field || CLOSED_FIELDS.has(field.tag)) continue;
      field.text += field.lastLen >= SWIFT_LINE ? text : '\n' + text;
      field.lastLen = text.length;
    }
    if (out.length) yield out;
  }
  const out: BankEvent[] = [];
  if (field) st.field(field, out);
  st.finish(out);
  if (out.length) yield out;
}

class Mt940State {
  private reference = '';
  private account: string | null = null;
  private seqText: string | null = null;
  private head: StatementHead | null = null;
  private pending: BankEntry | null = null;
  private lastTag = '';
  private interim: { line: number; debit?: [number, bigint]; credit?: [number, bigint]; n: [number, number]; sum: [bigint, bigint] } | null = null;
  private count = 0;

  constructor(private readonly file: string) {}

  private fail(line: number, message: string): never {
    throw new InputError(message, { file: this.file, line });
  }

  field(f: Field, out: BankEvent[]): void {
    const text = f.text.trim();
    const prev = this.lastTag;
    this.lastTag = f.tag;
    switch (f.tag) {
      case '20':
        this.closeOpen(f.line, out);
        this.reference = text;
        this.account = null;
        this.seqText = null;
        return;
      case '25':
        this.account = text.replace(/\s+/g, ' ');
        return;
      case '28C':
      case '28':
        this.seqText = text.replace(/\s+/g, '');
        return;
      case '60F':
      case '60M':
        this.startStatement(f, this.balance(f), 'MT940', out);
        return;
      case '61':
        if (!this.head) this.startInterim(f, out);
        this.flushEntry(out);
        this.pending = this.entry(f);
        return;
      case '86':
        // A :86: right after a :61: describes that entry; elsewhere it is statement-level text.
        if (this.pending && prev === '61') this.pending.remittance = text.replace(/\n/g, ' ');
        if (this.pending && prev === '61') this.pending.endToEndId = endToEndIn(text);
        return;
      case '62F':
      case '62M': {
        if (!this.head) this.fail(f.line, `closing balance :${f.tag}: without an opening balance :60F: before it`);
        this.flushEntry(out);
        out.push({ kind: 'end', tail: { closing: this.balance(f), line: f.line } });
        this.head = null;
        return;
      }
      case '34F': {
        // MT942 floor limit, e.g. "PLN0": the report's currency when :25: does not say it.
        const c = /^([A-Z]{3})/.exec(text);
        if (c) this.currency = c[1];
        return;
      }
      case '90D':
      case '90C': {
        if (!this.head) this.startInterim(f, out);
        const m = /^(\d+)([A-Z]{3})([\d,.]+)$/.exec(text.replace(/\s+/g, ''));
        if (!m || !this.interim) this.fail(f.line, `expected :${f.tag}: as count, currency and amount like 3EUR120,50, found "${text}"`);
        const sum = this.money(m[3], m[2], f.line, f.tag);
        this.interim[f.tag === '90D' ? 'debit' : 'credit'] = [Number(m[1]), sum];
        return;
      }
      default:
        return; // :21:, :13D:, :34F:, :64:, :65:, :NS: carry nothing payrecon keeps
    }
  }

  finish(out: BankEvent[]): void {
    this.closeOpen(0, out);
    if (this.count === 0) this.fail(1, 'no statement found: expected :20:, :25:, :28C:, :60F:, :61:... :62F:');
  }

  /** A message ends: an MT940 without :62F: is incomplete; an MT942 is checked against :90C:/:90D:. */
  private closeOpen(line: number, out: BankEvent[]): void {
    if (!this.head) return;
    this.flushEntry(out);
    const head = this.head;
    if (head.message === 'MT940') {
      this.fail(line || head.line, `statement ${head.statementId} of account ${head.account} has no closing balance :62F: (the file looks truncated)`);
    }
    const it = this.interim!;
    for (const [tag, want, n, sum] of [
      ['90D', it.debit, it.n[0], it.sum[0]],
      ['90C', it.credit, it.n[1], it.sum[1]],
    ] as const) {
      if (want && (want[0] !== n || want[1] !== sum)) {
        this.fail(it.line, `MT942 ${head.statementId}: :${tag}: says ${want[0]} entries totalling ${want[1]} minor units, the entries are ${n} totalling ${sum} (difference ${sum - want[1]})`);
      }
    }
    out.push({ kind: 'end', tail: { closing: null, line: line || head.line } });
    this.head = null;
  }

  private startStatement(f: Field, opening: BankBalance, message: string, out: BankEvent[]): void {
    if (this.head) this.closeOpen(f.line, out);
    if (!this.account) this.fail(f.line, `statement without an account: expected :25: before :${f.tag}:`);
    const seqNo = this.seqText ? /^(\d+)/.exec(this.seqText) : null;
    this.head = {
      account: this.account,
      currency: this.currency,
      // :20: is the message's reference (banks reuse "STARTUMS" for every message); the statement
      // is its number and page on its opening date.
      statementId: message === 'MT940' ? `${this.seqText || this.reference}@${opening.date}` : `${this.reference}/${this.seqText ?? ''}`,
      sequence: seqNo ? Number(seqNo[1]) : null,
      message,
      opening: message === 'MT940' ? opening : null,
      closing: null,
      line: f.line,
    };
    this.count++;
    out.push({ kind: 'statement', head: this.head });
  }

  private currency = '';

  private startInterim(f: Field, out: BankEvent[]): void {
    // MT942 has no opening balance: its currency comes from :34F: / :90C: or the account field.
    const m = /([A-Z]{3})\s*$/.exec(this.account ?? '');
    this.currency = m ? m[1] : this.currency;
    if (!this.currency) this.fail(f.line, 'interim report (MT942) without a currency in :25: or :34F:');
    this.interim = { line: f.line, n: [0, 0], sum: [0n, 0n] };
    this.startStatement(f, { minor: 0n, date: null, code: '' }, 'MT942', out);
  }

  private balance(f: Field): BankBalance {
    const m = /^([CD])(\d{6})([A-Z]{3})([\d,.]+)$/.exec(f.text.trim().replace(/\s+/g, ''));
    if (!m) this.fail(f.line, `expected :${f.tag}: as C/D, YYMMDD, currency and amount like C250131EUR1234,56, found "${f.text.trim()}"`);
    this.currency = this.cur(m[3], f.line, f.tag);
    const minor = this.money(m[4], this.currency, f.line, f.tag);
    return { minor: m[1] === 'D' ? -minor : minor, date: yymmdd(m[2]) ?? `20${m[2]}`, code: f.tag };
  }

  private entry(f: Field): BankEntry {
    const [first, ...rest] = f.text.split('\n');
    const m = /^(\d{6})(\d{4}|\s{4})?(RC|RD|C|D)([A-Z])?(\d[\d,.]*)(.*)$/.exec(first.trimEnd());
    if (!m) this.fail(f.line, `expected :61: as value date YYMMDD, optional entry date MMDD, C/D/RC/RD and an amount, found "${first}"`);
    const valueDate = yymmdd(m[1]);
    if (!valueDate) this.fail(f.line, `:61: value date "${m[1]}" is not a date (YYMMDD)`);
    let bookingDate = valueDate;
    if (m[2] && m[2].trim()) {
      // The entry date has no year: the value date's, or the next/previous one across a year end.
      let year = Number(valueDate.slice(0, 4));
      const vm = Number(valueDate.slice(5, 7));
      const em = Number(m[2].slice(0, 2));
      if (vm === 12 && em === 1) year++;
      if (vm === 1 && em === 12) year--;
      bookingDate = `${year}-${m[2].slice(0, 2)}-${m[2].slice(2)}`;
    }
    const mark = m[3];
    const amount = this.money(m[5], this.currency, f.line, '61');
    // RC (reversal of a credit) takes money out; RD (reversal of a debit) puts it back.
    const credit = mark === 'C' || mark === 'RD';
    const minor = credit ? amount : -amount;
    let tail = m[6];
    let typeCode: string | null = null;
    if (/^[NFS][A-Z0-9 ]{3}/.test(tail)) {
      typeCode = tail.slice(0, 4).trim();
      tail = tail.slice(4);
    }
    const [ownerRef, bankRef] = tail.split('//');
    const supplementary = rest.join(' ').trim();
    if (this.interim) {
      if (minor < 0n) {
        this.interim.n[0]++;
        this.interim.sum[0] -= minor;
      } else {
        this.interim.n[1]++;
        this.interim.sum[1] += minor;
      }
    }
    return {
      line: f.line,
      minor,
      currency: this.currency,
      bookingDate,
      valueDate,
      bankReference: bankRef?.trim() || null,
      customerReference: ownerRef?.trim() && ownerRef.trim() !== 'NONREF' ? ownerRef.trim() : null,
      endToEndId: null,
      remittance: supplementary || null,
      reversal: mark.startsWith('R'),
      typeCode,
      details: [],
      fx: null,
      chargesMinor: null,
    };
  }

  private flushEntry(out: BankEvent[]): void {
    if (!this.pending) return;
    out.push({ kind: 'entry', entry: this.pending });
    this.pending = null;
  }

  private cur(text: string, line: number, tag: string): string {
    try {
      return normalizeCurrency(text);
    } catch (err) {
      this.fail(line, `:${tag}: ${(err as Error).message}`);
    }
  }

  private money(text: string, currency: string, line: number, tag: string): bigint {
    // SWIFT writes a decimal comma ("1234,56", "203,"); some banks' exports write a point.
    const t = text.includes(',') ? text.replace(',', '.') : text;
    try {
      return parseMoney(t.endsWith('.') ? t + '0' : t, currency);
    } catch (err) {
      this.fail(line, `:${tag}: ${(err as Error).message}`);
    }
  }
}

/** The end-to-end id of structured :86: text: /EREF/x/ (NL) or EREF+x (German DK ?2x subfields). */
function endToEndIn(text: string): string | null {
  const flat = text.replace(/\n/g, '');
  const nl = /\/EREF\/([^/]+)/.exec(flat);
  if (nl) return nl[1].trim() || null;
  const de = /EREF\+(.*?)(?=\?\d\d|[A-Z]{4}\+|$)/.exec(flat.replace(/\?2\d/g, (s) => s));
  const id = de?.[1].replace(/\?\d\d/g, '').trim();
  return id && id !== 'NOTPROVIDED' ? id : null;
}
