/**
 * PayPal Settlement report (STL, `STL-yyyymmdd.NN.VVV.CSV`): a framed file, one record type
 * per line.
 *
 *   "RH",2025/03/04 03:10:22 -0800,"A","MERCHANT01",009
 *   "FH",01
 *   "SH",2025/03/03 00:00:00 -0800,2025/03/03 23:59:59 -0800,"MERCHANT01",""
 *   "CH","Transaction ID","Invoice ID","PayPal Reference ID","PayPal Reference ID Type","Transaction Event Code","Transaction Initiation Date",...
 *   "SB","5TY12345AB6789012","ORD-3001","","","T0006",2025/03/03 08:14:02 -0800,2025/03/03 08:14:02 -0800,"CR",5200,"USD","DR",181,"USD",...
 *   "SF","USD",...  "SC",1  "RF",...  "RC",1  "FF",1
 *
 * Quirks: UTF-8 with a BOM; text fields quoted, numbers and dates not; only SB rows are
 * transactions and CH names their columns; SC (per section), RC (per report) and FF (per
 * file) count the SB rows and are checked (RC only when the file holds the whole report, i.e.
 * FH says file 1 or there is no FH); amounts are unsigned integers scaled by 100 whatever the
 * currency (10000 is USD 100.00 and also JPY 100), the sign comes from CR/DR; a DR fee is a cost.
 * A later file of a split report starts at SH (no RH/FH) and is recognised by its records; a
 * transaction-detail (TRR) extract starts at CH, has the long TRR column list, and no footer.
 *
 * Identity: a Transaction ID names one PayPal transaction, but several balance events may be
 * booked under it (a dispute hold T1110 and its release T1111 share it), so a row is
 * `<Transaction ID>:<Event Code>`; the Transaction ID and a `PayPal Reference ID` of type TXN
 * (the payment a refund, reversal or conversion leg belongs to) are aliases.
 */
import type { TxType } from '../domain/transaction.js';
import { AmountError, rescaleMinor } from '../domain/money.js';
import { formatUtc, parseTimestampWithOffset } from '../domain/time.js';
import { InputError } from '../errors.js';
import { Columns, RowError, cell, currencyAt, optional, required, timeAt } from './row.js';
import { lengthProblem, rejectFrom } from './table.js';
import type { Importer, ParseItem, RecordParser } from './types.js';

/** Transaction event code -> type (see docs/importers.md); unlisted codes are adjustments. */
export function paypalType(code: string): TxType {
  if (code.startsWith('T00')) return 'charge';
  if (code === 'T1107') return 'refund';
  if (code === 'T1106' || code === 'T1201') return 'chargeback';
  if (code === 'T1202') return 'chargeback_reversal';
  if (code === 'T0106') return 'fee';
  if (code.startsWith('T04')) return 'payout';
  return 'adjustment'; // T1108 fee reversal, T02xx currency conversion, and everything else
}

const COUNT = /^\d+$/;

function hundredths(f: string[], i: number, column: string, currency: string): bigint {
  const v = cell(f, i);
  if (!COUNT.test(v)) {
    throw new RowError(column, `${column}: expected an unsigned whole number of hundredths (5200 = 52.00), found "${v}"`);
  }
  try {
    return rescaleMinor(BigInt(v), 2, currency);
  } catch (e) {
    if (e instanceof AmountError) {
      throw new RowError(column, `${column}: PayPal writes amounts x100, and ${v} is not a whole number of ${currency}: ${e.message}`);
    }
    throw e;
  }
}

function direction(f: string[], i: number, column: string): 1n | -1n {
  const v = cell(f, i).toUpperCase();
  if (v === 'CR') return 1n;
  if (v === 'DR') return -1n;
  throw new RowError(column, `${column}: expected CR or DR, found "${cell(f, i)}"`);
}

type SbReader = (f: string[], line: number) => ParseItem;

export const paypalImporter: Importer = {
  name: 'paypal',
  side: 'psp',
  expects: 'PayPal: a settlement report (STL) whose first record is "RH" (or "FH"/"SH" in a later file of a split report) and whose column header is a "CH" record',
  identify(head) {
    const r = head.firstRecord;
    if (r.length < 2) return false;
    const kind = r[0].trim();
    if (kind === 'RH' || kind === 'FH' || kind === 'SH') return true;
    return kind === 'CH' && r.some((c) => c.trim() === 'Transaction Event Code');
  },
  open(ctx): RecordParser {
    const file = ctx.file;
    let header: string[] | null = null;
    let read: SbReader | null = null;
    let fileSequence: number | null = null;
    // RC counts the whole report: checkable only in a file that starts it (RH first).
    let startsReport = false;
    let first = true;
    let section: { line: number; rows: number } | null = null;
    let total = 0;
    let sawReportCount = false;
    let sawFileFooter = false;

    const count = (f: string[], line: number, what: string): number => {
      const v = cell(f, 1);
      if (!COUNT.test(v)) throw new InputError(`${what} record: expected a record count, found "${v}"`, { file, line });
      return Number(v);
    };
    const check = (expected: number, found: number, line: number, what: string) => {
      if (expected !== found) {
        throw new InputError(
          `${what} says ${expected} SB rows, but ${found} were found; expected the counts to match (truncated or edited file?)`,
          { file, line },
        );
      }
    };

    const bind = (cols: Columns): SbReader => {
      const iId = cols.require('Transaction ID');
      const iCode = cols.require('Transaction Event Code');
      const iDate = cols.require('Transaction Initiation Date', ['Transaction Completion Date']);
      const dateName = cols.names[iDate].trim();
      const iDir = cols.require('Transaction Debit or Credit');
      const iGross = cols.require('Gross Transaction Amount');
      const iCur = cols.require('Gross Transaction Currency');
      const iFeeDir = cols.index('Fee Debit or Credit');
      const iFee = cols.index('Fee Amount');
      const iFeeCur = cols.index('Fee Currency');
      const iInvoice = cols.index('Invoice ID');
      const iRefId = cols.index('PayPal Reference ID');
      const iRefType = cols.index('PayPal Reference ID Type');
      const iCustom = cols.index('Custom Field');
      const hdr = cols.names;
      return (f, line) => {
        const bad = lengthProblem(f, hdr);
        if (bad) return rejectFrom(bad, f, line);
        try {
          const transactionId = required(f, iId, 'Transaction ID', 'a PayPal transaction id');
          const code = required(f, iCode, 'Transaction Event Code', 'an event code like T0006').toUpperCase();
          const externalId = `${transactionId}:${code}`;
          const aliases = [transactionId];
          // Other reference types (RP recurring profile, ODR order, BAP billing agreement)
          // name something shared by many transactions, not the payment.
          const refId = cell(f, iRefId);
          const refType = cell(f, iRefType).toUpperCase();
          if (refId !== '' && refId !== transactionId && (refType === 'TXN' || refType === '')) aliases.push(refId);
          const currency = currencyAt(f, iCur, 'Gross Transaction Currency');
          const amountMinor = direction(f, iDir, 'Transaction Debit or Credit') * hundredths(f, iGross, 'Gross Transaction Amount', currency);
          let feeMinor: bigint | null = null;
          let settlementCurrency: string | null = null;
          if (cell(f, iFee) !== '') {
            const feeCurrency = iFeeCur >= 0 && cell(f, iFeeCur) !== '' ? currencyAt(f, iFeeCur, 'Fee Currency') : currency;
            // DR = the merchant pays the fee (a cost, positive); CR = a fee given back.
            feeMinor = -direction(f, iFeeDir, 'Fee Debit or Credit') * hundredths(f, iFee, 'Fee Amount', feeCurrency);
            if (feeCurrency !== currency) settlementCurrency = feeCurrency;
          }
          const when = required(f, iDate, dateName, 'a date like 2025/03/03 08:14:02 -0800');
          const bookedAt = formatUtc(timeAt(dateName, () => parseTimestampWithOffset(when)));
          return {
            tx: {
              side: 'psp',
              source: ctx.source,
              externalId,
              aliases,
              reference: optional(f, iInvoice) ?? optional(f, iCustom),
              pspReference: null,
              type: paypalType(code),
              currency,
              amountMinor,
              feeMinor,
              // PayPal states no net; it is gross - fee when both are in one currency.
              netMinor: feeMinor === null ? amountMinor : settlementCurrency === null ? amountMinor - feeMinor : null,
              settlementCurrency,
              exchangeRate: null,
              bookedAt,
              payoutId: null,
              description: null,
              line,
              raw: f,
            },
          };
        } catch (e) {
          if (e instanceof RowError) return rejectFrom(e, f, line);
          throw e;
        }
      };
    };

    return {
      record(fields, line) {
        const kind = fields[0].trim();
        if (first) {
          startsReport = kind === 'RH';
          first = false;
        }
        switch (kind) {
          case 'SB':
            if (read === null) throw new InputError('an SB row comes before the CH column header; expected CH first', { file, line });
            total++;
            if (section) section.rows++;
            return [read(fields, line)];
          case 'CH':
            header = fields;
            read = bind(new Columns(fields, file, line, 'PayPal STL'));
            return [];
          case 'SH':
            section = { line, rows: 0 };
            return [];
          case 'SC':
            if (section === null) throw new InputError('an SC record without a section (no SH before it)', { file, line });
            check(count(fields, line, 'SC'), section.rows, line, `the SC record of the section starting at line ${section.line}`);
            section = null;
            return [];
          case 'RC':
            sawReportCount = true;
            if (startsReport && (fileSequence === null || fileSequence === 1)) check(count(fields, line, 'RC'), total, line, 'the RC record');
            return [];
          case 'FF':
            sawFileFooter = true;
            check(count(fields, line, 'FF'), total, line, 'the FF record');
            return [];
          case 'FH': {
            const v = cell(fields, 1);
            fileSequence = COUNT.test(v) ? Number(v) : null;
            return [];
          }
          case 'RH':
          case 'SF':
          case 'RF':
            return [];
          default:
            throw new InputError(
              `unknown record type "${kind}"; expected one of RH FH SH CH SB SF SC RF RC FF`,
              { file, line },
            );
        }
      },
      end() {
        if (header === null) throw new InputError('no CH column-header record; expected a PayPal STL report', { file });
        if (section !== null) {
          throw new InputError('the section starting here has no SC record (truncated file?); expected an SC record count', {
            file,
            line: section.line,
          });
        }
        if (!sawReportCount && !sawFileFooter) {
          throw new InputError('the file ends without an RC or FF record (truncated file?); expected the report footer', { file });
        }
        return [];
      },
      // end() has checked every count it saw against the rows found.
      countedEmpty() {
        return sawReportCount || sawFileFooter;
      },
      header() {
        return header;
      },
    };
  },
};
