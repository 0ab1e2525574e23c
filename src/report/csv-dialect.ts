/**
 * CSV dialects: what a spreadsheet (or a program) needs to read a payrecon CSV as meant.
 *
 * A spreadsheet opening a CSV guesses each cell's type, and guesses wrong for identifiers:
 * Excel cuts a 16-digit Adyen PSP reference to 15 significant digits, and `0012345` or `1E5`
 * become the numbers 12345 and 100000. It also reads decimals only in its locale's decimal
 * mark: German LibreOffice/Excel read `57.28` as text. So every cell is written by its type:
 *
 * - id (references, PSP/ledger/bank ids, scanned paths): in the spreadsheet dialects a string
 *   literal formula `="0012345"`, which Excel and LibreOffice evaluate to the text itself,
 *   never to a number. Its content cannot run (quotes are doubled inside a literal), so it
 *   holds the reference exactly, `=HYPERLINK(...)` included. Excel refuses literals over 255
 *   characters and line breaks inside them: such a value is written as a text cell instead.
 *   In rfc4180 an id is the plain value, always quoted (LibreOffice's "Format quoted field as
 *   text" then keeps it text; a program reads the same value either way).
 * - amount: a decimal string from exact money code, written with the dialect's decimal mark.
 * - int: counts, line numbers, discrepancy ids: as they are.
 * - text: everything else, with formula neutralisation (`'` before = + - @ tab CR; see
 *   neutralise below), as are ids in rfc4180.
 */

export const CSV_DIALECT_NAMES = ['excel', 'excel-semicolon', 'rfc4180'] as const;
export type CsvDialectName = (typeof CSV_DIALECT_NAMES)[number];

export interface CsvDialect {
  name: CsvDialectName;
  delimiter: ',' | ';';
  decimalMark: '.' | ',';
  /** A UTF-8 byte order mark first: without it Excel reads the file in the machine's code page. */
  bom: boolean;
  /** Ids as `="..."` string literals (spreadsheets) or plain, quoted values (programs). */
  idsAsFormulaText: boolean;
}

/**
 * The default is `excel`: comma, decimal point, BOM, ids protected. It is what Excel and
 * LibreOffice read correctly in English-speaking locales (and what the earlier `discrepancies
 * --out` wrote, BOM included); `excel-semicolon` is the same for locales with a decimal comma
 * (German, French, ...), `rfc4180` plain CSV for programs.
 */
export const DEFAULT_CSV_DIALECT: CsvDialectName = 'excel';

export const CSV_DIALECTS: Record<CsvDialectName, CsvDialect> = {
  excel: { name: 'excel', delimiter: ',', decimalMark: '.', bom: true, idsAsFormulaText: true },
  'excel-semicolon': { name: 'excel-semicolon', delimiter: ';', decimalMark: ',', bom: true, idsAsFormulaText: true },
  rfc4180: { name: 'rfc4180', delimiter: ',', decimalMark: '.', bom: false, idsAsFormulaText: false },
};

export type CellType = 'id' | 'amount' | 'int' | 'text';

export type CellValue = string | number | null | undefined;

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const DANGEROUS_START = /^[\s]*[=+\-@\t\r]/;

/** Neutralise a text cell a spreadsheet could evaluate; plain numbers pass unchanged. */
export function neutralise(value: string): string {
  if (PLAIN_NUMBER.test(value)) return value;
  return DANGEROUS_START.test(value) ? `'${value}` : value;
}

/** Excel's limit for a string constant in a formula. */
const MAX_LITERAL = 255;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * One cell's text before CSV quoting, or `undefined` for "write it as a text cell" (the
 * caller neutralises it). `quoteAlways` asks for quotes even when nothing needs them.
 */
export function typedCell(dialect: CsvDialect, type: CellType, value: CellValue): { text: string; quoteAlways?: boolean } | undefined {
  if (value === null || value === undefined || value === '') return { text: '' };
  const s = String(value);
  if (type === 'int') return /^-?\d+$/.test(s) ? { text: s } : undefined;
  if (type === 'amount') return DECIMAL.test(s) ? { text: dialect.decimalMark === '.' ? s : s.replace('.', dialect.decimalMark) } : undefined;
  if (type === 'id') {
    if (!dialect.idsAsFormulaText) return { text: neutralise(s), quoteAlways: true };
    // A control character (line break, tab) or a long value: a text cell is the safe form.
    if (s.length > MAX_LITERAL || /[\u0000-\u001f\u007f]/.test(s)) return undefined;
    return { text: `="${s.replaceAll('"', '""')}"` };
  }
  return undefined;
}

/** `="..."` back to its text (a sheet saved by a program that did not evaluate it). */
export function unwrapFormulaText(s: string): string {
  const m = /^="((?:[^"]|"")*)"$/s.exec(s);
  return m ? m[1].replaceAll('""', '"') : s;
}
