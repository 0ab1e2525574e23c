/**
 * The command table. Each action lazily imports `commands/<verb>.js` and calls its `run`,
 * which returns the exit code; only src/main.ts turns that into the process exit code.
 */
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { applyHelp, helpText, VERSION } from './cli-help.js';
import { createContext, type CommandContext, type GlobalOptions } from './context.js';
import { translateDbError } from './db/open.js';
import { DISCREPANCY_KINDS, RECONCILE_DEFAULTS } from './domain/discrepancy.js';
import { CSV_DIALECT_NAMES } from './report/csv-dialect.js';

/** `--csv-dialect`, on every command that writes a CSV (src/report/csv-dialect.ts). */
const csvDialectOption = () =>
  new Option('--csv-dialect <dialect>', 'CSV for excel ("," "." BOM), excel-semicolon (";" "," BOM: decimal-comma locales) or rfc4180 (programs); default $PAYRECON_CSV_DIALECT, else excel').choices([
    ...CSV_DIALECT_NAMES,
  ]);

export { VERSION };

export interface CliIo {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Receives the command's exit code and its context (so the caller can close it). */
  setResult(code: number, ctx?: CommandContext): void;
  /** Replaces the line printed when a second signal forces an exit (the scheduler logs JSON). */
  setForcedExitNote?(note: () => void): void;
}

export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    // Past 2^53 a JavaScript number is no longer the number typed (an id, a limit): refuse it.
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be at most ${Number.MAX_SAFE_INTEGER}, got "${value}"`);
    return n;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * A list option: repeated (`--kind a --kind b`), comma-separated (`--kind a,b`) or both, each
 * item one of `allowed` when given. A default (a plain string) is replaced, never extended.
 */
export function listOption(flags: string, description: string, allowed?: readonly string[]): Option {
  const option = new Option(flags, `${description} (a list: a,b or repeated)`);
  if (allowed) option.choices(allowed); // shown in --help; checked below
  return option.argParser((value: string, previous: unknown) => {
    const items = value.split(',').map((v) => v.trim()).filter(Boolean);
    const bad = allowed ? items.filter((v) => !allowed.includes(v)) : [];
    if (!items.length || bad.length) throw new InvalidArgumentError(allowed ? `Allowed choices are ${allowed.join(', ')}.` : 'expected one or more values.');
    return [...(Array.isArray(previous) ? previous : []), ...items];
  });
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('payrecon');
  program
    .description('Reconcile PSP settlement files against the ledger; monitor secrets and configs for changes.')
    .version(`payrecon ${VERSION}`, '-V, --version')
    .option('--db <path|url>', 'the store: a SQLite file, or postgres://user@host:5432/dbname (default: $PAYRECON_DB, else ./payrecon.db); import and baseline init create it')
    .option('--json', 'machine output: exactly one JSON document on stdout')
    .option('--quiet', 'only errors on stderr')
    .addOption(
      new Option('--color <when>', 'ANSI colour: auto (a terminal, unless NO_COLOR; FORCE_COLOR forces it), always, never').choices(['auto', 'always', 'never']),
    )
    .option('--no-color', 'the same as --color never')
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  /** Wrap an action: build the context from global options, import the command, run it. */
  // A command's run takes the positional arguments, then its own options, then the context.
  type Runner = (...a: any[]) => Promise<number>;
  const action =
    (load: () => Promise<{ run: Runner }>, opts: { createsDb?: boolean } = {}) =>
    async (...a: unknown[]) => {
      const cmd = a[a.length - 1] as Command;
      const args = a.slice(0, -1); // positional args..., then the command's own options
      const ctx = createContext({
        global: cmd.optsWithGlobals() as GlobalOptions,
        env: io.env,
        signal: io.signal,
        setForcedExitNote: io.setForcedExitNote,
        stdout: io.stdout,
        stderr: io.stderr,
        // Only what brings data in creates a database: every import, baseline init, the
        // scheduler. The rest refuse a missing one (exit 19) rather than report a clean, empty one.
        createDb: opts.createsDb ?? cmd.parent?.name() === 'import',
      });
      const mod = await load();
      try {
        io.setResult(await mod.run(...args, ctx), ctx);
      } catch (err) {
        try {
          ctx.close();
        } catch {
          // closing after a failed write (a full disk) may fail too; the first error is the news
        }
        // Any SQLite failure that reached here untranslated (a full disk during a scan or a
        // baseline) gets the same words and exit code as in a transaction.
        throw translateDbError(err, ctx.dbPath);
      }
    };

  // ---- reconciliation -------------------------------------------------------------------
  const imp = program.command('import').description('import settlement files (psp), ledger exports (ledger) or bank statements (bank)');
  imp
    .command('psp')
    .description('import PSP settlement files (Stripe, Adyen, PayPal STL, Checkout.com)')
    .argument('<file...>', 'settlement files')
    .addOption(
      new Option('--format <format>', 'file format').choices(['auto', 'stripe', 'adyen', 'paypal', 'checkout']).default('auto'),
    )
    .option('--source <name>', 'source name stored with the rows (default: the format)')
    .option(
      '--reference-column <name>',
      'Stripe: column holding the order reference (default payment_metadata[order_id]); repeat to try several, first non-empty wins',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .action(action(() => import('./commands/import.js').then((m) => ({ run: m.runImportPsp }))));
  imp
    .command('ledger')
    .description('import ledger exports (canonical CSV, or any CSV described by --mapping)')
    .argument('<file...>', 'ledger export files')
    .option('--mapping <mapping.json>', 'maps another export onto the canonical ledger fields')
    .option('--source <name>', 'source name stored with the rows', 'ledger')
    .action(action(() => import('./commands/import.js').then((m) => ({ run: m.runImportLedger }))));
  imp
    .command('bank')
    .description('import bank statements (camt.053/052/054, MT940/MT942, BAI2); each must balance')
    .argument('<file...>', 'statement files')
    .addOption(new Option('--format <format>', 'file format').choices(['auto', 'camt053', 'mt940', 'bai2']).default('auto'))
    .option('--account <name>', 'name the account of the statements (a file of one account)')
    .action(action(() => import('./commands/import-bank.js')));

  program
    .command('reconcile')
    .description('match PSP rows against ledger entries and record every discrepancy')
    .option('--from <date>', 'first booking date in scope (YYYY-MM-DD, inclusive)')
    .option('--to <date>', 'last booking date in scope (YYYY-MM-DD, inclusive)')
    .option('--amount-tolerance <decimal>', 'absolute tolerance in major units', RECONCILE_DEFAULTS.amountTolerance)
    .option('--date-window <days>', 'days the ledger date may differ from the PSP date, either way', String(RECONCILE_DEFAULTS.dateWindow))
    .option('--deposit-window <days>', 'business days a payout may take to reach the bank', String(RECONCILE_DEFAULTS.depositWindow))
    .addOption(listOption('--fail-on <kinds>', 'discrepancy kinds that set exit bits; none: report only, exit 0 whatever is found'))
    .option('--report <path>', 'also write a report (.html .csv .json .xml)')
    .addOption(csvDialectOption())
    .option('--auto-confirm <0-100>', 'pair automatically only at this confidence or above; weaker pairings are proposals', String(RECONCILE_DEFAULTS.autoConfirm))
    .option('--dry-run', 'show what the run would record, and record nothing')
    .option('--require-clean <baseline>', 'scan this baseline first and refuse (exit 20) if anything in it changed since approval; repeatable', collect)
    .option('--key-file <path>', '--require-clean: HMAC key file (default: $PAYRECON_KEY_FILE)')
    .action(action(() => import('./commands/reconcile.js')));

  program
    .command('reasons')
    .description('write-off reason codes: list them, or add one (audited)')
    .argument('[action]', '"add" to add a code; nothing to list')
    .argument('[code]', 'add: the new code (lower-case letters, digits, _)')
    .argument('[description...]', 'add: what the code means')
    .option('--by <name>', 'who (default: $PAYRECON_ACTOR or the login name)')
    .action(action(() => import('./commands/reasons.js')));

  program
    .command('match')
    .description('pair PSP rows with ledger entries by hand (1:1, 1:N, N:1, N:M, one currency); audited')
    .option('--psp <id...>', 'PSP row ids (or a PSP alias such as a charge id)')
    .option('--ledger <id...>', 'ledger entry ids')
    .requiredOption('--note <text>', 'why (kept in the audit log)')
    .option('--by <name>', 'who (default: $PAYRECON_ACTOR or the login name)')
    .action(action(() => import('./commands/match.js').then((m) => ({ run: m.runMatch }))));

  program
    .command('unmatch')
    .description('undo a manual match: reopen what it closed; the rules pair its rows again from the next run')
    .argument('<match-id>', 'manual match id')
    .requiredOption('--note <text>', 'why (kept in the audit log)')
    .option('--by <name>', 'who (default: $PAYRECON_ACTOR or the login name)')
    .action(action(() => import('./commands/match.js').then((m) => ({ run: m.runUnmatch }))));

  program
    .command('proposals')
    .description('pairings the engine proposed instead of making (below --auto-confirm): list, accept or reject')
    .addOption(new Option('--status <status>', 'filter by status').choices(['open', 'accepted', 'rejected', 'gone', 'all']).default('open'))
    .option('--accept <id...>', 'accept: pair both rows as a manual match and close their items (audited)')
    .option('--reject <id...>', 'reject: both items stay open; the pair is never proposed again (audited)')
    .option('--note <text>', 'why (kept in the audit log)')
    .option('--by <name>', 'who (default: $PAYRECON_ACTOR or the login name)')
    .action(action(() => import('./commands/proposals.js')));

  /** The filters `discrepancies` and `resolve` share (src/commands/filters.ts parses them). */
  const addFilterOptions = (cmd: Command) =>
    cmd
      .addOption(listOption('--kind <kind>', 'filter by kind', DISCREPANCY_KINDS))
      .addOption(listOption('--source <name>', 'either side from this source (stripe, adyen, ledger, ...)'))
      .addOption(listOption('--currency <code>', 'filter by currency'))
      .option('--older-than <days>', 'first seen at least this many days ago')
      .option('--max-amount <decimal>', 'absolute difference at most this (major units)')
      .option('--reference <glob>', 'reference matching a glob (* ? [abc], case-sensitive)')
      .option('--assignee <name>', "a person's queue");

  addFilterOptions(
    program
      .command('discrepancies')
      .description('list discrepancies (filters as resolve takes them); --out writes an editable CSV')
      .addOption(listOption('--status <status>', 'filter by status', ['open', 'acknowledged', 'resolved', 'written_off', 'closed', 'live', 'all']).default('open'))
      .option('--run <id>', 'only those seen in this reconcile run', positiveInt('--run')),
  )
    .option('--out <file.csv>', 'write the selection as a CSV to edit (status, reason, note, assignee) and apply with resolve --from-file')
    .addOption(csvDialectOption())
    .option('--period <period>', 'booked in this year, quarter, month or day: 2025, 2025-Q1, 2025-03, 2025-03-15 (not with --from/--to)')
    .option('--from <date>', 'booked on or after this date (YYYY-MM-DD)')
    .option('--to <date>', 'booked on or before this date (YYYY-MM-DD)')
    .option('--wide', 'every column, nothing cut to fit the terminal')
    .action(action(() => import('./commands/discrepancies.js')));

  addFilterOptions(
    program
      .command('resolve')
      .description('acknowledge, resolve or write off discrepancies (by id, by filters, or from an edited CSV); audited')
      .argument('[discrepancy-id...]', 'discrepancy ids (or select with the filters)')
      .option('--note <text>', 'why (kept in the audit log); required to change a status')
      .addOption(new Option('--status <status>', 'new status (default resolved); open reopens a mistaken settlement').choices(['acknowledged', 'resolved', 'written_off', 'open']))
      .option('--reason <code>', 'written_off: a reason code (payrecon reasons)')
      .option('--by <name>', 'who (default: $PAYRECON_ACTOR or the login name)')
      .addOption(listOption('--current-status <status>', 'filter: only items now open, or now acknowledged', ['open', 'acknowledged'])),
  )
    .option('--assign <name>', 'set the owner of every selected item ("" clears it)')
    .option('--yes', 'apply a change selected by filters (bulk)')
    .option('--dry-run', 'list what would change, change nothing')
    .option('--from-file <file.csv>', 'apply the edits of a CSV written by discrepancies --out, in one transaction')
    .option('--partial', '--from-file: apply the rows that are still current even if others changed since the export')
    .action(action(() => import('./commands/resolve.js')));

  program
    .command('show')
    .description("one stored row beside its file's original record (read back from the file kept at import)")
    .addArgument(new Argument('<side>', 'which side the row is on').choices(['psp', 'ledger']))
    .argument('<id>', 'the row id reports and discrepancies show (its id in the file)')
    .option('--source <name>', 'the source, when the id exists in more than one')
    .option('--raw', 'print only the original record, exactly as in the file')
    .action(action(() => import('./commands/show.js')));

  program
    .command('report')
    .description('write a report of a reconcile run (format from the extension: .html .csv .json .xml)')
    .option('--run <id>', 'run id (default: the latest)', positiveInt('--run'))
    .option('--since <date>', '"Resolved this period" starts here (YYYY-MM-DD or ISO time; default: when the run before it started)')
    .requiredOption('--out <path>', 'output file')
    .addOption(csvDialectOption())
    .action(action(() => import('./commands/report.js')));

  program
    .command('tui')
    .description('interactive triage of open discrepancies')
    .action(action(() => import('./commands/tui.js')));

  // ---- integrity --------------------------------------------------------------------------
  const baseline = program.command('baseline').description('signed checksum baselines of credentials, key stores and configs');
  baseline
    .command('init')
    .description('record a new baseline')
    .argument('<name>', 'baseline name')
    .addOption(new Option('--profile <profile>', 'built-in selection').choices(['credentials', 'keystores', 'configs']))
    .option('--path <path|glob>', 'file, directory (recursive) or glob; repeatable', collect)
    .option('--exclude <glob>', 'glob to leave out; repeatable', collect)
    .option('--sha512', 'also record SHA-512')
    .option('--attributes <list>', 'what to record: groups (everything, content, owner, mode, times, inode, acl, xattrs) and attribute names, "-name" removes; default: the profile\'s')
    .option('--key-file <path>', 'key file: HMAC, or Ed25519 private/public key (default: $PAYRECON_KEY_FILE)')
    .action(action(() => import('./commands/baseline.js').then((m) => ({ run: m.runInit })), { createsDb: true }));
  baseline
    .command('update')
    .description('accept the current state as the baseline (audited: which paths, old and new digest prefixes)')
    .argument('<name>', 'baseline name')
    .option('--key-file <path>', 'key file: HMAC, or Ed25519 private/public key (default: $PAYRECON_KEY_FILE)')
    .option('--dry-run', 'show what would be accepted (paths, attributes, digest prefixes); change nothing')
    .option('--path <glob>', 'accept only changes under this path or matching this glob; repeatable (the rest stay findings)', collect)
    .option('--note <text>', 'why (kept in the audit log with the approved paths)')
    .action(action(() => import('./commands/baseline.js').then((m) => ({ run: m.runUpdate }))));
  baseline
    .command('list')
    .description('list baselines')
    .action(action(() => import('./commands/baseline.js').then((m) => ({ run: m.runList }))));
  baseline
    .command('show')
    .description('what a baseline covers: its places (profiles expanded), attributes, key id, dates and files')
    .argument('<name>', 'baseline name')
    .option('--key-file <path>', 'key file to verify the files against: HMAC, or Ed25519 private/public key (default: $PAYRECON_KEY_FILE)')
    .action(action(() => import('./commands/baseline.js').then((m) => ({ run: m.runShow }))));
  baseline
    .command('prune')
    .description('drop old scans of a baseline behind a signed checkpoint (the rest stays verifiable)')
    .argument('<name>', 'baseline name')
    .requiredOption('--keep <duration|count>', 'scans to keep: the newest N (e.g. 1000), or those of the last 90d / 12h / 2w / 1y')
    .option('--key-file <path>', 'key file: HMAC, or Ed25519 private/public key (default: $PAYRECON_KEY_FILE)')
    .action(action(() => import('./commands/baseline.js').then((m) => ({ run: m.runPrune }))));

  const key = program.command('key').description('integrity keys');
  key
    .command('generate')
    .description('write an Ed25519 key pair: the private key signs baselines, the public key verifies them')
    .requiredOption('--out <dir>', 'directory for payrecon-ed25519.key (mode 0600) and payrecon-ed25519.pub')
    .action(action(() => import('./commands/key.js')));

  program
    .command('scan')
    .description('compare files against their baselines')
    .argument('[name...]', 'baselines to scan (default: all)')
    .addOption(listOption('--fail-on <kinds>', 'finding kinds that set exit bits (default added,removed,changed,unreadable; policy findings set bit 4 only when named here); none: report only'))
    .option('--key-file <path>', 'key file: HMAC, or Ed25519 private/public key (default: $PAYRECON_KEY_FILE)')
    .option('--report <path>', 'also write a report (.html .csv .json .xml)')
    .option('--verify-history', 'verify every kept scan, checkpoint and finding change, not only those since the newest checkpoint')
    .option('--jsonl', 'print one JSON event per finding, one per line (ECS field names; for a SIEM), instead of the summary')
    .addOption(csvDialectOption())
    .action(action(() => import('./commands/scan.js')));

  program
    .command('watch')
    .description('scan baselines whenever their files change, at start and every --rescan; record and alert like scheduled scans (long-running)')
    .argument('<name...>', 'baselines to watch')
    .option('--rescan <interval>', 'full scan this often as well (30s, 5m, 1h), so a lost event is never a silent pass', '10m')
    .option('--fail-on <kinds>', 'comma-separated finding kinds that alerts consider (default every kind but policy)')
    .option('--key-file <path>', 'HMAC key file (default: $PAYRECON_KEY_FILE, else the config\'s keyFile)')
    .option('--config <path>', 'send alerts to the sinks of this scheduler config (its jobs are not run)')
    .option('--jsonl', 'print each new finding as a JSON event line (as scan --jsonl)')
    .action(
      action(() =>
        import('./commands/watch.js').then((m) => ({
          run: (names: string[], o: Record<string, unknown>, ctx: CommandContext) => m.run(names, { ...o, db: program.opts().db }, ctx),
        })),
      ),
    );

  program
    .command('scans')
    .description('the history of scans, newest first (id, baseline, time, counts, exit code)')
    .argument('[baseline]', 'only the scans of this baseline')
    .option('--limit <n>', 'newest n scans', positiveInt('--limit'), 20)
    .action(action(() => import('./commands/scans.js')));

  program
    .command('schedule')
    .description('run reconcile and scan jobs on cron schedules and deliver alerts (long-running)')
    .option('--config <path>', 'scheduler config (JSON)', 'payrecon.schedule.json')
    .option('--key-file <path>', 'key file for scan jobs: HMAC, or an Ed25519 public key (overrides keyFile in the config)')
    .option('--check', 'check the config and this host (secrets, paths, key file, baselines), list every problem, and exit')
    .option('--once <job>', "run this job now, as a cron tick would, deliver its alerts and exit with the job's exit code")
    // The config's `db` applies unless --db was given: pass on whether it was.
    .action(
      action(() =>
        import('./commands/schedule.js').then((m) => ({
          run: (o: { config: string; keyFile?: string; check?: boolean; once?: string }, ctx: CommandContext) => m.run({ ...o, db: program.opts().db }, ctx),
        })),
      ),
    );

  const dbCmd = program.command('db').description('the store itself');
  dbCmd
    .command('migrate-to')
    .description('copy this SQLite store onto an empty PostgreSQL database, verifying the audit chain and signatures on arrival')
    .argument('<url>', 'the server: postgres://user@host:5432/dbname (password from the URL, PGPASSWORD or ~/.pgpass)')
    .option('--key-file <path>', 'key file, to check MACs and baseline signatures on both sides (default: $PAYRECON_KEY_FILE)')
    .action(action(() => import('./commands/db.js').then((m) => ({ run: m.runMigrateTo }))));

  const audit = program.command('audit').description('the tamper-evident audit log');
  audit
    .command('verify')
    .description('check the chain, its MACs and head, and the tables against the log; exit 20 naming what differs')
    .option('--key-file <path>', 'key file: HMAC, or Ed25519 private/public key (default: $PAYRECON_KEY_FILE)')
    .option('--expect-head <hash>', 'a head hash printed earlier (the "audit" field): fail unless the log still contains it')
    .action(action(() => import('./commands/audit.js').then((m) => ({ run: m.runVerify }))));
  audit
    .command('log')
    .description('show audit entries')
    .option('--limit <n>', 'latest n entries', positiveInt('--limit'), 50)
    .action(action(() => import('./commands/audit.js').then((m) => ({ run: m.runLog }))));

  program
    .command('help')
    .description('help for a command, or `help exit-codes`')
    .argument('[topic...]', 'a command name, or exit-codes')
    .action((topic: string[]) => {
      io.stdout.write(helpText(program, topic));
      io.setResult(0);
    });

  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish) generated from this command table')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: string) => {
      const { completionScript } = await import('./cli-completion.js');
      io.stdout.write(completionScript(program, shell));
      io.setResult(0);
    });

  program
    .command('man')
    .description('print the manual page (roff) generated from this command table')
    .action(async () => {
      const { manPage } = await import('./cli-man.js');
      io.stdout.write(manPage(program));
      io.setResult(0);
    });

  applyHelp(program);
  return program;
}
