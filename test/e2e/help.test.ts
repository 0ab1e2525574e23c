/**
 * Issue 17 item 10 as a user meets it: --help that teaches (options, global options, examples,
 * exit codes, required options marked), `help <typo>` suggesting the topic, bare `payrecon`
 * a usage error, `--version`, and completions that complete in a real bash.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const tmp = tempDir('payrecon-help-');
afterAll(() => tmp.cleanup());

describe('--help', () => {
  it('every command shows its options, the global options, examples and exit codes', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => !['payrecon'].includes(c));
    expect(commands).toEqual(expect.arrayContaining(['import', 'reconcile', 'discrepancies', 'scan', 'schedule', 'completion', 'man']));
    for (const cmd of ['reconcile', 'discrepancies', 'scan', 'schedule', 'import psp', 'baseline init', 'audit verify', 'completion']) {
      const r = runCli([...cmd.split(' '), '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(/^Options:\n/m);
      expect(r.stdout, cmd).toMatch(/^Global Options:\n[\s\S]*--db <path\|url>[\s\S]*--json/m);
      expect(r.stdout, cmd).toMatch(new RegExp(`^Examples:\\n {2}payrecon ${cmd}`, 'm'));
      expect(r.stdout, cmd).toMatch(/^Exit codes:\n {2}0 +done/m);
    }
  });

  it('names the findings bits a command sets, and marks required options', () => {
    const reconcile = runCli(['help', 'reconcile']).stdout;
    expect(reconcile).toMatch(/^ {2}4 +paired items that differ: amount_mismatch/m);
    expect(reconcile).toMatch(/^ {2}19 +database error/m);
    const report = runCli(['report', '--help']);
    expect(report.stdout).toMatch(/--out <path> +output file \(required\)/);
    expect(report.stdout).not.toMatch(/--run <id>.*\(required\)/);
  });

  it('help <unknown> says so, suggests the closest topic, exits 16', () => {
    const r = runCli(['help', 'discrepencies']);
    expect(r.code).toBe(16);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/unknown help topic "discrepencies"; did you mean "discrepancies"\?/);
    expect(runCli(['help', 'baseline', 'updte']).stderr).toMatch(/did you mean "baseline update"/);
    expect(runCli(['help', 'exit-codes']).stdout).toMatch(/^130 +interrupted/m);
  });

  it('payrecon alone prints the help and exits 16; --version prints payrecon and the package version', () => {
    const bare = runCli([]);
    expect(bare.code).toBe(16);
    expect(bare.stderr).toMatch(/^Usage: payrecon /);
    expect(bare.stderr).toMatch(/^ {2}reconcile /m);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`payrecon ${version}\n`);
    }
  });
});

describe('completion and man', () => {
  /** Candidates bash offers for a command line (the cursor at its end), through the real completion function. */
  const script = join(tmp.dir, 'payrecon.bash');
  function complete(line: string): string[] {
    const words = line.split(' ');
    const probe = `source ${JSON.stringify(script)}
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})
COMP_CWORD=${words.length - 1}
COMP_LINE=${JSON.stringify(line)}
COMP_POINT=${line.length}
_payrecon payrecon
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', probe], { encoding: 'utf8', cwd: tmp.dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  it('bash completes commands, subcommands, options and their choices', () => {
    const gen = runCli(['completion', 'bash']);
    expect(gen.code, gen.stderr).toBe(0);
    writeFileSync(script, gen.stdout);
    expect(complete('payrecon rec')).toEqual(['reconcile']);
    expect(complete('payrecon import ')).toEqual(expect.arrayContaining(['psp', 'ledger', 'bank']));
    expect(complete('payrecon --db x.db disc')).toEqual(['discrepancies']);
    expect(complete('payrecon baseline init keys --pro')).toEqual(['--profile']);
    expect(complete('payrecon import psp --format ')).toEqual(['auto', 'stripe', 'adyen', 'paypal', 'checkout']);
    expect(complete('payrecon discrepancies --kind amount')).toEqual(['amount_mismatch']);
    expect(complete('payrecon completion ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
  });

  it.skipIf(!has('zsh'))('the zsh script is valid zsh and its candidates are the command table (needs zsh; CI installs it)', () => {
    const script = join(tmp.dir, '_payrecon');
    writeFileSync(script, runCli(['completion', 'zsh']).stdout);
    expect(spawnSync('zsh', ['-n', script], { encoding: 'utf8' }).status).toBe(0);
    // Outside compinit, sourcing registers with compdef (stubbed here); the candidates function is the engine.
    const r = spawnSync('zsh', ['-f', '-c', `compdef() { :; }; source ${script}; __payrecon_candidates --db x.db import; echo SEP; __payrecon_candidates --color`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [afterImport, afterColor] = r.stdout.split('SEP\n').map((part) => part.split(/\s+/).filter(Boolean));
    expect(afterImport).toEqual(expect.arrayContaining(['psp', 'ledger', 'bank', '--db']));
    expect(afterImport).not.toContain('reconcile');
    expect(afterColor).toEqual(['auto', 'always', 'never']);
  });

  it.skipIf(!has('fish'))('the fish script is valid fish and completes a command (needs fish; CI installs it)', () => {
    const script = join(tmp.dir, 'payrecon.fish');
    writeFileSync(script, runCli(['completion', 'fish']).stdout);
    const r = spawnSync('fish', ['--no-config', '-c', `source ${script}; complete -C 'payrecon rec'`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^reconcile\t/m);
  });

  it('an unknown shell is a usage error (16)', () => {
    expect(runCli(['completion', 'tcsh']).code).toBe(16);
  });

  it.skipIf(!has('groff'))('`payrecon man` is docs/payrecon.1 and renders without roff warnings (needs groff)', () => {
    const r = runCli(['man']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'docs/payrecon.1'), 'utf8'));
    const render = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: r.stdout, encoding: 'utf8' });
    expect(render.stderr).toBe('');
    const text = spawnSync('groff', ['-man', '-Tascii'], { input: r.stdout, encoding: 'utf8' }).stdout.replace(/.\x08/g, '');
    expect(text).toMatch(/EXIT STATUS/);
    expect(text).toMatch(/--fail-on <kinds>/);
  });
});
