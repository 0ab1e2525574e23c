/** The chain check every report makes: the whole chain of a short log, the tail of a long one. */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { appendAudit } from '../../src/db/audit.js';
import { openDatabase, type DB } from '../../src/db/open.js';
import { checkAuditChain } from '../../src/operations/audit.js';

// The report's limits (20,000 walked whole, else the newest 2,000) scaled down: the same code paths.
const SMALL = { walk: 100, tail: 20 };
import { tempDir } from '../helpers/cli.js';

let cleanup = () => {};
afterEach(() => cleanup());

function logOf(n: number): DB {
  const t = tempDir();
  const db = openDatabase(join(t.dir, 'a.db'));
  cleanup = () => {
    db.close();
    t.cleanup();
  };
  db.transaction(() => {
    for (let i = 1; i <= n; i++) appendAudit(db, { action: 'note', subject: `discrepancy ${i}`, details: { note: `n${i}` }, actor: 't', at: '2026-01-01T00:00:00.000Z' });
  })();
  return db;
}
const tamper = (db: DB, id: number) => db.prepare(`UPDATE audit_log SET details = '{"note":"edited"}' WHERE id = ?`).run(id);

describe('checkAuditChain', () => {
  it('a short log is walked whole: an edit anywhere is found', () => {
    const db = logOf(50);
    expect(checkAuditChain(db, SMALL)).toEqual({ ok: true, checked: 50 });
    expect(checkAuditChain(db)).toEqual({ ok: true, checked: 50 });
    tamper(db, 3);
    expect(checkAuditChain(db, SMALL)).toMatchObject({ ok: false, broken: { id: 3, reason: 'its content was altered after it was written' } });
  });

  it('a long log: the newest entries and the head, an edit among them found', () => {
    const db = logOf(150);
    expect(checkAuditChain(db, SMALL)).toEqual({ ok: true, checked: 20 });
    tamper(db, 140);
    expect(checkAuditChain(db, SMALL)).toMatchObject({ ok: false, broken: { id: 140 } });
  });

  it('a long log whose newest entry was deleted: the head no longer matches', () => {
    const db = logOf(150);
    db.prepare('DELETE FROM audit_log WHERE id = 150').run();
    expect(checkAuditChain(db, SMALL)).toMatchObject({ ok: false, broken: { id: 150 } });
  });
});
