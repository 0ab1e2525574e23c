/**
 * Documents printed item by item (reconcile --json, discrepancies --json, report .json) are
 * byte for byte what JSON.stringify(document, null, 2) printed before streaming, on a real
 * run of the demo month; and a run of thousands of items reaches a slow reader, or one that
 * leaves early, whole or cleanly. Run `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BIN, cliEnv, FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/schedule-support.js';
import { openTestStore, storeFor } from '../helpers/backend.js';

const DEMO = join(FIXTURES, 'demo');
const PSP_FILES = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];

let tmp: { dir: string; cleanup: () => void };
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO });
const pretty = (doc: unknown) => JSON.stringify(doc, null, 2) + '\n';

beforeAll(() => {
  tmp = tempDir();
  db = join(tmp.dir, 'demo.db');
  expect(cli('import', 'psp', ...PSP_FILES).code).toBe(0);
  expect(cli('import', 'ledger', 'ledger.csv').code).toBe(8);
});
afterAll(() => tmp.cleanup());

describe('streamed JSON documents', () => {
  test('reconcile --json, report .json and discrepancies --json print exactly JSON.stringify(doc, null, 2)', () => {
    const rec = cli('reconcile', '--json');
    expect(rec.code).toBe(15);
    const doc = parseJson(rec);
    expect(doc.discrepancies).toHaveLength(17); // the demo month: 13, plus 4 items of 2 amount + date proposals (issue 11)
    expect(rec.stdout).toBe(pretty(doc));

    const out = join(tmp.dir, 'run.json');
    expect(cli('report', '--out', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(rec.stdout);

    const list = cli('discrepancies', '--json', '--status', 'all');
    expect(list.code).toBe(0);
    const listed = parseJson(list);
    expect(listed.discrepancies.map((d: { id: number }) => d.id)).toEqual(doc.discrepancies.map((d: { id: number }) => d.id));
    expect(list.stdout).toBe(pretty(listed));
  });

  test('an empty list prints the same empty array as before', () => {
    const none = cli('discrepancies', '--json', '--status', 'resolved');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('{\n  "discrepancies": []\n}\n');
  });
});

describe('a run of thousands of items, printed through a pipe', () => {
  // 20,000 ledger entries no PSP file books: 20,000 missing_in_psp items (exit bit 2), a
  // document of about 12 MB, far more than a pipe holds (64 KB), so the printer must wait.
  const N = 20_000;
  let big: { dir: string; cleanup: () => void };
  let bigDb: string;
  const bigCli = (...args: string[]) => runCli(['--db', bigDb, ...args]);

  beforeAll(() => {
    big = tempDir();
    bigDb = join(big.dir, 'big.db');
    const rows = ['entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description'];
    for (let i = 1; i <= N; i++) rows.push(`L-${i},2025-03-${String(1 + (i % 28)).padStart(2, '0')},ORD-${i},,charge,${i}.${String(i % 100).padStart(2, '0')},EUR,,order ${i}`);
    writeFileSync(join(big.dir, 'ledger.csv'), rows.join('\n') + '\n');
    expect(bigCli('import', 'ledger', join(big.dir, 'ledger.csv')).code).toBe(0);
  }, 120_000);
  afterAll(() => big.cleanup());

  /** The id of the last run recorded (0 when none), seen from a connection of our own. */
  function lastRun(): number {
    const peek = openTestStore(bigDb, { create: false });
    try {
      return peek.prepare('SELECT coalesce(max(id), 0) FROM recon_runs').pluck().get() as number;
    } finally {
      peek.close();
    }
  }

  /** `reconcile --json` with nobody reading its stdout until `read()`; `recorded()` waits for its commit. */
  function unreadReconcile() {
    const run = lastRun() + 1;
    // Spawned by hand (stdout must stay unread), so the store is the backend's by hand too.
    const child = spawn(process.execPath, [BIN, '--db', storeFor(bigDb), 'reconcile', '--json'], { env: cliEnv() });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    return {
      child,
      run,
      recorded: () => waitFor(() => lastRun() === run, `run ${run} to be recorded`, 120_000),
      async read() {
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        const code = await closed;
        return { code, stdout, stderr };
      },
    };
  }

  test('a reader that takes nothing until the run is recorded still gets one document with every item', async () => {
    const run = unreadReconcile();
    // Nobody reads stdout yet. The run commits before its document is printed: another
    // payrecon sees all its items while the first one waits for its reader.
    await run.recorded();
    expect(parseJson(bigCli('discrepancies', '--json', '--run', String(run.run), '--status', 'all')).discrepancies).toHaveLength(N);
    expect(run.child.exitCode).toBeNull(); // still printing: waiting for the reader, not done
    const { code, stdout: text, stderr } = await run.read();
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const doc = JSON.parse(text);
    expect(doc.counts.discrepancies).toBe(N);
    expect(doc.discrepancies).toHaveLength(N);
    expect(new Set(doc.discrepancies.map((d: { ledger: { id: string } }) => d.ledger.id)).size).toBe(N);
    expect(text).toBe(JSON.stringify(doc, null, 2) + '\n');
    // The same document as the run's report, read back later.
    const out = join(big.dir, 'run.json');
    expect(bigCli('report', '--out', out).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(text);
  }, 180_000);

  test('reconcile --json | head -c 100: the run is recorded, the exit code is the run\'s, no stack trace', () => {
    const next = lastRun() + 1;
    const r = spawnSync('bash', ['-c', '"$0" "$1" --db "$2" reconcile --json | head -c 100; exit "${PIPESTATUS[0]}"', process.execPath, BIN, storeFor(bigDb)], {
      env: cliEnv(),
      encoding: 'utf8',
    });
    expect(r.stdout).toHaveLength(100);
    expect(r.stdout.startsWith(`{\n  "run": ${next},`)).toBe(true);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(2);
    const again = parseJson(bigCli('discrepancies', '--json', '--run', String(next), '--status', 'all'));
    expect(again.discrepancies).toHaveLength(N);
  }, 120_000);

  test('SIGTERM while the document is printed: it stops there, exit 130, the run stays recorded', async () => {
    const run = unreadReconcile();
    await run.recorded();
    run.child.kill('SIGTERM');
    const { code, stdout, stderr } = await run.read();
    expect(code).toBe(130);
    expect(stderr).toMatch(new RegExp(`interrupted while printing; run ${run.run} is recorded: payrecon report --run ${run.run}`));
    expect(stderr).not.toMatch(/at .*\.js/);
    expect(stdout.startsWith(`{\n  "run": ${run.run},`)).toBe(true);
    expect(() => JSON.parse(stdout)).toThrow(); // cut short, not a shorter list posing as the whole
    expect(parseJson(bigCli('discrepancies', '--json', '--run', String(run.run), '--status', 'all')).discrepancies).toHaveLength(N);
  }, 120_000);
});
