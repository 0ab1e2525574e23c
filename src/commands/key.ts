/** `payrecon key generate --out <dir>`: an Ed25519 key pair (src/operations/key.ts), reported. */
import type { CommandContext } from '../context.js';
import { ExitCode } from '../domain/exit-codes.js';
import { generateKey } from '../operations/key.js';
import { printable } from '../output.js';

export async function run(opts: { out: string }, ctx: CommandContext): Promise<number> {
  const k = generateKey(ctx, opts.out);
  if (ctx.out.json) {
    ctx.out.emitJson({ key_id: k.keyId, private_key: k.privateKey, public_key: k.publicKey });
    return ExitCode.OK;
  }
  ctx.out.info(`Ed25519 key ${k.keyId}`);
  ctx.out.info(`  private key (signs baselines; keep it off the scanned host): ${printable(k.privateKey)}`);
  ctx.out.info(`  public key (verifies; all a scanning host needs):            ${printable(k.publicKey)}`);
  return ExitCode.OK;
}
