/**
 * The synchronous bridge (src/db/pg/bridge.ts) never blocks forever: a connection thread that
 * exits or hangs without replying fails the call with DatabaseError (exit 19), and the bridge
 * stays failed. No server needed.
 */
import { describe, expect, it } from 'vitest';
import { Bridge } from '../../../src/db/pg/bridge.js';
import { DatabaseError } from '../../../src/errors.js';

const worker = (name: string) => new URL(`../../helpers/pg-workers/${name}.mjs`, import.meta.url);

describe('the bridge when its worker fails', () => {
  it('a worker that exits mid-request: DatabaseError naming the server, then every call fails', () => {
    const b = new Bridge('postgres://u:***@h:5432/db', { workerUrl: worker('exits') });
    const call = () => b.call({ op: 'query', text: 'SELECT 1', values: [] });
    expect(call).toThrow(DatabaseError);
    expect(call).toThrow(/postgres:\/\/u:\*\*\*@h:5432\/db: the connection thread (exited|stopped)/);
    expect(call).toThrow(DatabaseError);
    b.terminate();
  });

  it('a worker that hangs (no heartbeat): DatabaseError after the stall limit', () => {
    const b = new Bridge('postgres://h/db', { workerUrl: worker('hangs'), stallMs: 1500 });
    let err: unknown;
    try {
      b.call({ op: 'query', text: 'SELECT 1', values: [] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseError);
    expect((err as DatabaseError).exitCode).toBe(19);
    expect((err as Error).message).toMatch(/stopped responding/);
  });
});
