// PLACEHOLDER: replaced by the import command. Must not remain when work lands.
import { PayreconError } from '../errors.js';
export async function runImportPsp(..._a: unknown[]): Promise<number> { throw new PayreconError('not built yet', 21); }
export async function runImportLedger(..._a: unknown[]): Promise<number> { throw new PayreconError('not built yet', 21); }
