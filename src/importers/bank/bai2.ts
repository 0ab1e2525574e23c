/**
 * BAI2 (BAI Cash Management Balance Reporting, version 2). Records 01 file, 02 group, 03
 * account, 16 detail, 88 continuation, 49 account trailer, 98 group trailer, 99 file trailer.
 * A record ends at "/" (or, for a 16, whose text is free, at the end of the line); several
 * records may run together on one line and a record may be broken over lines. Every trailer's
 * control total and record count is checked here: a file that disagrees with itself is refused.
 * Each account section (03..49) becomes one statement; 010/015 (else 040/045) are its balances.
 */
import type { BankBalance, BankEntry, BankEvent, StatementHead } from '../../domain/bank.js';
import { normalizeCurrency } from '../../domain/currency.js';
import { formatMinor } from '../../domain/money.js';
import { InputError } from '../../errors.js';
import { physicalLines, yymmdd } from './lines.js';
import type { BankImporter, BankParseContext } from './types.js';

const CODES = '(?:01|02|03|16|49|88|98|99)';
const RECORD_START = new RegExp(`^\\s*${CODES}[,:]`);
// "…/   02,…": a record ends at "/" and the next starts on the same line.
const RUN_TOGETHER = new RegExp(`(?<=/)\\s+(?=${CODES},)`);

interface LogicalRecord {
  code: string;
  /** Fields text of the record itself (after "NN,"), without the final "/". */
  body: string;
  /** Texts of the 88 records that continue it. */
  more: string[];
  line: number;
}

export const bai2Importer: BankImporter = {
  name: 'bai2',
  expects: 'BAI2: comma-separated records starting "01," (file header), "02," (group), "03," (account)',
  identify(head) {
    return /^\s*01,[^,\n]*,[^,\n]*,\d{6},/.test(head) && /\n\s*0[23],/.test(head);
  },
  parse(chunks, ctx) {
    return parseBai2(chunks, ctx);
  },
};

function stripSlash(s: string): string {
  const t = s.trimEnd();
  return t.endsWith('/') ? t.slice(0, -1) : t;
}

async function* parseBai2(chunks: AsyncIterable<Buffer | string>, ctx: BankParseContext): AsyncGenerator<BankEvent[]> {
  const st = new Bai2State(ctx.file);
  let rec: LogicalRecord | null = null;
  // The raw text of the record being read, which may go on over the next physical line.
  let raw: { text: string; line: number } | null = null;
  const take = (out: BankEvent[]) => {
    if (!raw) return;
    const m = /^\s*(\d\d)[,:]([\s\S]*)$/.exec(raw.text);
    if (!m) throw new InputError(`expected a BAI2 record such as "16,..." found "${raw.text.slice(0, 40)}"`, { file: ctx.file, line: raw.line });
    if (m[1] === '88') {
      if (!rec) throw new InputError('continuation record 88 with no record before it', { file: ctx.file, line: raw.line });
      rec.more.push(m[2]);
      st.countRecord();
    } else {
      if (rec) st.record(rec, out);
      rec = { code: m[1], body: m[2], more: [], line: raw.line };
      st.countRecord();
    }
    raw = null;
  };
  for await (const batch of physicalLines(chunks)) {
    const out: BankEvent[] = [];
    for (const { text, line } of batch) {
      if (text.trim() === '') continue;
      const parts = text.split(RUN_TOGETHER);
      parts.forEach((part, i) => {
        if (i > 0 || RECORD_START.test(part)) {
          take(out);
          raw = { text: part, line };
        } else if (raw) {
          raw.text += part; // a record broken by a bare newline
        } else {
          throw new InputError(`expected a BAI2 record starting "01," found "${part.slice(0, 40)}"`, { file: ctx.file, line });
        }
      });
    }
    if (out.length) yield out;
  }
  const out: BankEvent[] = [];
  take(out);
  if (rec) st.record(rec, out);
  st.finish();
  if (out.length) yield out;
}

interface Level {
  total: bigint;
  records: number;
  children: number;
  line: number;
}

class Bai2State {
  private groupDate: string | null = null;
  private groupCurrency = 'USD';
  private currency = 'USD';
  private file: Level | null = null;
  private group: Level | null = null;
  private account: Level | null = null;
  private sections = new Map<string, number>();
  private head: StatementHead | null = null;
  private sawFileTrailer = false;

  constructor(private readonly path: string) {}

  private fail(line: number, message: string): never {
    throw new InputError(message, { file: this.path, line });
  }

  /** Every physical record (88s included) counts at every open level. */
  countRecord(): void {
    if (this.file) this.file.records++;
    if (this.group) this.group.records++;
    if (this.account) this.account.records++;
  }

  record(rec: LogicalRecord, out: BankEvent[]): void {
    // An 88 continues the fields of the record before it, even mid-list.
    const all = () => [rec.body, ...rec.more].map(stripSlash).join(',').split(',');
    switch (rec.code) {
      case '01':
        if (this.file) this.fail(rec.line, 'a second file header (01) before the file trailer (99)');
        this.file = { total: 0n, records: 1 + rec.more.length, children: 0, line: rec.line };
        return;
      case '02': {
        if (!this.file) this.fail(rec.line, 'group header (02) before the file header (01)');
        const f = all();
        this.groupDate = yymmdd(f[3] ?? '');
        if (!this.groupDate) this.fail(rec.line, `group header (02): as-of date "${f[3]}" is not YYMMDD`);
        this.groupCurrency = f[5] ? this.cur(f[5], rec.line) : 'USD';
        this.group = { total: 0n, records: 1 + rec.more.length, children: 0, line: rec.line };
        this.file.children++;
        return;
      }
      case '03':
        this.openAccount(rec, all(), out);
        return;
      case '16':
        this.detail(rec, out);
        return;
      case '49': {
        const acct = this.account;
        if (!acct || !this.head) this.fail(rec.line, 'account trailer (49) without an account (03)');
        const f = all();
        this.check(rec.line, `account ${this.head.account} (${this.head.statementId})`, '49', f, acct);
        this.group!.total += this.amount(f[0], rec.line);
        this.group!.children++;
        out.push({ kind: 'end', tail: { closing: null, line: rec.line } });
        this.account = null;
        this.head = null;
        return;
      }
      case '98': {
        if (!this.group) this.fail(rec.line, 'group trailer (98) without a group (02)');
        const f = all();
        this.check(rec.line, `group of ${this.groupDate}`, '98', f, this.group);
        this.file!.total += this.amount(f[0], rec.line);
        this.group = null;
        return;
      }
      case '99': {
        if (!this.file) this.fail(rec.line, 'file trailer (99) without a file header (01)');
        this.check(rec.line, 'file', '99', all(), this.file);
        this.sawFileTrailer = true;
        return;
      }
      default:
        this.fail(rec.line, `unknown BAI2 record type "${rec.code}"`);
    }
  }

  finish(): void {
    if (!this.sawFileTrailer) this.fail(0, 'no file trailer (99): the file looks truncated');
  }

  /** Trailer figures against what was read: total, then (98, 99) the number of children, then records. */
  private check(line: number, what: string, code: string, f: string[], level: Level): void {
    const total = this.amount(f[0], line);
    const cur = this.currency;
    if (total !== level.total) {
      this.fail(line, `${what}: control total in ${code} is ${formatMinor(total, cur)}, the records add up to ${formatMinor(level.total, cur)} (difference ${formatMinor(level.total - total, cur)})`);
    }
    const counts = code === '49' ? [undefined, f[1]] : [f[1], f[2]];
    if (counts[0] !== undefined && counts[0] !== '' && Number(counts[0]) !== level.children) {
      const child = code === '98' ? 'accounts' : 'groups';
      this.fail(line, `${what}: ${code} says ${Number(counts[0])} ${child}, the file has ${level.children} (difference ${level.children - Number(counts[0])})`);
    }
    if (counts[1] !== undefined && counts[1] !== '' && Number(counts[1]) !== level.records) {
      this.fail(line, `${what}: record count in ${code} is ${Number(counts[1])}, there are ${level.records} records (difference ${level.records - Number(counts[1])})`);
    }
  }

  private openAccount(rec: LogicalRecord, f: string[], out: BankEvent[]): void {
    if (!this.group) this.fail(rec.line, 'account record (03) outside a group (02)');
    if (this.account) this.fail(rec.line, 'account record (03) before the previous account trailer (49)');
    // 1 (the 03) + its 88s, counted by countRecord as they were read.
    this.account = { total: 0n, records: 1 + rec.more.length, children: 0, line: rec.line };
    const account = (f[0] ?? '').trim();
    if (!account) this.fail(rec.line, 'account record (03) without an account number');
    this.currency = f[1] ? this.cur(f[1], rec.line) : this.groupCurrency;
    const balances = new Map<string, bigint>();
    let i = 2;
    while (i < f.length) {
      const type = f[i].trim();
      if (type === '') {
        // "…,015,35217175,,,/": an empty field before the "/" or an 88 is no summary item.
        i++;
        continue;
      }
      const amountText = f[i + 1] ?? '';
      const amount = amountText.trim() === '' ? 0n : this.amount(amountText, rec.line);
      this.account.total += amount;
      if (amountText.trim() !== '' && !balances.has(type)) balances.set(type, amount);
      i = skipFunds(f, i + 3);
    }
    const pick = (o: string, c: string): [BankBalance, BankBalance] | null =>
      balances.has(o) && balances.has(c)
        ? [
            { minor: balances.get(o)!, date: this.groupDate, code: o },
            { minor: balances.get(c)!, date: this.groupDate, code: c },
          ]
        : null;
    const pair = pick('010', '015') ?? pick('040', '045');
    const key = `${this.groupDate}/${account}`;
    const n = (this.sections.get(key) ?? 0) + 1;
    this.sections.set(key, n);
    this.head = {
      account,
      currency: this.currency,
      statementId: n === 1 ? key : `${key}#${n}`,
      sequence: null,
      message: 'BAI2',
      opening: pair?.[0] ?? null,
      closing: pair?.[1] ?? null,
      line: rec.line,
    };
    out.push({ kind: 'statement', head: this.head });
  }

  private detail(rec: LogicalRecord, out: BankEvent[]): void {
    if (!this.account || !this.head) this.fail(rec.line, 'detail record (16) outside an account (03..49)');
    // Fixed fields first; whatever follows the customer reference is free text (commas included).
    let rest = rec.body;
    const next = (): string => {
      const c = rest.indexOf(',');
      if (c === -1) {
        const v = rest;
        rest = '';
        return stripSlash(v);
      }
      const v = rest.slice(0, c);
      rest = rest.slice(c + 1);
      return v;
    };
    const type = next().trim();
    const amountText = next();
    const funds = next().trim().toUpperCase();
    let valueDate: string | null = null;
    if (funds === 'V') {
      valueDate = yymmdd(next().trim());
      next();
    } else if (funds === 'S') {
      next();
      next();
      next();
    } else if (funds === 'D') {
      const n = Number(next() || 0);
      for (let k = 0; k < 2 * n; k++) next();
    }
    const bankRef = next().trim();
    const customerRef = next().trim();
    const text = [stripSlash(rest).trim(), ...rec.more.map((t) => stripSlash(t).trim())].filter(Boolean).join(' ');
    const code = Number(type);
    if (!/^\d{3}$/.test(type) || !((code >= 100 && code < 400) || (code >= 400 && code < 700))) {
      this.fail(rec.line, `detail record (16): type code "${type}" is neither a credit (100-399) nor a debit (400-699)`);
    }
    const amount = this.amount(amountText, rec.line);
    this.account.total += amount;
    const entry: BankEntry = {
      line: rec.line,
      minor: code < 400 ? amount : -amount,
      currency: this.currency,
      bookingDate: this.groupDate,
      valueDate: valueDate ?? this.groupDate,
      bankReference: bankRef || null,
      customerReference: customerRef || null,
      endToEndId: null,
      remittance: text || null,
      reversal: false,
      typeCode: type,
      details: [],
      fx: null,
      chargesMinor: null,
    };
    out.push({ kind: 'entry', entry });
  }

  private amount(text: string | undefined, line: number): bigint {
    const t = (text ?? '').trim();
    if (t === '') return 0n; // an empty control total is zero ("49,,2/")
    if (!/^[+-]?\d+$/.test(t)) this.fail(line, `expected an amount in minor units (implied decimals) like 12345, found "${t}"`);
    return BigInt(t.startsWith('+') ? t.slice(1) : t);
  }

  private cur(text: string, line: number): string {
    try {
      return normalizeCurrency(text);
    } catch (err) {
      this.fail(line, (err as Error).message);
    }
  }
}

/** Index after a funds-type specification starting at f[i]. */
function skipFunds(f: string[], i: number): number {
  const t = (f[i] ?? '').trim().toUpperCase();
  if (t === 'S') return i + 4;
  if (t === 'V') return i + 3;
  if (t === 'D') return i + 2 + 2 * Number(f[i + 1] || 0);
  return i + 1;
}
