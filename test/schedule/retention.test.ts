/** Outbox retention (issue 12): delivered alerts beyond what the config keeps are forgotten; undelivered ones never. */
import { afterEach, describe, expect, it } from 'vitest';
import { outboxRows, tempStore } from '../helpers/schedule-support.js';

let store: ReturnType<typeof tempStore>;
afterEach(() => store.cleanup());

async function threeAlerts() {
  store = tempStore();
  const { db, outbox } = store.open();
  const t0 = Date.parse('2026-06-01T00:00:00Z');
  for (const [i, id] of ['a1', 'a2', 'a3'].entries()) {
    await outbox.recordRun({ job: 'keys', forget: [], remember: [], alert: { id, body: '{}', at: new Date(t0).toISOString() }, sinks: ['file x', 'file y'], nowMs: t0 });
    // a1 and a2 delivered to both sinks a day apart; a3 delivered to one sink, pending on the other.
    for (const sink of i < 2 ? ['file x', 'file y'] : ['file x']) await outbox.markDelivered({ alertId: id, sink, body: '{}', attempts: 0 }, new Date(t0 + i * 86_400_000));
  }
  return { db, outbox, t0 };
}

describe('Outbox.pruneDelivered', () => {
  it('by age: deliveries older than the window go, and an alert with none left', async () => {
    const { db, outbox, t0 } = await threeAlerts();
    expect(await outbox.pruneDelivered({ ms: 36 * 3_600_000 }, t0 + 2 * 86_400_000)).toBe(2); // a1's two deliveries
    expect(outboxRows(db).map((r) => `${r.alert_id} ${r.sink} ${r.status}`)).toEqual(['a2 file x delivered', 'a2 file y delivered', 'a3 file x delivered', 'a3 file y pending']);
    expect(db.prepare('SELECT id FROM schedule_alerts ORDER BY id').pluck().all()).toEqual(['a2', 'a3']);
  });

  it('by count: the newest deliveries stay; a pending one is never dropped', async () => {
    const { db, outbox, t0 } = await threeAlerts();
    expect(await outbox.pruneDelivered({ count: 1 }, t0)).toBe(4);
    expect(outboxRows(db).map((r) => `${r.alert_id} ${r.sink} ${r.status}`)).toEqual(['a3 file x delivered', 'a3 file y pending']);
    expect(db.prepare('SELECT id FROM schedule_alerts').pluck().all()).toEqual(['a3']);
  });
});
