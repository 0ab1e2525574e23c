/**
 * The bank-statement importer registry: `import bank --format` names one, else exactly one
 * claims the file's first bytes.
 */
import type { BankFormat } from '../../domain/bank.js';
import { InputError } from '../../errors.js';
import { bai2Importer } from './bai2.js';
import { camtImporter } from './camt.js';
import { mt940Importer } from './mt940.js';
import type { BankImporter } from './types.js';

export type { BankImporter, BankParseContext } from './types.js';
export { StatementProof, type ProofResult } from './proof.js';

export const BANK_IMPORTERS: readonly BankImporter[] = [camtImporter, mt940Importer, bai2Importer];

export function bankImporterByName(name: string): BankImporter | undefined {
  return BANK_IMPORTERS.find((i) => i.name === (name as BankFormat));
}

/** Exactly one format claims the head (the first bytes, as Latin-1), else InputError (exit 17). */
export function identifyBankImporter(head: string, file: string): BankImporter {
  const claimed = BANK_IMPORTERS.filter((i) => i.identify(head));
  if (claimed.length === 1) return claimed[0];
  if (claimed.length === 0) {
    const first = head.split(/\r?\n/, 1)[0].slice(0, 60);
    throw new InputError(
      `not a recognised bank statement: the file starts "${first}"; expected one of:\n` +
        BANK_IMPORTERS.map((i) => `  - ${i.expects}`).join('\n') +
        '\nOr name the format with --format.',
      { file, line: 1 },
    );
  }
  throw new InputError(`the file looks like ${claimed.map((i) => i.name).join(' and ')} at once; pass --format to say which it is`, { file, line: 1 });
}
