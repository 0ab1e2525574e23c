/**
 * Issue 13, items 3 and 4: bytes from a file or the database never reach a terminal as control
 * sequences (only payrecon's own colours are raw), and an unrecognised file is quoted as a
 * short escaped prefix in the error and not at all in alerts or the scheduler's run log.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, useTempDb } from '../helpers/cli.js';

const ESC = '\u001b';
const LEDGER_HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

/** Nothing but payrecon's own text: no ESC and no control character but line breaks and tabs. */
function expectNoRawControls(text: string): void {
  expect(text).not.toContain(ESC);
  expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
}

describe('terminal output escapes what files and the database hold', () => {
  it('import, reconcile and discrepancies print references, cells and reasons escaped, never as a new line', () => {
    // A reference that hides text (SGR 8), a cell that clears the screen and fakes a line.
    const ledger = join(dir, 'ledger.csv');
    writeFileSync(
      ledger,
      [
        LEDGER_HEADER,
        `L-1,2025-03-03,"ORD-1${ESC}[8mHIDDEN${ESC}[0m",,charge,10.00,EUR,,first`,
        `L-2,2025-03-03,ORD-2,,charge,"1${ESC}[2J\nFAKE: all matched",EUR,,second`,
        `L-3,2025-03-03,"ORD-3\nFAKE: reconcile clean",,charge,5.00,EUR,,third`,
      ].join('\n') + '\n',
    );
    const imp = runCli(['--db', db, 'import', 'ledger', ledger]);
    expect(imp.code, imp.stderr).toBe(8);
    expectNoRawControls(imp.stdout + imp.stderr);
    expect(imp.stdout).toContain('\\x1b[2J\\nFAKE: all matched');
    expect(imp.stdout).not.toMatch(/^FAKE/m);

    const rec = runCli(['--db', db, 'reconcile']);
    expect(rec.code, rec.stderr).toBe(10);
    expectNoRawControls(rec.stdout + rec.stderr);
    expect(rec.stdout).not.toMatch(/^FAKE/m);

    const list = runCli(['--db', db, 'discrepancies']);
    expect(list.code).toBe(0);
    expectNoRawControls(list.stdout);
    expect(list.stdout).toMatch(/^ *\d+  \S+ +open +\d+d  ORD-1\\x1b\[8mHIDDEN\\x1b\[0m /m); // the reference column, escaped
    expect(list.stdout).toContain('  ORD-3\\nFAKE: reconcile clean  ');
    expect(list.stdout).not.toMatch(/^FAKE/m);

    // JSON keeps the exact bytes (escaped the JSON way): nothing is lost for programs.
    const json = runCli(['--db', db, 'discrepancies', '--json']);
    expect(JSON.parse(json.stdout).discrepancies.map((d: { reference: string | null }) => d.reference)).toContain(`ORD-1${ESC}[8mHIDDEN${ESC}[0m`);
  });

  it('baseline and scan print file names escaped', () => {
    const watched = join(dir, 'watched');
    mkdirSync(watched);
    const evil = join(watched, `evil${ESC}[8m\nchanged  etc-shadow`);
    writeFileSync(evil, 'one\n');
    const key = join(dir, 'hmac.key');
    writeFileSync(key, 'k'.repeat(32));
    chmodSync(key, 0o600);
    const init = runCli(['--db', db, 'baseline', 'init', 'w', '--path', watched, '--key-file', key]);
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(evil, 'two\n');
    const scan = runCli(['--db', db, 'scan', '--key-file', key]);
    expect(scan.code, scan.stderr).not.toBe(21);
    expectNoRawControls(scan.stdout + scan.stderr);
    expect(scan.stdout).toContain('evil\\x1b[8m\\nchanged  etc-shadow');
    expect(scan.stdout).not.toMatch(/^changed {2}etc-shadow/m);
  });
});

describe('an unrecognised file is quoted briefly, escaped, and never in alerts', () => {
  const SECRET = 'DB_PASSWORD=correct-horse-battery-staple-and-then-some-more-secret-text';

  it('import: the error quotes at most a short escaped prefix of the first line', () => {
    const f = join(dir, 'dropped.csv');
    writeFileSync(f, `${SECRET}${ESC}]0;pwned\u0007\nAPI_TOKEN=abc\n`);
    const r = runCli(['--db', db, 'import', 'psp', f]);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/not a recognised settlement file: the first line begins "DB_PASSWORD=correct-horse-batt/);
    expect(r.stderr + r.stdout).not.toContain('and-then-some');
    expect(r.stderr + r.stdout).not.toContain('API_TOKEN');
    expectNoRawControls(r.stdout + r.stderr);
    const j = runCli(['--db', db, 'import', 'psp', f, '--json']);
    expect(j.stdout).not.toContain('and-then-some');
  });

  let child: ReturnType<typeof startCli> | undefined;
  afterEach(() => {
    if (child && child.child.exitCode === null) child.child.kill('SIGKILL');
  });

  it('schedule: the alert and the run log name the file and say why, without its content', async () => {
    mkdirSync(join(dir, 'psp'));
    mkdirSync(join(dir, 'ledger'));
    writeFileSync(join(dir, 'psp', 'dropped.csv'), `${SECRET}\n`);
    writeFileSync(join(dir, 'ledger', 'ledger.csv'), `${LEDGER_HEADER}\nL-1,2025-03-03,ORD-1,,charge,10.00,EUR,,first\n`);
    const config = join(dir, 'schedule.json');
    writeFileSync(
      config,
      JSON.stringify({
        db: 'x.db',
        alerts: [{ type: 'file', path: 'alerts.jsonl' }],
        jobs: [{ name: 'recon', cron: '* * * * * *', reconcile: { import: { psp: ['psp/*.csv'], ledger: ['ledger/*.csv'] } } }],
      }),
    );
    child = startCli(['schedule', '--config', config]);
    const deadline = Date.now() + 30_000;
    while (!/"event":"run"/.test(child.output().stderr)) {
      if (child.child.exitCode !== null) throw new Error(`schedule exited early:\n${child.output().stderr}`);
      if (Date.now() > deadline) throw new Error(`no run within 30 s:\n${child.output().stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.child.kill('SIGTERM');
    const done = await child.done;
    const alerts = readFileSync(join(dir, 'alerts.jsonl'), 'utf8');
    expect(alerts).toContain('dropped.csv: not a recognised settlement file');
    for (const text of [alerts, done.stderr, done.stdout]) {
      expect(text).not.toContain('DB_PASSWORD');
      expect(text).not.toContain('correct-horse');
    }
  });
});
