/**
 * The wording and exit of conflicts (issue 16): who changed an item first and when, and which
 * error a list of problems becomes (16 when the command line is wrong, else 17).
 */
import { describe, expect, it } from 'vitest';
import { byWhom, matchMaker, proposalConflict, refusal, statusConflict, whoWhen, type ItemState } from '../../src/domain/conflict.js';
import { ConflictError, ExitCode, InputError, UsageError } from '../../src/errors.js';

const AT = '2026-03-04T10:00:00.000Z';
const item = (s: Partial<ItemState>): ItemState => ({ status: 'open', resolved_by: null, resolved_at: null, closed_at: null, closed_run: null, ...s });

describe('whoWhen / byWhom', () => {
  it.each([
    [{ by: 'ana', at: AT }, `by ana at ${AT}`, ` (by ana at ${AT})`],
    [{ by: 'ana', at: null }, 'by ana', ' (by ana)'],
    [{ by: null, at: AT }, `at ${AT}`, ` (at ${AT})`],
    [{}, '', ''],
  ])('%o', (c, plain, bracketed) => {
    expect(whoWhen(c)).toBe(plain);
    expect(byWhom(c)).toBe(bracketed);
  });
});

describe('statusConflict', () => {
  const ana = { resolved_by: 'ana', resolved_at: AT };
  it.each([
    ['open item, any change', item({}), 'resolved', undefined],
    ['acknowledged, resolving', item({ status: 'acknowledged', ...ana }), 'resolved', undefined],
    ['acknowledged, writing off', item({ status: 'acknowledged', ...ana }), 'written_off', undefined],
    ['acknowledged, acknowledging', item({ status: 'acknowledged', ...ana }), 'acknowledged', `discrepancy 7 is already acknowledged (by ana at ${AT})`],
    ['resolved', item({ status: 'resolved', ...ana }), 'resolved', `discrepancy 7 is already resolved (by ana at ${AT})`],
    ['resolved, acknowledging', item({ status: 'resolved', ...ana }), 'acknowledged', `discrepancy 7 is already resolved (by ana at ${AT})`],
    ['written off', item({ status: 'written_off', ...ana }), 'resolved', `discrepancy 7 is already written_off (by ana at ${AT})`],
    ['closed by a run', item({ status: 'closed', closed_run: 4, closed_at: AT }), 'resolved', `discrepancy 7 is already closed (by reconcile run 4 at ${AT})`],
    ['closed, run unknown', item({ status: 'closed', closed_at: AT }), 'resolved', `discrepancy 7 is already closed (by a reconcile run at ${AT})`],
    ['closed by a match', item({ status: 'closed', closed_at: AT, closedByMatch: { id: 2, by: 'bob', at: AT } }), 'acknowledged', `discrepancy 7 is already closed by manual match 2 (by bob at ${AT})`],
    ['resolved, resolver unknown', item({ status: 'resolved' }), 'resolved', 'discrepancy 7 is already resolved'],
  ] as const)('%s', (_, state, want, message) => {
    expect(statusConflict(7, state, want)).toBe(message);
  });
});

describe('proposalConflict and matchMaker', () => {
  it.each([
    [{ status: 'open', decided_by: null, decided_at: null, last_run: 3 }, undefined],
    [{ status: 'accepted', decided_by: 'ana', decided_at: AT, last_run: 3 }, `proposal 4 is already accepted (by ana at ${AT})`],
    [{ status: 'rejected', decided_by: 'bob', decided_at: AT, last_run: 3 }, `proposal 4 is already rejected (by bob at ${AT})`],
    [{ status: 'gone', decided_by: null, decided_at: null, last_run: 3 }, 'proposal 4 is gone (no run proposed it after run 3, and its items are no longer open)'],
  ])('%o', (p, message) => {
    expect(proposalConflict(4, p)).toBe(message);
  });

  it.each([
    [{ id: 3, origin: 'manual', created_by: 'ana', created_at: AT }, `manual match 3 (by ana at ${AT})`],
    [{ id: 5, origin: 'proposal', created_by: 'bob', created_at: AT }, `manual match 5 (by bob at ${AT}), from an accepted proposal`],
  ])('%o', (m, text) => {
    expect(matchMaker(m)).toBe(text);
  });
});

describe('refusal: which error a list of problems becomes', () => {
  const tail = { tail: 'nothing was changed', hint: 'see the list' };
  it.each([
    ['nothing wrong', [], [], undefined, undefined, undefined],
    ['only conflicts: 17, a ConflictError', [], ['a is already resolved (by ana)'], ConflictError, ExitCode.INPUT, 'a is already resolved (by ana); nothing was changed'],
    ['only a wrong id: 16', ['no discrepancy with id 9'], [], UsageError, ExitCode.USAGE, 'no discrepancy with id 9; nothing was changed'],
    ['both: 16 first, the conflicts still listed', ['no discrepancy with id 9'], ['a is already resolved (by ana)'], UsageError, ExitCode.USAGE, 'no discrepancy with id 9; a is already resolved (by ana); nothing was changed'],
  ] as const)('%s', (_, wrong, conflicts, kind, code, message) => {
    const e = refusal([...wrong], [...conflicts], tail);
    if (!kind) return expect(e).toBeUndefined();
    expect(e).toBeInstanceOf(kind);
    expect(e!.exitCode).toBe(code);
    expect(e!.message).toBe(message);
    expect(e!.hint).toBe('see the list');
  });

  it('a command whose wrong input is a file or row (match) keeps 17 but is no conflict', () => {
    const e = refusal(['no PSP row with id x'], ['psp y is already in manual match 1'], { tail: 'nothing was matched', wrongIs: 'input' });
    expect(e).toBeInstanceOf(InputError);
    expect(e).not.toBeInstanceOf(ConflictError);
    expect(e!.exitCode).toBe(ExitCode.INPUT);
  });

  it('a ConflictError is an InputError (one exit mapping) with its own name, controls escaped', () => {
    const e = new ConflictError('discrepancy 1 is already resolved (by ana\x1b[31m)');
    expect(e).toBeInstanceOf(InputError);
    expect(e.name).toBe('ConflictError');
    expect(e.exitCode).toBe(17);
    expect(e.message).not.toContain('\x1b');
  });
});
