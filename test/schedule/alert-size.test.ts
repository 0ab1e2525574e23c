/**
 * Issue 19, item 1: a reconcile job over 400,000 PSP rows lost its alert ("Maximum call stack
 * size exceeded", from spreading every finding into push()). Alerts work for any run size: the
 * body carries at most MAX_ALERT_ITEMS findings and says how many it left out; every finding
 * is still remembered, so the next run does not re-alert them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlert, MAX_ALERT_ITEMS } from '../../src/schedule/alert.js';
import type { JobConfig } from '../../src/schedule/config.js';
import { MemoryLog } from '../../src/schedule/log.js';
import { Scheduler, type JobOutcome } from '../../src/schedule/scheduler.js';
import { tempStore } from '../helpers/schedule-support.js';

const reconJob: JobConfig = { name: 'recon', cron: '* * * * * *', command: 'reconcile', reconcile: {} };
const N = 1_000_000;

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A missing_in_ledger discrepancy as `reconcile --json` shapes it, distinct per i. */
function discrepancy(i: number) {
  return { id: i + 1, kind: 'missing_in_ledger', currency: 'EUR', reference: `ORD-${i}`, psp: { id: `psp_${i}`, amount: '10.00' }, ledger: null };
}

describe('alerts for any run size', () => {
  it('the body is capped and says how many findings it left out', () => {
    const items = Array.from({ length: MAX_ALERT_ITEMS + 5 }, (_, i) => discrepancy(i));
    const body = buildAlert({ id: 'a', job: 'recon', command: 'reconcile', exitCode: 2, at: new Date(0), host: 'db01', items });
    expect(body.discrepancies).toHaveLength(MAX_ALERT_ITEMS);
    expect(body.omitted).toBe(5);
    expect((body.discrepancies as Array<{ reference: string }>)[0].reference).toBe('ORD-0');
    const small = buildAlert({ id: 'b', job: 'recon', command: 'reconcile', exitCode: 2, at: new Date(0), host: 'db01', items: items.slice(0, 3) });
    expect(small.discrepancies).toHaveLength(3);
    expect('omitted' in small).toBe(false);
  });

  it(`a run with ${N.toLocaleString('en')} new findings is alerted once, with a bounded body, and every finding remembered`, async () => {
    const store = tempStore();
    const { db, outbox } = store.open();
    const log = new MemoryLog();
    let runs = 0;
    const items = Array.from({ length: N }, (_, i) => discrepancy(i));
    const outcome = (): JobOutcome => ({ exitCode: 2, counts: { discrepancies: N }, items: runs++ === 0 ? items : items.slice(0, 10) });
    const scheduler = new Scheduler({ jobs: [reconJob], sinkKeys: ['file a'], outbox, runJob: async () => outcome(), log });
    cleanups.push(() => scheduler.stop(), () => store.cleanup());

    const result = await scheduler.trigger(reconJob);
    expect(log.named('alert_error')).toEqual([]);
    expect(result?.alertId).toBeDefined();
    expect(result?.newFindings).toBe(N);
    const rows = db.prepare('SELECT body FROM schedule_alerts').all() as Array<{ body: string }>;
    expect(rows).toHaveLength(1);
    // One discrepancy serializes to ~130 bytes: the cap keeps the body near 130 kB, not 130 MB.
    expect(rows[0].body.length).toBeLessThan(1_000_000);
    const body = JSON.parse(rows[0].body);
    expect(body.discrepancies).toHaveLength(MAX_ALERT_ITEMS);
    expect(body.omitted).toBe(N - MAX_ALERT_ITEMS);
    expect((db.prepare("SELECT COUNT(*) AS n FROM schedule_alerted WHERE kind = 'finding'").get() as { n: number }).n).toBe(N);
    const [run] = log.named('run');
    expect(run.fields).toMatchObject({ new_findings: N, alert: result?.alertId });

    // The next run reports 10 of them, all alerted before: no alert; the rest are forgotten.
    const again = await scheduler.trigger(reconJob);
    expect(log.named('alert_error')).toEqual([]);
    expect(again?.alertId).toBeUndefined();
    expect((db.prepare("SELECT COUNT(*) AS n FROM schedule_alerted WHERE kind = 'finding'").get() as { n: number }).n).toBe(10);
  }, 600_000);
});
