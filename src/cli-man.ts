/**
 * `payrecon man`: the manual page (roff, man(7) macros) generated from the commander table
 * (cli.ts) and the help table (cli-help.ts). docs/payrecon.1 is this output, kept in sync by
 * test/cli-help.test.ts. No date in .TH: the page changes only when the commands do.
 */
import type { Command, Option } from 'commander';
import { allCommands, commandPath, HELP_TABLE, VERSION } from './cli-help.js';
import { EXIT_CODE_TABLE } from './domain/exit-codes.js';

/** Text as roff shows it literally: backslashes, leading dots and quotes, hyphens in flags. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

function optionItem(o: Option): string[] {
  const extra = [
    o.argChoices ? `one of: ${o.argChoices.join(', ')}` : '',
    o.defaultValue !== undefined && o.defaultValue !== false ? `default: ${String(o.defaultValue)}` : '',
    o.mandatory ? 'required' : '',
  ].filter(Boolean);
  return ['.TP', `.B ${roff(o.flags)}`, roff(`${o.description}${extra.length ? ` (${extra.join('; ')})` : ''}`)];
}

function usage(cmd: Command): string {
  const args = cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`));
  return ['payrecon', commandPath(cmd), cmd.commands.length ? '<command>' : '', cmd.options.length ? '[options]' : '', ...args].filter(Boolean).join(' ');
}

export function manPage(program: Command): string {
  const out: string[] = [
    `.TH PAYRECON 1 "" "payrecon ${VERSION}" "User Commands"`,
    '.SH NAME',
    `payrecon \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    '.B payrecon',
    '[global options] <command> [options] [arguments]',
    '.SH DESCRIPTION',
    roff(
      'payrecon imports PSP settlement files, ledger exports and bank statements into SQLite, reconciles them into discrepancies with exit-code bits, and monitors the integrity of credentials, key stores and configs with signed checksum baselines. In a pipe, in CI or with --json the output is stable plain text or one JSON document.',
    ),
    '.SH GLOBAL OPTIONS',
    ...program.options.flatMap(optionItem),
    '.SH COMMANDS',
  ];
  for (const cmd of [...allCommands(program)].slice(1)) {
    if (cmd.commands.length) continue; // a group: its subcommands follow, each with its own section
    out.push(`.SS ${roff(commandPath(cmd))}`, '.nf', roff(usage(cmd)), '.fi', '.PP', roff(cmd.description()));
    for (const a of cmd.registeredArguments) out.push('.TP', `.I ${roff(a.name())}`, roff(a.description));
    for (const o of cmd.options) out.push(...optionItem(o));
    const examples = HELP_TABLE[commandPath(cmd)]?.examples ?? [];
    if (examples.length) out.push('.PP', 'Examples:', '.RS', '.nf', ...examples.map(roff), '.fi', '.RE');
  }
  out.push('.SH EXIT STATUS', roff('One rule for every command: 0 clean, 1-15 findings (a bitmask), 16 and up: the command could not do its job.'));
  for (const r of EXIT_CODE_TABLE) {
    out.push('.TP', `.B ${roff(r.code)}`, roff(r.reconcile === r.scan || r.scan === 'same' ? r.reconcile : `reconcile: ${r.reconcile}; scan: ${r.scan}`));
  }
  out.push(
    '.SH ENVIRONMENT',
    ...[
      ['PAYRECON_DB', 'the database when --db is not given (else ./payrecon.db)'],
      ['PAYRECON_KEY_FILE', 'the HMAC key file of baselines, scans and the audit log'],
      ['PAYRECON_ACTOR', 'who is recorded in the audit log (else the login name)'],
      ['NO_COLOR, FORCE_COLOR, TERM, CI', 'colour and progress: see --color'],
    ].flatMap(([k, v]) => ['.TP', `.B ${roff(k)}`, roff(v)]),
    '.SH SEE ALSO',
    roff('payrecon help <command>, payrecon help exit-codes, payrecon completion bash|zsh|fish; the README and docs/ of the payrecon source.'),
  );
  return out.join('\n') + '\n';
}
