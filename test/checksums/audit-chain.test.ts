import { describe, expect, it } from 'vitest';
import { sealEntry, verifyChain, type AuditEntry, type AuditHead } from '../../src/checksums/audit-chain.js';
import { compareProjection, replayAudit, type StoredState } from '../../src/checksums/audit-projection.js';
import { signingKey } from '../../src/checksums/signing.js';

const key = signingKey(Buffer.alloc(32, 1));
const other = signingKey(Buffer.alloc(32, 2));
const draft = (action: string, subject: string, details: object = {}, actor = 'alice') => ({ at: '2025-03-01T00:00:00Z', actor, action, subject, details: JSON.stringify(details) });

/** A log of `n` entries written with the keys given per entry (null: unkeyed). */
function log(keys: Array<typeof key | null>): { rows: AuditEntry[]; head: AuditHead | undefined } {
  const rows: AuditEntry[] = [];
  let head: AuditHead | undefined;
  keys.forEach((k, i) => {
    const r = sealEntry(k, draft('import', `file ${i}`), head);
    rows.push(r.entry);
    head = r.head;
  });
  return { rows, head };
}

describe('the audit chain', () => {
  type Case = [string, (l: ReturnType<typeof log>) => void, typeof key | null, RegExp | null];
  const cases: Case[] = [
    ['intact, keyed', () => {}, key, null],
    ['intact, keyed, verified without the key', () => {}, null, null],
    ['newest entry deleted', (l) => void l.rows.pop(), key, /head record says 3 entries/],
    ['newest deleted, head rewritten', (l) => {
      l.rows.pop();
      l.head = { ...l.head!, entries: 2, hash: l.rows[1].hash };
    }, key, /head record MAC does not verify/],
    ['newest deleted, head rewritten, no key to check', (l) => {
      l.rows.pop();
      l.head = { ...l.head!, entries: 2, hash: l.rows[1].hash };
    }, null, null],
    ['head deleted', (l) => void (l.head = undefined), key, /head record is missing/],
    ['key stripped from an entry', (l) => {
      l.rows[2] = { ...l.rows[2], key_id: null, mac: null };
    }, key, /altered after it was written/],
    ['MAC of an entry replaced', (l) => {
      l.rows[1] = { ...l.rows[1], mac: '00'.repeat(32) };
    }, key, /MAC does not verify/],
    ['verified with another key', () => {}, other, /keyed with key id .*the key given has id/],
  ];
  it.each(cases)('%s', (_name, edit, verifyKey, broken) => {
    const l = log([key, key, key]);
    edit(l);
    const v = verifyChain(l.rows, l.head, verifyKey);
    if (broken) expect(v.broken?.reason).toMatch(broken);
    else expect(v).toMatchObject({ ok: true, keyId: key.id, macsChecked: verifyKey !== null });
  });

  it('a log that was never keyed is reported as such without a key, and refused with one', () => {
    const l = log([null, null]);
    expect(verifyChain(l.rows, l.head, null)).toMatchObject({ ok: true, keyId: null, macsChecked: false });
    expect(verifyChain(l.rows, l.head, key).broken?.reason).toMatch(/no entry is keyed although a key is configured/);
    expect(verifyChain([], undefined, key)).toMatchObject({ ok: true, entries: 0 });
  });

  it('unkeyed entries before keying are accepted and counted; after keying they are not', () => {
    const l = log([null, null, key]);
    expect(verifyChain(l.rows, l.head, key)).toMatchObject({ ok: true, unkeyedBefore: 2, macsChecked: true });
    expect(() => sealEntry(null, draft('x', 'y'), l.head)).toThrow(/is keyed .* no key is configured/);
    expect(() => sealEntry(other, draft('x', 'y'), l.head)).toThrow(/keyed with key id/);
  });
});

describe('the projection of the log', () => {
  const entries = [
    { id: 1, ...draft('import', '/in/a.csv', { import_id: 1 }) },
    { id: 2, ...draft('reconcile', 'run 1') },
    { id: 3, ...draft('resolve', 'discrepancy 2', { note: 'booked late' }, 'bob') },
    { id: 4, ...draft('auto_close', 'discrepancy 3') },
    { id: 5, ...draft('baseline_init', 'keys') },
    { id: 6, ...draft('baseline_update', 'keys', { generation: 2 }) },
  ];
  const at = '2025-03-01T00:00:00Z';
  const matching = (): StoredState => ({
    discrepancies: [
      { id: 1, status: 'open', note: null, resolved_by: null, resolved_at: null },
      { id: 2, status: 'resolved', note: 'booked late', resolved_by: 'bob', resolved_at: at },
      { id: 3, status: 'closed', note: null, resolved_by: null, resolved_at: null },
    ],
    baselines: [{ name: 'keys', generation: 2 }],
    importIds: [1],
    runIds: [1],
  });
  it.each<[string, (s: StoredState) => void, string[]]>([
    ['tables match', () => {}, []],
    ['invented resolution', (s) => {
      (s.discrepancies as unknown as Array<Record<string, unknown>>)[0] = { id: 1, status: 'resolved', note: 'ok', resolved_by: 'm', resolved_at: at };
    }, [
      'discrepancy 1: status is "resolved" in the table, the log says "open" (no audit entry changed it)',
      'discrepancy 1: note is "ok" in the table, the log says nothing (no audit entry changed it)',
      'discrepancy 1: resolved_by is "m" in the table, the log says nothing (no audit entry changed it)',
      `discrepancy 1: resolved_at is "${at}" in the table, the log says nothing (no audit entry changed it)`,
    ]],
    ['a resolved discrepancy deleted', (s) => void (s.discrepancies as unknown[]).splice(1, 1), ['discrepancy 2: recorded in audit entry 3 but missing from the table']],
    ['baseline deleted', (s) => void (s.baselines = []), ['baseline "keys": approved in audit entry 6 but missing from the table (deleted?)']],
    ['baseline rolled back', (s) => void (s.baselines = [{ name: 'keys', generation: 1 }]), ['baseline "keys": generation 1 in the table, the log approved generation 2 (audit entry 6)']],
    ['an unlogged import and run', (s) => {
      s.importIds.push(2);
      s.runIds.push(2);
    }, ['import 2: in the tables but not in the audit log (log entries deleted?)', 'reconcile run 2: in the tables but not in the audit log (log entries deleted?)']],
  ])('%s', (_name, edit, expected) => {
    const s = matching();
    edit(s);
    expect(compareProjection(replayAudit(entries), s)).toEqual(expected);
  });
});
