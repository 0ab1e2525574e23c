/**
 * Conflicts (issue 16) as a user meets them: bob acts on an item ana already changed and gets
 * exit 17 naming her and when, nothing overwritten; a wrong command line (an unknown id) stays
 * 16, and wins when both happen. The `--json` error document keeps the contract's shape.
 * Run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');

let tmp: { dir: string; cleanup: () => void };
let db: string;
const as = (who: string, ...args: string[]) => runCli(['--db', db, ...args], { cwd: DEMO, env: { PAYRECON_ACTOR: who } });
type Item = { id: number; kind: string; status: string; currency: string | null; note: string | null; resolved_by: string | null; psp: { id: string } | null; ledger: { id: string } | null };
const all = (): Item[] => parseJson(as('ana', 'discrepancies', '--status', 'all', '--json')).discrepancies;
const byId = (id: number) => all().find((d) => d.id === id)!;
const TIME = '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z';

let missingLedger: Item[];
let missingPsp: Item[];

beforeAll(() => {
  tmp = tempDir('payrecon-conflict-');
  db = join(tmp.dir, 'c.db');
  expect(as('ana', 'import', 'psp', 'stripe-balance-report-2025-03.csv').code).toBe(0);
  expect(as('ana', 'import', 'ledger', 'ledger.csv').code).toBe(8);
  expect(as('ana', 'reconcile').code).toBeGreaterThan(0);
  const items = all();
  missingLedger = items.filter((d) => d.kind === 'missing_in_ledger' && d.currency === 'USD');
  missingPsp = items.filter((d) => d.kind === 'missing_in_psp' && d.currency === 'USD');
  expect(missingLedger.length).toBeGreaterThanOrEqual(2);
  expect(missingPsp.length).toBeGreaterThanOrEqual(4);
});
afterAll(() => tmp.cleanup());

describe('resolve after someone else', () => {
  test.each([
    ['resolving', ['--note', 'mine too']],
    ['writing off', ['--status', 'written_off', '--reason', 'fx_rounding', '--note', 'rounding']],
    ['acknowledging', ['--status', 'acknowledged', '--note', 'looking']],
  ])('%s an item ana resolved: 17 naming her and when, the item untouched', (_, args) => {
    const id = missingPsp[0].id;
    if (byId(id).status === 'open') expect(as('ana', 'resolve', String(id), '--note', 'booked late').code).toBe(0);
    const before = byId(id);
    const r = as('bob', 'resolve', String(id), ...args);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(new RegExp(`discrepancy ${id} is already resolved \\(by ana at ${TIME}\\); nothing was changed`));
    expect(byId(id)).toEqual(before);
  });

  test('acknowledging twice is a conflict; resolving an acknowledged item is not', () => {
    const id = missingPsp[1].id;
    expect(as('ana', 'resolve', String(id), '--status', 'acknowledged', '--note', 'asked the bookkeeper').code).toBe(0);
    const twice = as('bob', 'resolve', String(id), '--status', 'acknowledged', '--note', 'me too');
    expect(twice.code).toBe(17);
    expect(twice.stderr).toMatch(new RegExp(`discrepancy ${id} is already acknowledged \\(by ana at ${TIME}\\)`));
    expect(as('bob', 'resolve', String(id), '--note', 'found it').code).toBe(0);
    expect(byId(id)).toMatchObject({ status: 'resolved', resolved_by: 'bob' });
  });

  test('--json: the contract error document, code 17, message naming who', () => {
    const id = missingPsp[0].id;
    const r = as('bob', '--json', 'resolve', String(id), '--note', 'x');
    expect(r.code).toBe(17);
    const doc = parseJson(r);
    expect(Object.keys(doc)).toEqual(['error']);
    expect(Object.keys(doc.error).sort()).toEqual(['code', 'hint', 'message']);
    expect(doc.error).toMatchObject({ code: 17, message: expect.stringMatching(new RegExp(`already resolved \\(by ana at ${TIME}\\)`)) });
  });

  test('an unknown id with a conflict: 16 first (the command line is wrong), the conflict still named', () => {
    const id = missingPsp[0].id;
    const r = as('bob', 'resolve', String(id), '99999', '--note', 'x');
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(new RegExp(`no discrepancy with id 99999; discrepancy ${id} is already resolved \\(by ana at ${TIME}\\); nothing was changed`));
    expect(as('bob', 'resolve', '99999', '--note', 'x').code).toBe(16);
  });
});

describe('items a manual match closed, and rows already matched', () => {
  test('resolving an item ana closed by a match names the match and her', () => {
    const [p] = missingLedger;
    const l = missingPsp[2];
    const m = parseJson(as('ana', '--json', 'match', '--psp', p.psp!.id, '--ledger', l.ledger!.id, '--note', 'same order'));
    expect(m.closed).toEqual(expect.arrayContaining([p.id, l.id]));
    const r = as('bob', 'resolve', String(l.id), '--note', 'x');
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(new RegExp(`discrepancy ${l.id} is already closed by manual match ${m.match} \\(by ana at ${TIME}\\)`));

    // Matching her row again, with another entry: a conflict naming her match.
    const again = as('bob', 'match', '--psp', p.psp!.id, '--ledger', missingPsp[3].ledger!.id, '--note', 'x');
    expect(again.code).toBe(17);
    expect(again.stderr).toMatch(new RegExp(`psp ${p.psp!.id} is already in manual match ${m.match} \\(by ana at ${TIME}\\) \\(payrecon unmatch ${m.match} first\\); nothing was matched`));
    expect(byId(missingPsp[3].id).status).toBe('open');

    // Undone by ana; bob undoing it again is told who did and when.
    expect(as('ana', 'unmatch', String(m.match), '--note', 'separate orders').code).toBe(0);
    const undo = as('bob', '--json', 'unmatch', String(m.match), '--note', 'wrong pair');
    expect(undo.code).toBe(17);
    expect(parseJson(undo).error.message).toMatch(new RegExp(`manual match ${m.match} was already undone \\(by ana at ${TIME}\\); nothing was changed`));
    expect(as('bob', 'unmatch', '99999', '--note', 'x').code).toBe(17); // an unknown match: input, as before
    expect(as('ana', 'audit', 'verify').code).toBe(0);
  });
});
