/**
 * The importer registry and the API the import operation uses: identify a file from its head,
 * stream its records, and turn records into transactions or rejects. Importers are pure
 * (beangulp style); storing rows is the import operation's job (src/operations/import.ts).
 */
import type { Side } from '../domain/transaction.js';
import { InputError } from '../errors.js';
import { printable, quoted } from '../output.js';
import { adyenImporter } from './adyen.js';
import { checkoutImporter } from './checkout.js';
import { readRecordsSync } from './csv-stream.js';
import { ledgerImporter } from './ledger.js';
import { paypalImporter } from './paypal.js';
import { stripeImporter } from './stripe.js';
import type { FileHead, Importer, ParseContext, ParseItem } from './types.js';

export { readRecordBatches, readRecords, readRecordsSync } from './csv-stream.js';
export type { CsvRecord } from './csv.js';
export { readHead } from './head.js';
export { loadMappingImporter } from './mapping.js';

/** How much of an unrecognised file's first line an error quotes (escaped). */
export const FIRST_LINE_QUOTE = 40;

/** Settlement-file importers, in the order `--format` lists them. */
export const PSP_IMPORTERS: readonly Importer[] = [stripeImporter, adyenImporter, paypalImporter, checkoutImporter];

/** The canonical ledger CSV (a mapped export is built by loadMappingImporter). */
export const LEDGER_IMPORTERS: readonly Importer[] = [ledgerImporter];

/** --format name -> importer (psp side). */
export function importerByName(name: string): Importer | undefined {
  return PSP_IMPORTERS.find((i) => i.name === name);
}

/**
 * Exactly one importer of `side` claims the head, else InputError (exit 17) naming the file
 * and saying what each format expects (none claimed it) or which two claimed it.
 */
export function identifyImporter(side: Side, head: FileHead, file: string): Importer {
  const candidates = side === 'psp' ? PSP_IMPORTERS : LEDGER_IMPORTERS;
  const claimed = candidates.filter((i) => i.identify(head));
  if (claimed.length === 1) return claimed[0];
  if (claimed.length === 0) {
    // A file of the other side is a common slip (the ledger export given to import psp): say so.
    const other = (side === 'psp' ? LEDGER_IMPORTERS : PSP_IMPORTERS).find((i) => i.identify(head));
    if (other) {
      const otherSide = side === 'psp' ? 'ledger' : 'psp';
      throw new InputError(`this is a ${other.name} file, which is imported on the ${otherSide} side; use "payrecon import ${otherSide}"`, {
        file,
        line: 1,
      });
    }
    // Quote only a short, escaped prefix: an unrecognised file may be anything dropped into an
    // inbox (a .env with a password on its first line), and the message reaches terminals and
    // logs. Alerts get the summary, which quotes nothing.
    const what = side === 'psp' ? 'settlement file' : 'ledger file';
    const hint =
      'expected one of:\n' +
      candidates.map((i) => `  - ${i.expects}`).join('\n') +
      (side === 'ledger' ? '\nFor another export, describe its columns with --mapping.' : '\nOr name the format with --format.');
    const err = new InputError(`not a recognised ${what}: the first line begins ${quoted(head.firstRecord.join(','), FIRST_LINE_QUOTE)}`, { file, line: 1 }, hint);
    err.summary = `${printable(file)}: not a recognised ${what} (exit 17)`;
    throw err;
  }
  throw new InputError(
    `the file looks like ${claimed.map((i) => i.name).join(' and ')} at once; pass --format to say which it is`,
    { file, line: 1 },
  );
}

/** Convenience for golden tests and small files: run an importer over text. */
export function parseText(importer: Importer, text: string, ctx: ParseContext): { header: string[] | null; items: ParseItem[] } {
  const parser = importer.open(ctx);
  const items: ParseItem[] = [];
  for (const r of readRecordsSync(text, ctx.file, importer.delimiter)) {
    if (r.oversized) {
      items.push({ reject: { line: r.line, reason: 'a field is too long; the row was not read', raw: [] } });
      continue;
    }
    for (const item of parser.record(r.fields, r.line)) items.push(item);
  }
  for (const item of parser.end()) items.push(item);
  return { header: parser.header(), items };
}
