/**
 * What `--help` teaches beyond commander's option list: global options on every command, an
 * example or two, the exit codes the command can return, required options marked, and `help
 * <topic>` with a did-you-mean. cli.ts builds the command table; applyHelp walks it once built,
 * so a command added there only needs its row in HELP_TABLE (test/cli-help.test.ts checks
 * that every command has one).
 */
import { readFileSync } from 'node:fs';
import { type Command, Help, type Option } from 'commander';
import { EXIT_CODE_TABLE, formatExitCodes } from './domain/exit-codes.js';
import { UsageError } from './errors.js';
import { quoted } from './output.js';

/** The version in package.json, the one place it is kept (read beside dist/ or src/). */
export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Which findings a command reports through exit bits 1-15, and so which column of the table it shows. */
type Findings = 'reconcile' | 'scan' | 'rejects' | 'job';

export interface CommandHelp {
  examples: string[];
  findings?: Findings;
  /** Error codes (16 and up) it can return; by default every one but 20 (tamper) and those of a database. */
  errors?: number[];
}

const DB_ERRORS = [16, 17, 18, 19, 20, 21, 130];
const NO_DB = [16, 18, 21];

/** One row per command path (`import psp`, `scan`, ...): its examples and exit codes. */
export const HELP_TABLE: Readonly<Record<string, CommandHelp>> = {
  '': { examples: ['payrecon import psp stripe-2025-03.csv && payrecon import ledger ledger.csv && payrecon reconcile', 'payrecon scan --json'], findings: 'reconcile' },
  import: { examples: ['payrecon import psp settlements/*.csv', 'payrecon import ledger ledger.csv'], findings: 'rejects' },
  'import psp': { examples: ['payrecon import psp stripe-balance-report-2025-03.csv', 'payrecon import psp --format adyen --source adyen-eu batch_118.csv'], findings: 'rejects' },
  'import ledger': { examples: ['payrecon import ledger ledger-2025-03.csv', 'payrecon import ledger --mapping erp.mapping.json export.csv'], findings: 'rejects' },
  'import bank': { examples: ['payrecon import bank statements/*.xml', 'payrecon import bank --format mt940 --account DE89-main day.sta'], findings: 'rejects' },
  reconcile: {
    examples: ['payrecon reconcile --from 2025-03-01 --to 2025-03-31 --report march.html', 'payrecon reconcile --fail-on missing_in_ledger,amount_mismatch || exit $?', 'payrecon reconcile --fail-on none   # report only: exit 0 whatever is found'],
    findings: 'reconcile',
  },
  reasons: { examples: ['payrecon reasons', 'payrecon reasons add chargeback_fee "Chargeback fee booked by the PSP"'] },
  match: { examples: ['payrecon match --psp 41 --ledger 17 18 --note "split booking of one charge"'] },
  unmatch: { examples: ['payrecon unmatch 3 --note "paired the wrong refund"'] },
  proposals: { examples: ['payrecon proposals', 'payrecon proposals --accept 4 5 --note "same customer, fee netted"'] },
  discrepancies: {
    examples: ['payrecon discrepancies --period 2025-03 --kind amount_mismatch,fee_mismatch', 'payrecon discrepancies --status live --wide | less -S', 'payrecon discrepancies --out queue.csv'],
  },
  resolve: { examples: ['payrecon resolve 12 --note "booked late, see JE-881"', 'payrecon resolve 12 --status open --note "resolved by mistake"', 'payrecon resolve --kind fee_mismatch --max-amount 0.05 --status written_off --reason fx_rounding --note "cent rounding" --yes'] },
  show: { examples: ['payrecon show psp txn_3MtwBwLkdIwHu7ix0snN8B4p', 'payrecon show ledger L-9912 --raw >> corrected.csv', 'payrecon --json show psp 8815000000000002 --source adyen'] },
  report: { examples: ['payrecon report --out march.html', 'payrecon report --run 7 --out run7.xml   # JUnit for CI'] },
  tui: { examples: ['payrecon tui'] },
  baseline: { examples: ['payrecon baseline init keys --profile keystores --path /srv/app/certs', 'payrecon baseline list'], findings: 'scan' },
  'baseline init': { examples: ['payrecon baseline init keys --profile keystores --path /srv/app/certs', "payrecon baseline init etc --path /etc/payrecon --exclude '*.bak' --sha512"], findings: 'scan' },
  'baseline update': { examples: ['payrecon baseline update keys --dry-run', "payrecon baseline update keys --path '*.pem' --note \"rotated the TLS certificates, CHG-1142\""] },
  'baseline list': { examples: ['payrecon baseline list', 'payrecon --json baseline list'] },
  'baseline show': { examples: ['payrecon baseline show keys', 'payrecon --json baseline show keys --key-file /etc/payrecon/keys/payrecon-ed25519.pub'] },
  scans: { examples: ['payrecon scans keys --limit 10', 'payrecon --json scans'] },
  'baseline prune': { examples: ['payrecon baseline prune keys --keep 90d', 'payrecon baseline prune keys --keep 1000'] },
  scan: {
    examples: ['payrecon scan keys', 'payrecon --json scan --fail-on added,removed,changed,unreadable,policy', 'payrecon scan keys --jsonl >> /var/log/payrecon/events.jsonl'],
    findings: 'scan',
  },
  watch: { examples: ['payrecon watch keys --rescan 5m --config /etc/payrecon/schedule.json', 'payrecon watch keys etc --jsonl'], findings: 'scan' },
  key: { examples: ['payrecon key generate --out /etc/payrecon/keys'], errors: NO_DB },
  'key generate': { examples: ['payrecon key generate --out /etc/payrecon/keys'], errors: NO_DB },
  schedule: {
    examples: ['payrecon schedule --config /etc/payrecon/schedule.json --check', 'payrecon schedule --config /etc/payrecon/schedule.json --once nightly-recon'],
    findings: 'job',
  },
  db: { examples: ['payrecon db migrate-to postgres://recon@db.internal:5432/recon'] },
  'db migrate-to': {
    examples: ['payrecon db migrate-to postgres://recon@db.internal:5432/recon   # copies ./payrecon.db or $PAYRECON_DB', 'payrecon db migrate-to postgres://recon@db.internal/recon?sslmode=verify-full --key-file /etc/payrecon/keys/payrecon-ed25519.pub'],
  },
  audit: { examples: ['payrecon audit verify', 'payrecon audit log --limit 20'] },
  'audit verify': { examples: ['payrecon audit verify', 'payrecon audit verify --expect-head 9f2c4e0b...'] },
  'audit log': { examples: ['payrecon audit log --limit 20'] },
  help: { examples: ['payrecon help import psp', 'payrecon help exit-codes'], errors: [16] },
  completion: { examples: ['payrecon completion bash > /etc/bash_completion.d/payrecon', 'payrecon completion fish > ~/.config/fish/completions/payrecon.fish'], errors: NO_DB },
  man: { examples: ['payrecon man > payrecon.1 && man -l payrecon.1'], errors: NO_DB },
};

/** `import psp` for the psp subcommand of import; '' for the program itself. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command of the table (depth first), the program first. */
export function* allCommands(cmd: Command): Generator<Command> {
  yield cmd;
  for (const sub of cmd.commands) yield* allCommands(sub);
}

function exitCodeLines(help: CommandHelp | undefined): string[] {
  const rows: string[] = ['  0        done; nothing to report'];
  const findings = help?.findings;
  if (findings === 'reconcile' || findings === 'scan') {
    for (const r of EXIT_CODE_TABLE.filter((r) => r.code.startsWith('bit '))) rows.push(`  ${r.code.slice(4).padEnd(9)}${r[findings]}`);
    rows.push('           (a bitmask: bits add up; --fail-on narrows which kinds set them)');
  } else if (findings === 'rejects') {
    rows.push(`  8        ${EXIT_CODE_TABLE.find((r) => r.code === 'bit 8')!.reconcile}`);
  } else if (findings === 'job') {
    rows.push("  1-15     --once: the job's findings, as reconcile or scan would exit");
  }
  const errors = help?.errors ?? DB_ERRORS;
  for (const r of EXIT_CODE_TABLE.filter((r) => errors.includes(Number(r.code)))) rows.push(`  ${r.code.padEnd(9)}${r.reconcile}`);
  return rows;
}

/** The text after commander's option list: examples and exit codes. */
export function helpFooter(cmd: Command): string {
  const help = HELP_TABLE[commandPath(cmd)];
  const lines: string[] = [];
  if (help?.examples.length) lines.push('', 'Examples:', ...help.examples.map((e) => `  ${e}`));
  lines.push('', 'Exit codes:', ...exitCodeLines(help), '', 'All exit codes: payrecon help exit-codes');
  return lines.join('\n');
}

/** Commander's description of an option, with "(required)" for a mandatory one. */
function optionDescription(this: Help, option: Option): string {
  const text = Help.prototype.optionDescription.call(this, option);
  return option.mandatory ? `${text} (required)` : text;
}

/** Global options, required marks, examples and exit codes on every command's --help. */
export function applyHelp(program: Command): void {
  for (const cmd of allCommands(program)) {
    cmd.configureHelp({ showGlobalOptions: true, sortSubcommands: false, optionDescription });
    cmd.addHelpText('after', helpFooter(cmd));
  }
}

/** What `payrecon help <topic>` knows: every command and subcommand, and exit-codes. */
export function helpTopics(program: Command): string[] {
  const topics = [...allCommands(program)].map(commandPath).filter((p) => p && p !== 'help');
  return [...topics, 'exit-codes'];
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) for did-you-mean. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate to `word`, if it is close enough to be a typo (or `word` is its prefix). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((c) => word.length >= 2 && c.startsWith(word));
  if (prefixed.length) return prefixed[0];
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (!best || d < best.d) best = { c, d };
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

/** `payrecon help [<topic...>]`: the text to print, or a usage error naming the closest topic. */
export function helpText(program: Command, topic: string[]): string {
  if (topic.length === 1 && topic[0] === 'exit-codes') return formatExitCodes();
  let target: Command = program;
  for (const word of topic) {
    const sub = target.commands.find((c) => c.name() === word);
    if (!sub) {
      const wanted = topic.join(' ');
      const guess = closest(wanted, helpTopics(program));
      throw new UsageError(
        `unknown help topic ${quoted(wanted)}${guess ? `; did you mean ${quoted(guess)}?` : ''}`,
        `help topics: ${helpTopics(program).join(', ')}`,
      );
    }
    target = sub;
  }
  return target.helpInformation() + helpFooter(target).replace(/^\n/, '') + '\n';
}
