/**
 * `npm run demo` is the README's first command: it must keep working on the bundled fixtures
 * and tell the story it promises (a rejected row, an idempotent re-import, a reconcile with
 * findings, a late booking closing, reports, a verified audit chain, a scan with findings).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cliEnv, ROOT, tempDir } from '../helpers/cli.js';

it('the demo runs end to end on the bundled fixtures', () => {
  const { dir, cleanup } = tempDir('payrecon-demo-test-');
  try {
    const r = spawnSync('bash', [join(ROOT, 'scripts', 'demo.sh')], {
      cwd: ROOT,
      env: cliEnv({ PAYRECON_DEMO_DIR: dir }),
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/ledger\.csv:30 \(amount\).*N\/A/); // the rejected row, with file and line
    expect(out).toMatch(/already imported/);
    expect(out).toMatch(/17 matched, 17 open discrepancies[\s\S]*\(exit 15\)/); // two amount + date pairings proposed
    expect(out).toMatch(/proposal 2 accepted by demo: manual match 2, closed discrepancies \d+, \d+/);
    expect(out).toMatch(/20 matched, 11 open discrepancies/); // night 2: #3 closed, #7 resolved
    // The bank leg: two statements imported, payouts found, one not deposited, one unexplained credit.
    expect(out).toMatch(/camt053-eur-2025-03\.xml: camt053, 1 statement .*every statement balances/);
    expect(out).toMatch(/mt940-usd-2025-03\.sta: mt940, 1 statement .*every statement balances/);
    expect(out).toMatch(/USD: 2 payouts \(1071\.78\): 1 found at the bank \(831\.60\), 1 not deposited \(240\.18\)/);
    expect(out).toMatch(/EUR: 1 payout \(238\.28\): 1 found at the bank \(238\.28\)/);
    expect(out).toMatch(/payout_not_deposited 240\.18 USD \[po_1DemoP02\] NOT_DEPOSITED/);
    expect(out).toMatch(/unexplained_deposit -500\.00 EUR \[2025031400017\] UNEXPLAINED_CREDIT/);
    expect(out).toMatch(/audit log verifies/);
    expect(out).toMatch(/1 added, 0 removed, 3 changed[\s\S]*\(exit 5\)/); // app/ changed too: a name was added to it
    expect(out).not.toMatch(/\u001b\[/); // no colour codes into a pipe
    for (const f of ['report.html', 'report.csv', 'junit.xml']) expect(existsSync(join(dir, f))).toBe(true);
  } finally {
    cleanup();
  }
});
