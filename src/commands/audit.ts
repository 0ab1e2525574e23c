/** `payrecon audit verify` and `payrecon audit log`. */
import type { CommandContext } from '../context.js';
import { verifyAudit, type AuditEntry } from '../db/audit.js';
import { ExitCode } from '../errors.js';
import { printable } from '../output.js';

export async function runVerify(_opts: object, ctx: CommandContext): Promise<number> {
  const result = verifyAudit(ctx.db());
  const code = result.ok ? ExitCode.OK : ExitCode.TAMPER;
  if (ctx.out.json) {
    ctx.out.emitJson({ ok: result.ok, entries: result.entries, broken: result.broken ?? null, exit_code: code });
  } else if (result.ok) {
    ctx.out.info(`audit log verifies: ${result.entries} entries, chain intact`);
  } else {
    ctx.out.error(`audit log entry ${result.broken!.id} does not verify: ${printable(result.broken!.reason)}`);
  }
  return code;
}

export async function runLog(opts: { limit: number }, ctx: CommandContext): Promise<number> {
  const rows = ctx
    .db()
    .prepare('SELECT * FROM (SELECT * FROM audit_log ORDER BY id DESC LIMIT ?) ORDER BY id')
    .all(opts.limit) as AuditEntry[];
  if (ctx.out.json) {
    ctx.out.emitJson({ entries: rows.map((r) => ({ ...r, details: JSON.parse(r.details) })) });
    return ExitCode.OK;
  }
  for (const r of rows) {
    ctx.out.info(`${String(r.id).padStart(5)}  ${printable(r.at)}  ${printable(r.actor).padEnd(10)} ${printable(r.action).padEnd(16)} ${printable(r.subject)}`);
  }
  if (rows.length === 0) ctx.out.info('audit log is empty');
  return ExitCode.OK;
}
