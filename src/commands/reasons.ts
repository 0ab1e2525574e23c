/** `payrecon reasons [add <code> <description>]`: the write-off reason codes (add is audited). */
import type { CommandContext } from '../context.js';
import { defaultActor } from '../db/audit.js';
import { addReasonCode, listReasonCodes, REASON_CODE_PATTERN } from '../db/reason-codes.js';
import { UsageError } from '../errors.js';

export async function run(verb: string | undefined, code: string | undefined, description: string[], opts: { by?: string }, ctx: CommandContext): Promise<number> {
  if (verb === undefined) {
    const codes = listReasonCodes(ctx.db());
    if (ctx.out.json) ctx.out.emitJson({ reasons: codes.map(({ code, description }) => ({ code, description })) });
    else for (const r of codes) ctx.out.info(`${r.code.padEnd(20)} ${r.description}`);
    return 0;
  }
  if (verb !== 'add') throw new UsageError(`unknown reasons action "${verb}"`, 'payrecon reasons (list) or payrecon reasons add <code> <description>');
  const text = description.join(' ').trim();
  if (!code || !text) throw new UsageError('payrecon reasons add <code> <description>: both are needed');
  if (!REASON_CODE_PATTERN.test(code)) throw new UsageError(`a reason code is lower-case letters, digits and _ (starting with a letter, at most 40), got "${code}"`);
  const added = addReasonCode(ctx.db(), { code, description: text, by: opts.by?.trim() || defaultActor(ctx.env), at: ctx.now().toISOString() });
  if (!added) throw new UsageError(`reason code "${code}" already exists; nothing was changed`);
  if (ctx.out.json) ctx.out.emitJson({ reason: { code, description: text } });
  else ctx.out.info(`reason code ${code} added: ${text}`);
  return 0;
}
