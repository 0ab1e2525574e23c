/**
 * Mapped ledger exports: a JSON mapping describes how another CSV (an ERP export, a bank-style
 * debit/credit sheet) maps onto the canonical ledger fields. Example, a German ERP export:
 *
 *   { "delimiter": ";", "decimalSeparator": ",", "thousandsSeparator": ".",
 *     "dateFormat": "DD.MM.YYYY HH:mm:ss", "timezone": "Europe/Berlin", "currency": "EUR",
 *     "columns": { "entry_id": "Belegnr", "booked_at": "Buchungsdatum", "reference": "Auftrag",
 *                  "debit": "Soll", "credit": "Haben", "type": "Buchungsart" },
 *     "typeMap": { "Zahlung": "charge", "Gutschrift": "refund" }, "defaultType": "adjustment" }
 *
 * Sign: a signed `amount` column is read as written ("money-in-positive") or negated
 * ("money-in-negative"); with `debit` + `credit` columns the amount is credit - debit (credit =
 * money in, as on a bank statement), and "money-in-negative" flips that too. `fee` is taken as
 * written (positive = cost). A bare date (a format without time) is that calendar date at 00:00Z
 * whatever the timezone: a booking day is not an instant.
 */
import { readRegularFile } from '../domain/input-file.js';
import { z } from 'zod';
import { normalizeCurrency, CurrencyError } from '../domain/currency.js';
import type { ParseAmountOptions } from '../domain/money.js';
import { compileDateFormat, type DateFormat } from '../domain/date-format.js';
import {
  dateOnlyToUtc,
  formatUtc,
  parseIsoParts,
  parseTimeZone,
  TimeError,
  wallTimeToUtc,
  type TimeZoneSpec,
} from '../domain/time.js';
import { TX_TYPES, type TxType } from '../domain/transaction.js';
import { InputError } from '../errors.js';
import { ledgerTransaction } from './ledger.js';
import { amountText, cell, currencyAt, exponentOf, optional, required, RowError, timeAt, type Columns } from './row.js';
import { tableParser } from './table.js';
import type { Importer } from './types.js';

const columnName = z.string().trim().min(1, 'expected a column name');

const MappingSchema = z.strictObject({
  columns: z.strictObject({
    entry_id: columnName,
    booked_at: columnName,
    reference: columnName.optional(),
    psp_reference: columnName.optional(),
    type: columnName.optional(),
    amount: columnName.optional(),
    debit: columnName.optional(),
    credit: columnName.optional(),
    currency: columnName.optional(),
    fee: columnName.optional(),
    description: columnName.optional(),
  }),
  delimiter: z.string().length(1, 'expected one character such as "," or ";"').optional(),
  dateFormat: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  thousandsSeparator: z.enum(['', ',', '.', ' ', "'", '\u00a0']).optional(),
  sign: z.enum(['money-in-positive', 'money-in-negative']).optional(),
  typeMap: z.record(z.string(), z.enum(TX_TYPES)).optional(),
  defaultType: z.enum(TX_TYPES).optional(),
  currency: z.string().optional(),
});

/** A validated mapping file. */
export type Mapping = z.infer<typeof MappingSchema>;

function keyPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

/** Validate parsed JSON as a mapping; InputError naming the first bad key. */
export function validateMapping(json: unknown, file: string): Mapping {
  const r = MappingSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${keyPath(issue.path)}.` : '';
      throw new InputError(`unknown key "${where}${issue.keys[0]}" in the mapping; check its spelling`, { file });
    }
    const key = keyPath(issue.path) || '(top level)';
    throw new InputError(`key "${key}": ${issue.message}`, { file });
  }
  const m = r.data;
  const c = m.columns;
  const bad = (key: string, why: string) => new InputError(`key "${key}": ${why}`, { file });
  if (c.amount && (c.debit || c.credit)) throw bad('columns.amount', 'give either "amount" or "debit" + "credit", not both');
  if (!c.amount && !(c.debit && c.credit)) {
    throw bad(c.debit ? 'columns.credit' : c.credit ? 'columns.debit' : 'columns.amount', 'expected a signed "amount" column, or both "debit" and "credit"');
  }
  if (m.thousandsSeparator && m.thousandsSeparator === (m.decimalSeparator ?? '.')) {
    throw bad('thousandsSeparator', `must differ from the decimal separator "${m.decimalSeparator ?? '.'}"`);
  }
  if (m.dateFormat !== undefined) {
    try {
      compileDateFormat(m.dateFormat);
    } catch (e) {
      if (e instanceof TimeError) throw bad('dateFormat', e.message);
      throw e;
    }
  }
  if (m.timezone !== undefined) {
    try {
      parseTimeZone(m.timezone);
    } catch (e) {
      if (e instanceof TimeError) throw bad('timezone', e.message);
      throw e;
    }
  }
  if (m.currency !== undefined) {
    try {
      normalizeCurrency(m.currency);
    } catch (e) {
      if (e instanceof CurrencyError) throw bad('currency', e.message);
      throw e;
    }
  }
  if (!c.currency && m.currency === undefined) throw bad('currency', 'the export has no currency column (columns.currency), so a default "currency" is required');
  if (!c.type && m.defaultType === undefined) throw bad('defaultType', 'the export has no type column (columns.type), so a "defaultType" is required');
  return m;
}

/** Read + validate a mapping JSON file and return the ledger importer it describes. */
export function loadMappingImporter(mappingPath: string): Importer {
  // A mapping is a few hundred bytes; a megabyte is generous and keeps a wrong path harmless.
  const text = readRegularFile(mappingPath, mappingPath, 1 << 20).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InputError(`the mapping is not valid JSON (${(e as Error).message}); expected a JSON object with "columns"`, {
      file: mappingPath,
    });
  }
  return mappingImporter(validateMapping(json, mappingPath), mappingPath);
}

/** The importer for an already validated mapping. */
export function mappingImporter(m: Mapping, mappingPath: string): Importer {
  const c = m.columns;
  const mapped = Object.entries(c).filter(([, v]) => v !== undefined) as Array<[string, string]>;
  return {
    name: 'mapping',
    side: 'ledger',
    delimiter: m.delimiter ?? ',',
    expects: `a ledger export with the columns named in ${mappingPath}: ${mapped.map(([, v]) => v).join(', ')}`,
    identify(head) {
      const cols = head.firstRecord.map((f) => f.trim());
      return cols.includes(c.entry_id) && cols.includes(c.booked_at);
    },
    open(ctx) {
      return tableParser(ctx, 'mapped ledger', (cols) => bindMapping(m, cols, ctx.source, mappingPath));
    },
  };
}

function bindMapping(m: Mapping, cols: Columns, source: string, mappingPath: string) {
  const c = m.columns;
  const idx = (key: keyof Mapping['columns']): number => {
    const name = c[key];
    if (name === undefined) return -1;
    const i = cols.index(name);
    if (i === -1) {
      throw cols.headerError(
        `missing the column "${name}" that the mapping ${mappingPath} names as columns.${key}; the header has: ${cols.names.join(', ')}`,
      );
    }
    return i;
  };
  const iId = idx('entry_id');
  const iBooked = idx('booked_at');
  const iRef = idx('reference');
  const iPsp = idx('psp_reference');
  const iType = idx('type');
  const iAmount = idx('amount');
  const iDebit = idx('debit');
  const iCredit = idx('credit');
  const iCurrency = idx('currency');
  const iFee = idx('fee');
  const iDescription = idx('description');
  const amountOpts: ParseAmountOptions = { decimal: m.decimalSeparator ?? '.', group: m.thousandsSeparator || undefined };
  const negate = m.sign === 'money-in-negative';
  const format: DateFormat | null = m.dateFormat ? compileDateFormat(m.dateFormat) : null;
  const zone: TimeZoneSpec = parseTimeZone(m.timezone ?? 'UTC');
  const defaultCurrency = m.currency === undefined ? null : normalizeCurrency(m.currency);
  const typeMap = new Map(Object.entries(m.typeMap ?? {}).map(([k, v]) => [k.trim(), v]));
  const bookedName = c.booked_at;
  const typeName = c.type ?? 'type';

  const bookedAt = (text: string): string =>
    formatUtc(
      timeAt(bookedName, () => {
        if (format) {
          const w = format.parse(text);
          return format.hasTime ? wallTimeToUtc(w, zone) : dateOnlyToUtc(w);
        }
        const p = parseIsoParts(text);
        if (p.offsetMinutes !== null) return wallTimeToUtc(p.wall, { offsetMinutes: p.offsetMinutes });
        return p.hasTime ? wallTimeToUtc(p.wall, zone) : dateOnlyToUtc(p.wall);
      }),
    );

  const typeOf = (f: string[]): TxType => {
    if (iType === -1) return m.defaultType!;
    const v = cell(f, iType);
    const hit = typeMap.get(v) ?? ((TX_TYPES as readonly string[]).includes(v.toLowerCase()) ? (v.toLowerCase() as TxType) : undefined);
    if (hit) return hit;
    if (m.defaultType) return m.defaultType;
    const known = [...typeMap.keys(), ...TX_TYPES].join(', ');
    throw new RowError(typeName, `${typeName}: expected one of ${known}, found "${v}"`);
  };

  return (f: string[], line: number) => {
    const currency = iCurrency === -1 ? defaultCurrency! : currencyAt(f, iCurrency, c.currency!);
    const exp = exponentOf(currency);
    let amountMinor: bigint;
    if (iAmount !== -1) {
      amountMinor = amountText(required(f, iAmount, c.amount!, 'an amount'), c.amount!, exp, amountOpts);
    } else {
      const debit = cell(f, iDebit);
      const credit = cell(f, iCredit);
      if (debit === '' && credit === '') {
        throw new RowError(c.credit!, `expected an amount in "${c.debit}" or "${c.credit}", found both empty`);
      }
      amountMinor =
        (credit === '' ? 0n : amountText(credit, c.credit!, exp, amountOpts)) - (debit === '' ? 0n : amountText(debit, c.debit!, exp, amountOpts));
    }
    if (negate) amountMinor = -amountMinor;
    const fee = cell(f, iFee);
    return ledgerTransaction(
      source,
      {
        externalId: required(f, iId, c.entry_id, 'the entry id'),
        bookedAt: bookedAt(required(f, iBooked, bookedName, `a date like ${m.dateFormat ?? '2025-03-03'}`)),
        reference: optional(f, iRef),
        pspReference: optional(f, iPsp),
        type: typeOf(f),
        currency,
        amountMinor,
        feeMinor: fee === '' ? null : amountText(fee, c.fee!, exp, amountOpts),
        description: optional(f, iDescription),
      },
      line,
      f,
    );
  };
}

