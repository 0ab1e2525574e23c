import { describe, expect, it } from 'vitest';
import { applyChange, initialState, reduceKey, selectedItem, visibleItems, type KeyInfo, type TriageState } from '../../src/ui/triage-state.js';
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
    expect(step.state.message?.text).toMatch(/select the items to pair with space/);
  });
  it('m toggles; M then a note pairs every row of the marked items, and clears the marks', () => {
    const step = feed(initialState(two()), [['m'], ['j'], ['j'], ['m'], ['m'], ['k'], ['m'], ['M'], ['one order'], ['', { return: true }]]);
    expect(step.effect).toEqual({ type: 'match', psp: ['p-1'], ledger: ['L-2', 'L-3'], note: 'one order' });
    expect(step.state.selection).toEqual([]);
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

describe('selection: space selects and moves on, r a w o act on the selection', () => {
  const five = () => [1, 2, 3, 4, 5].map((id) => view({ id, status: id === 4 ? 'acknowledged' : 'open' }));
  const enter: [string, KeyInfo] = ['', { return: true }];

  it('space selects the item and moves down; space again on it unselects', () => {
    const s = feed(initialState(five()), [[' '], ['j'], [' ']]).state;
    expect(s).toMatchObject({ selection: [1, 3], cursor: 3 });
    expect(s.message?.text).toMatch(/^2 selected: r resolve/);
    expect(feed(s, [['k'], [' ']]).state.selection).toEqual([1]);
  });

  it('r on a selection resolves exactly the selected items, with the note', () => {
    const step = feed(initialState(five()), [['j'], [' '], ['j'], [' '], [' '], ['r'], ['paid twice'], enter]);
    expect(step.effect).toEqual({ type: 'change', ids: [2, 4, 5], status: 'resolved', note: 'paid twice' });
  });

  it('w and o act on the selection too', () => {
    const start = feed(initialState(five()), [[' '], [' ']]).state;
    expect(feed(start, [['w'], ['fx_rounding rounding'], enter]).effect).toEqual({ type: 'change', ids: [1, 2], status: 'written_off', note: 'rounding', reason: 'fx_rounding' });
    expect(feed(start, [['o'], ['ana'], enter]).effect).toEqual({ type: 'assign', ids: [1, 2], assignee: 'ana' });
  });

  it('a leaves out the selected items that are acknowledged already', () => {
    const step = feed(initialState(five()), [['G'], ['k'], [' '], [' '], ['a'], enter]);
    expect(step.effect).toEqual({ type: 'change', ids: [5], status: 'acknowledged', note: 'acknowledged in payrecon tui' });
    const only = feed(initialState(five()), [['G'], ['k'], ['m'], ['a']]);
    expect(only.effect).toBeUndefined();
    expect(only.state.message?.text).toBe('#4 is already acknowledged');
  });

  it('in the details, r acts on the item shown, not on a selection elsewhere', () => {
    const step = feed(initialState(five()), [[' '], [' '], enter, ['r'], ['seen'], enter]);
    expect(step.effect).toEqual({ type: 'change', ids: [3], status: 'resolved', note: 'seen' });
  });

  it('* selects every item shown, and again none; the filter narrows what is shown', () => {
    const all = feed(initialState(five()), [['*']]).state;
    expect(all.selection).toEqual([1, 2, 3, 4, 5]);
    expect(feed(all, [['*']]).state.selection).toEqual([]);
    const some = feed({ ...initialState(five()), filter: 'acknowledged' }, [['*']]).state;
    expect(some.selection).toEqual([4]);
  });

  it('Esc clears the selection first, then the filter', () => {
    const s = feed({ ...initialState(five()), filter: 'ORD' }, [['*'], ['', { escape: true }]]).state;
    expect(s).toMatchObject({ selection: [], filter: 'ORD' });
    expect(feed(s, [['', { escape: true }]]).state.filter).toBe('');
  });

  it('a write that changed the selected items clears the selection; the cursor stays on its item', () => {
    const s = feed(initialState(five()), [[' '], [' '], [' '], ['j']]).state; // 1 2 3 selected, cursor on 5
    const next = applyChange(s, s.items.slice(0, 3).map((i) => ({ ...i, status: 'resolved' as const })), 'resolved');
    expect(next.items.map((i) => i.id)).toEqual([4, 5]);
    expect(next.selection).toEqual([]);
    expect(next.cursor).toBe(1);
    expect(next.message?.text).toBe('resolved #1, #2, #3');
  });
});

describe('sort: s picks the next column, S reverses', () => {
  const mixed = () => [
    view({ id: 1, kind: 'missing_in_psp', age_days: 2, difference: '5.00' }),
    view({ id: 2, kind: 'amount_mismatch', age_days: 9, difference: '-50.00' }),
    view({ id: 3, kind: 'currency_mismatch', age_days: 4, difference: null, currency: null }),
  ];
  const order = (s: TriageState) => visibleItems(s).map((i) => i.id);

  it('cycles id, kind, reference, difference, age, status, reason and back (no owner column when nobody owns one)', () => {
    let s = initialState(mixed());
    const seen: string[] = [];
    for (let i = 0; i < 7; i++) {
      s = feed(s, [['s']]).state;
      seen.push(`${s.sort.column} ${s.sort.dir}`);
    }
    expect(seen).toEqual(['kind asc', 'reference asc', 'difference desc', 'age desc', 'status asc', 'reason asc', 'id asc']);
  });

  it('orders the list and keeps the cursor on the item it was on; the message names the sort', () => {
    const s = feed(initialState(mixed()), [['j'], ['s']]).state; // cursor on #2, sort by kind
    expect(order(s)).toEqual([2, 3, 1]);
    expect(selectedItem(s)?.id).toBe(2);
    expect(s.message?.text).toMatch(/^sorted by kind ↑/);
    const r = feed(s, [['S']]).state;
    expect(order(r)).toEqual([1, 3, 2]);
    expect(selectedItem(r)?.id).toBe(2);
  });

  it('difference sorts largest first, and a currency mismatch (no difference) last', () => {
    const s = feed(initialState(mixed()), [['s'], ['s'], ['s']]).state;
    expect(s.sort).toEqual({ column: 'difference', dir: 'desc' });
    expect(order(s)).toEqual([2, 1, 3]);
  });
});

describe('? shows the keys', () => {
  it('opens from the list and from details, and any key closes it, back where it was', () => {
    const help = feed(initialState(items()), [['?']]);
    expect(help.state.mode).toBe('help');
    const closed = feed(help.state, [['q']]);
    expect(closed.effect).toBeUndefined();
    expect(closed.state.mode).toBe('list');
    expect(feed(initialState(items()), [['', { return: true }], ['?'], ['x']]).state.mode).toBe('details');
  });
});
