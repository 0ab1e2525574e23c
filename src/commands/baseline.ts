// PLACEHOLDER: replaced by the integrity work. Must not remain when work lands.
import { PayreconError } from '../errors.js';
export async function runInit(..._a: unknown[]): Promise<number> { throw new PayreconError('not built yet', 21); }
export async function runUpdate(..._a: unknown[]): Promise<number> { throw new PayreconError('not built yet', 21); }
export async function runList(..._a: unknown[]): Promise<number> { throw new PayreconError('not built yet', 21); }
