import { describe, expect, it } from 'vitest';
import { applyChange, initialState, reduceKey, visibleItems, type KeyInfo, type TriageState } from '../../src/ui/triage-state.js';
import { view } from '../helpers/report-sample.js';

const items = () => [
  view({ id: 1, reference: 'ORD-1', kind: 'amount_mismatch' }),
  view({ id: 2, reference: 'ORD-2', kind: 'missing_in_ledger', psp: { id: 'ch_2', amount: '5.00', source: 'stripe', file: 'f', line: 1 } }),
  view({ id: 3, reference: 'ORD-3', kind: 'duplicate', status: 'acknowledged' }),
];

/** Feed a sequence of [input, key] presses; return the last step. */
function feed(state: TriageState, presses: Array<[string, KeyInfo?]>) {
  let s = state;
  let effect;
  for (const [input, key] of presses) {
    const step = reduceKey(s, input, key ?? {});
    s = step.state;
    effect = step.effect;
  }
  return { state: s, effect };
}

describe('write off and owner', () => {
  const type = (text: string): Array<[string, KeyInfo?]> => [[text], ['', { return: true }]];
  it('w then "<code> <note>" Enter writes off with that reason', () => {
    const step = feed(initialState(items()), [['w'], ...type('fx_rounding PSP rounded it')]);
    expect(step.effect).toEqual({ type: 'change', ids: [1], status: 'written_off', note: 'PSP rounded it', reason: 'fx_rounding' });
  });
  it('w without a note keeps the prompt open and says what is missing', () => {
    const step = feed(initialState(items()), [['w'], ...type('fx_rounding')]);
    expect(step.effect).toBeUndefined();
    expect(step.state).toMatchObject({ mode: 'note', message: { tone: 'error' } });
  });
  it('o then a name assigns; an empty name clears the owner', () => {
    expect(feed(initialState(items()), [['o'], ...type('bob')]).effect).toEqual({ type: 'assign', ids: [1], assignee: 'bob' });
    expect(feed(initialState(items()), [['o'], ['', { return: true }]]).effect).toEqual({ type: 'assign', ids: [1], assignee: null });
  });
});

describe('manual match: m marks, M pairs the rows of the marked items', () => {
  const two = () => [
    view({ id: 1, kind: 'missing_in_ledger', psp: { id: 'p-1', amount: '42.00', source: 'stripe', file: 'f', line: 1 }, ledger: null }),
    view({ id: 2, kind: 'missing_in_psp', psp: null, ledger: { id: 'L-2+L-3', amount: '42.00', source: 'ledger', file: 'f', line: 2 } }),
    view({ id: 3, kind: 'missing_in_psp' }),
  ];
  it('M with fewer than two marked explains itself', () => {
    const step = feed(initialState(two()), [['m'], ['M']]);
    expect(step.effect).toBeUndefined();
    expect(step.state.message?.text).toMatch(/mark the items to pair with m/);
  });
  it('m toggles; M then a note pairs every row of the marked items, and clears the marks', () => {
    const step = feed(initialState(two()), [['m'], ['j'], ['j'], ['m'], ['m'], ['k'], ['m'], ['M'], ['one order'], ['', { return: true }]]);
    expect(step.effect).toEqual({ type: 'match', psp: ['p-1'], ledger: ['L-2', 'L-3'], note: 'one order' });
    expect(step.state.marked).toEqual([]);
  });
  it('a match\'s new difference item joins the list; the items it closed leave it', () => {
    const s = initialState(two());
    const next = applyChange(s, [{ ...s.items[0], status: 'closed' }, view({ id: 9, kind: 'amount_mismatch' })], 'matched:');
    expect(next.items.map((i) => i.id)).toEqual([2, 3, 9]);
  });
});

describe('proposals: y accepts, n rejects', () => {
  const proposed = () => [
    view({ id: 1, kind: 'missing_in_ledger' }),
    view({
      id: 2,
      kind: 'missing_in_ledger',
      proposal: { id: 9, rule: 'amount_date', confidence: 40, counterpart: { side: 'ledger', id: 'L-9', source: 'ledger', discrepancy: 5 } },
    }),
  ];
  it.each([
    ['y', 'accepted'],
    ['n', 'rejected'],
  ])('%s on an item with a proposal decides it (%s), and waits for the write', (key, decision) => {
    const step = feed(initialState(proposed()), [['j'], [key]]);
    expect(step.effect).toEqual({ type: 'proposal', id: 9, decision });
    expect(step.state.busy).toBe(true);
  });
  it('y on an item without a proposal says so and changes nothing', () => {
    const step = feed(initialState(proposed()), [['y']]);
    expect(step.effect).toBeUndefined();
    expect(step.state.message).toEqual({ text: '#1 has no proposed pairing', tone: 'info' });
  });
  it('an accepted proposal closes its items: they leave the list', () => {
    const s = initialState(proposed());
    const next = applyChange(s, [{ ...s.items[1], status: 'closed', proposal: null }], 'proposal 9 accepted:');
    expect(next.items.map((i) => i.id)).toEqual([1]);
    expect(next.message?.text).toBe('proposal 9 accepted: #2');
  });
});

describe('reduceKey', () => {
  it.each<[string, Array<[string, KeyInfo?]>, Partial<TriageState>]>([
    ['j moves down', [['j']], { cursor: 1 }],
    ['down arrow moves down', [['', { downArrow: true }]], { cursor: 1 }],
    ['k at the top stays', [['k']], { cursor: 0 }],
    ['G goes to the end', [['G']], { cursor: 2 }],
    ['page down stops at the end', [['', { pageDown: true }]], { cursor: 2 }],
    ['Enter opens details', [['', { return: true }]], { mode: 'details' }],
    ['Esc leaves details', [['', { return: true }], ['', { escape: true }]], { mode: 'list' }],
    ['r opens the note prompt for resolving', [['r']], { mode: 'note', pending: 'resolved' }],
    ['a opens the note prompt for acknowledging', [['a']], { mode: 'note', pending: 'acknowledged' }],
    ['typing q in a note is text, not quit', [['r'], ['q']], { mode: 'note', input: 'q' }],
    ['Esc cancels the note', [['r'], ['x'], ['', { escape: true }]], { mode: 'list', input: '' }],
    ['/ filters live', [['/'], ['dup']], { mode: 'filter', filter: 'dup', cursor: 0 }],
    ['Esc in the filter clears it', [['/'], ['dup'], ['', { escape: true }]], { mode: 'list', filter: '' }],
  ])('%s', (_name, presses, expected) => {
    expect(feed(initialState(items()), presses).state).toMatchObject(expected);
  });

  it('q quits from the list and from details', () => {
    expect(feed(initialState(items()), [['q']]).effect).toEqual({ type: 'quit' });
    expect(feed(initialState(items()), [['', { return: true }], ['q']]).effect).toEqual({ type: 'quit' });
  });

  it('Enter in the note prompt asks for the change of the selected item', () => {
    const r = feed(initialState(items()), [['j'], ['r'], ['booked late'], ['', { return: true }]]);
    expect(r.effect).toEqual({ type: 'change', ids: [2], status: 'resolved', note: 'booked late' });
    expect(r.state.busy).toBe(true);
  });

  it('acknowledging an acknowledged item says so and asks nothing', () => {
    const r = feed(initialState(items()), [['G'], ['a']]);
    expect(r.state.mode).toBe('list');
    expect(r.state.message?.text).toContain('already acknowledged');
  });

  it('filter words must all match (kind, reference, source, id)', () => {
    const s = { ...initialState(items()), filter: 'missing stripe' };
    expect(visibleItems(s).map((i) => i.id)).toEqual([2]);
  });
});

describe('applyChange', () => {
  it('removes resolved items and keeps the cursor in range', () => {
    const s = { ...initialState(items()), cursor: 2, busy: true };
    const next = applyChange(s, [{ ...items()[2], status: 'resolved' }], 'resolved');
    expect(next.items.map((i) => i.id)).toEqual([1, 2]);
    expect(next.cursor).toBe(1);
    expect(next.busy).toBe(false);
  });
});

describe('reduceInput (keys that arrive together)', () => {
  it('treats each character as a key until a prompt opens, then as text', async () => {
    const { reduceInput } = await import('../../src/ui/triage-state.js');
    const step = reduceInput(initialState(items()), 'jrpaid late', {});
    expect(step.state).toMatchObject({ cursor: 1, mode: 'note', input: 'paid late' });
  });
  it('stops at quit', async () => {
    const { reduceInput } = await import('../../src/ui/triage-state.js');
    expect(reduceInput(initialState(items()), 'jqj', {}).effect).toEqual({ type: 'quit' });
  });
});
