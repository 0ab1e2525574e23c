/**
 * Importing bank statements (`payrecon import bank`): each file in one transaction, or nothing.
 * Every statement is proved as it streams by (opening + entries = closing, the format's own
 * control figures, no sequence number skipped for the account); one that fails refuses the
 * whole file (exit 17). The same bytes again are a no-op; a statement read again unchanged is
 * skipped; a corrected statement (same account and statement id, other content) supersedes the
 * earlier one. Breaks between one statement's closing and the next one's opening are reported.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { appendAudit } from '../db/audit.js';
import {
  activeStatement,
  BankEntryWriter,
  dropStatement,
  findBankImportBySha,
  finishBankImport,
  finishStatement,
  insertBankImport,
  insertStatement,
  lastSequence,
  linkSuperseded,
  previousStatement,
  supersede,
} from '../db/bank.js';
import { withWriteTransaction } from '../db/open.js';
import type { BankEntry, StatementHead } from '../domain/bank.js';
import { ExitCode } from '../domain/exit-codes.js';
import { formatMinor } from '../domain/money.js';
import { NO_PROGRESS } from '../domain/progress.js';
import { InputError, UsageError } from '../errors.js';
import { bankImporterByName, identifyBankImporter, StatementProof, type BankImporter } from '../importers/bank/index.js';
import { digestEntry, digestHead, examine } from './bank-file.js';
import type { OperationContext } from './context.js';
import { importEachFile, type OnEachFile } from './each-file.js';

export interface BankImportRequest {
  files: string[];
  /** auto (default), camt053, mt940 or bai2. */
  format?: string;
  /** Names the account of every statement in the files (a file of one account). */
  account?: string;
}

export interface StatementResult {
  account: string;
  statement_id: string;
  sequence: number | null;
  message: string;
  currency: string;
  opening: string | null;
  closing: string | null;
  entries: number;
  credits: string;
  debits: string;
  /** new; unchanged (read before, identical: skipped); restated (a corrected statement replaced the earlier one). */
  status: 'new' | 'unchanged' | 'restated';
}

export interface BalanceGap {
  account: string;
  currency: string;
  previous_statement: string;
  statement: string;
  previous_closing: string;
  opening: string;
  /** opening minus the previous closing. */
  difference: string;
}

export interface BankFileResult {
  file: string;
  status: 'imported' | 'already_imported' | 'failed';
  import_id: number | null;
  format: string | null;
  sha256: string | null;
  statements: StatementResult[];
  gaps: BalanceGap[];
  error?: { message: string; exit_code: number };
}

export interface BankImportSummary {
  exit_code: number;
  files: BankFileResult[];
}

export type OnBankFile = OnEachFile<BankFileResult>;

export async function importBankFiles(ctx: OperationContext, req: BankImportRequest, onFile?: OnBankFile): Promise<BankImportSummary> {
  let forced: BankImporter | undefined;
  if (req.format && req.format !== 'auto') {
    forced = bankImporterByName(req.format);
    if (!forced) throw new UsageError(`unknown --format "${req.format}"`);
  }
  return importEachFile(
    ctx,
    req.files,
    (file) => importOne(ctx, req, file, forced),
    (file, err) => ({
      file,
      status: 'failed',
      import_id: null,
      format: null,
      sha256: null,
      statements: [],
      gaps: [],
      error: { message: err.message, exit_code: err.exitCode },
    }),
    // A statement is proved whole or refused: there are no rejected rows to set bit 8.
    () => ExitCode.OK,
    onFile,
  );
}

const fmt = (m: bigint, currency: string) => formatMinor(m, currency);

async function importOne(ctx: OperationContext, req: BankImportRequest, file: string, preset?: BankImporter) {
  const path = resolve(ctx.cwd, file);
  const facts = await examine(path, file);
  const db = ctx.db();
  const previous = findBankImportBySha(db, facts.sha256);
  if (previous) return alreadyImported(file, previous.id, previous.format, previous.sha256, previous.imported_at);
  const importer = preset ?? identifyBankImporter(facts.head, file);
  const statements: StatementResult[] = [];
  const gaps: BalanceGap[] = [];
  const progress = facts.size > 4 * 1024 * 1024 ? await ctx.progress({ label: basename(file), total: facts.size, unit: 'bytes' }) : NO_PROGRESS;
  let importId = 0;
  let concurrent = false;
  const fileAccounts = new Set<string>();
  try {
    await withWriteTransaction(db, async () => {
      if (findBankImportBySha(db, facts.sha256)) {
        concurrent = true;
        return;
      }
      importId = insertBankImport(db, {
        path,
        file_name: basename(path),
        size: facts.size,
        sha256: facts.sha256,
        format: importer.name,
        imported_at: ctx.now().toISOString(),
      });
      const writer = new BankEntryWriter(db);
      let open: OpenStatement | null = null;
      let entryCount = 0;
      const stream = createReadStream(path);
      try {
        for await (const batch of importer.parse(stream, { file })) {
          for (const ev of batch) {
            if (ev.kind === 'statement') {
              open = startStatement(ev.head);
            } else if (ev.kind === 'entry') {
              if (!open) throw new InputError('an entry outside any statement', { file, line: ev.entry.line });
              addEntry(open, ev.entry);
            } else {
              if (!open) throw new InputError('a statement end without its start', { file, line: ev.tail.line });
              writer.flush();
              endStatement(open, ev.tail);
              entryCount += open.entries;
              open = null;
            }
          }
          ctx.checkInterrupted();
          progress.update(stream.bytesRead);
          await new Promise(setImmediate);
        }
      } finally {
        stream.destroy();
      }
      if (open) throw new InputError('the file ends inside a statement', { file });
      finishBankImport(db, importId, statements.length, entryCount);
      appendAudit(db, {
        action: 'import',
        subject: path,
        details: { side: 'bank', format: importer.name, sha256: facts.sha256, size: facts.size, import_id: importId, statements: statements.length, entries: entryCount },
        at: ctx.now().toISOString(),
      });

      function startStatement(head: StatementHead): OpenStatement {
        const account = req.account ?? head.account;
        fileAccounts.add(head.account);
        if (req.account && fileAccounts.size > 1) {
          throw new InputError(`the file holds statements of several accounts (${[...fileAccounts].join(', ')}); --account names the one account of a file`, { file, line: head.line });
        }
        if (head.sequence !== null) {
          const last = lastSequence(db, account, head.statementId);
          // A skipped number means a missing statement, unless the balances chain without it:
          // some banks number by day (ABN AMRO's 17501, 17601, ...), and then nothing is missing.
          const chained = last !== null && chainsOn(last, head);
          if (last !== null && head.sequence > last + 1 && !chained) {
            throw new InputError(
              `statement ${head.statementId} of account ${account} has sequence number ${head.sequence}, but the last imported for the account is ${last}: ` +
                `${head.sequence - last - 1} statement(s) missing (expected ${last + 1}); import them first`,
              { file, line: head.line },
            );
          }
        }
        const row = insertStatement(db, importId, head, account);
        return { head, account, row, firstEntry: writer.next, proof: new StatementProof(head), digest: createHash('sha256').update(digestHead(head)), entries: 0, credits: 0n, debits: 0n };
      }

      function chainsOn(sequence: number, head: StatementHead): boolean {
        const prev = previousStatement(db, req.account ?? head.account, -1, sequence + 1, null);
        return !!prev && !!head.opening && prev.closing_minor !== null && BigInt(prev.closing_minor) === head.opening.minor;
      }

      function addEntry(s: OpenStatement, e: BankEntry): void {
        s.proof.add(e);
        s.digest.update(digestEntry(e));
        s.entries++;
        if (e.minor >= 0n) s.credits += e.minor;
        else s.debits -= e.minor;
        writer.add(e, s.row, s.account);
      }

      function endStatement(s: OpenStatement, tail: { closing: StatementHead['closing']; line: number }): void {
        const proof = s.proof.finish(tail);
        if (proof.failure) throw new InputError(proof.failure, { file, line: s.head.line });
        const cur = s.head.currency;
        const closing = s.head.closing ?? tail.closing;
        const digest = s.digest.update(digestHead({ ...s.head, closing })).digest('hex');
        const earlier = activeStatement(db, s.account, s.head.statementId);
        const result: StatementResult = {
          account: s.account,
          statement_id: s.head.statementId,
          sequence: s.head.sequence,
          message: s.head.message,
          currency: cur,
          opening: s.head.opening ? fmt(s.head.opening.minor, cur) : null,
          closing: closing ? fmt(closing.minor, cur) : null,
          entries: s.entries,
          credits: fmt(s.credits, cur),
          debits: fmt(s.debits, cur),
          status: 'new',
        };
        if (earlier && earlier.digest === digest) {
          dropStatement(db, s.row, s.firstEntry, writer.next - 1);
          statements.push({ ...result, status: 'unchanged' });
          return;
        }
        if (earlier) supersede(db, Number(earlier.id));
        finishStatement(db, s.row, { closing, entries: s.entries, credits: s.credits, debits: s.debits, digest });
        if (earlier) linkSuperseded(db, Number(earlier.id), s.row);
        statements.push({ ...result, status: earlier ? 'restated' : 'new' });
        const before = s.head.opening ? previousStatement(db, s.account, s.row, s.head.sequence, s.head.opening.date) : undefined;
        // BAI2 sections of one as-of day are separate reports (several per account), not a chain.
        const sameDay = s.head.message === 'BAI2' && before?.opening_date === s.head.opening?.date;
        if (before && !sameDay && s.head.opening && before.closing_minor !== null && BigInt(before.closing_minor) !== s.head.opening.minor) {
          const prevClosing = BigInt(before.closing_minor);
          gaps.push({
            account: s.account,
            currency: cur,
            previous_statement: before.statement_id,
            statement: s.head.statementId,
            previous_closing: fmt(prevClosing, cur),
            opening: fmt(s.head.opening.minor, cur),
            difference: fmt(s.head.opening.minor - prevClosing, cur),
          });
        }
      }
    });
  } finally {
    progress.finish();
  }
  if (concurrent) {
    const p = findBankImportBySha(db, facts.sha256)!;
    return alreadyImported(file, p.id, p.format, p.sha256, p.imported_at);
  }
  const result: BankFileResult = { file, status: 'imported', import_id: importId, format: importer.name, sha256: facts.sha256, statements, gaps };
  return { result, firstImportedAt: undefined as string | undefined };
}

interface OpenStatement {
  head: StatementHead;
  account: string;
  row: number;
  firstEntry: number;
  proof: StatementProof;
  digest: ReturnType<typeof createHash>;
  entries: number;
  credits: bigint;
  debits: bigint;
}

function alreadyImported(file: string, id: number, format: string, sha256: string, at: string): { result: BankFileResult; firstImportedAt?: string } {
  return { result: { file, status: 'already_imported', import_id: id, format, sha256, statements: [], gaps: [] }, firstImportedAt: at };
}
