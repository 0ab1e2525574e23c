// PLACEHOLDER: replaced by the work on this command. Must not remain when work lands.
import type { CommandContext } from '../context.js';
import { PayreconError } from '../errors.js';
export async function run(...args: unknown[]): Promise<number> {
  const ctx = args[args.length - 1] as CommandContext;
  void ctx;
  throw new PayreconError('report is not built yet', 21);
}
