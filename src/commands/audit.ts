/** `payrecon audit verify` and `payrecon audit log`. */
import type { CommandContext } from '../context.js';
import { latestAudit } from '../db/audit.js';
import { ExitCode } from '../errors.js';
import { verifyAuditLog, type AuditVerifyResult } from '../operations/audit.js';
import { printable } from '../output.js';

function keyWords(r: AuditVerifyResult): string {
  const c = r.chain;
  if (c.entries === 0) return r.keyGiven ? 'key configured' : 'no key configured';
  if (c.keyId === null) {
    return 'NOT keyed: no entry was written with a key, so anyone who can write the database could rewrite this log undetected (set PAYRECON_KEY_FILE)';
  }
  if (!c.macsChecked) return `keyed (key id ${c.keyId}) but MACs NOT checked: no key given (pass --key-file or set PAYRECON_KEY_FILE)`;
  const before = c.unkeyedBefore ? `; the ${c.unkeyedBefore} entries before keying are fixed by the first keyed one` : '';
  return `keyed (key id ${c.keyId}), every MAC verifies${before}`;
}

export async function runVerify(opts: { keyFile?: string; expectHead?: string }, ctx: CommandContext): Promise<number> {
  const r = verifyAuditLog(ctx, opts);
  const code = r.ok ? ExitCode.OK : ExitCode.TAMPER;
  if (ctx.out.json) {
    ctx.out.emitJson({
      ok: r.ok,
      entries: r.chain.entries,
      broken: r.chain.broken ?? null,
      exit_code: code,
      head: r.chain.entries ? r.chain.head : null,
      keyed: r.chain.keyId !== null,
      key_id: r.chain.keyId,
      macs_checked: r.chain.macsChecked,
      expect_head: r.expectHead ? { hash: r.expectHead.given, found: r.expectHead.found, entry: r.expectHead.at ?? null } : null,
      differences: r.differences,
      baselines: r.baselines,
    });
    return code;
  }
  const c = r.chain;
  if (c.broken) {
    ctx.out.error(`audit log entry ${c.broken.id} does not verify: ${printable(c.broken.reason)}`);
    return code;
  }
  if (r.expectHead && !r.expectHead.found) {
    ctx.out.error(`the expected head ${r.expectHead.given} is not in the audit log: entries up to it were altered or deleted`);
  }
  for (const d of r.differences) ctx.out.error(`the tables differ from the audit log: ${printable(d)}`);
  for (const b of r.baselines ?? []) if (!b.ok) ctx.out.error(printable(b.failure ?? ""));
  if (r.ok) {
    const anchored = r.expectHead ? `; contains the expected head (entry ${r.expectHead.at})` : '';
    ctx.out.info(`audit log verifies: ${c.entries} entries, chain intact, tables match the log${anchored}`);
    if (c.entries) ctx.out.info(`head ${c.head}`);
    ctx.out.info(keyWords(r));
    if (r.baselines) ctx.out.info(`${r.baselines.length} baselines verified whole: record, entries, every kept scan, checkpoint and finding change`);
    else ctx.out.info('baselines and their scan history NOT checked: no key given');
  }
  return code;
}

export async function runLog(opts: { limit: number }, ctx: CommandContext): Promise<number> {
  const rows = latestAudit(ctx.db(), opts.limit);
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
