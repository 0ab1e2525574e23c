/**
 * The keys of `payrecon tui`, pure so every key path is testable without a terminal: a key in,
 * the next state and at most one effect (quit, or a write the caller makes through the same
 * audited operations as the CLI) out. The state itself lives in triage-model.ts.
 */
import { COLUMN_IDS, column, nextSort, type ColumnId } from './triage-columns.js';
import {
  actionTargets,
  clampCursor,
  selectedItem,
  visibleItems,
  type KeyInfo,
  type Step,
  type TriageState,
} from './triage-model.js';
import { filterPrompt, notePrompt } from './triage-prompts.js';

export * from './triage-model.js';
export { DEFAULT_ACK_NOTE } from './triage-prompts.js';

function move(state: TriageState, delta: number | 'home' | 'end', page: number): TriageState {
  const n = visibleItems(state).length;
  let c = state.cursor;
  if (delta === 'home') c = 0;
  else if (delta === 'end') c = n - 1;
  else c += delta === Infinity ? page : delta === -Infinity ? -page : delta;
  return { ...state, cursor: Math.max(0, Math.min(c, n - 1)), message: undefined };
}

/** The state with the item under the cursor kept under it after the list was reordered. */
function keepCursor(before: TriageState, after: TriageState): TriageState {
  const id = selectedItem(before)?.id;
  const at = id === undefined ? -1 : visibleItems(after).findIndex((i) => i.id === id);
  return clampCursor(at >= 0 ? { ...after, cursor: at } : after);
}

function sortMessage(state: TriageState): string {
  const { column: id, dir } = state.sort;
  return `sorted by ${column(id).header.toLowerCase()} ${dir === 'asc' ? '↑' : '↓'} (s next column · S reverse)`;
}

function selectionMessage(n: number): string {
  if (n === 0) return 'nothing selected';
  return `${n} selected: r resolve · a ack · w write off · o owner${n >= 2 ? ' · M match their rows' : ''} · Esc clears`;
}

function toggle(state: TriageState, id: number): number[] {
  return state.selection.includes(id) ? state.selection.filter((x) => x !== id) : [...state.selection, id];
}

/** Open the prompt for an action on the items it applies to (actionTargets). */
function prompt(state: TriageState, pending: 'resolved' | 'acknowledged' | 'written_off' | 'assign'): Step {
  let targets = actionTargets(state);
  if (targets.length === 0) return { state: { ...state, message: { text: 'nothing selected', tone: 'error' } } };
  if (pending === 'acknowledged') {
    const acked = new Set(state.items.filter((i) => i.status === 'acknowledged').map((i) => i.id));
    const fresh = targets.filter((id) => !acked.has(id));
    if (fresh.length === 0) {
      const text = targets.length === 1 ? `#${targets[0]} is already acknowledged` : `all ${targets.length} selected are already acknowledged`;
      return { state: { ...state, message: { text, tone: 'info' } } };
    }
    targets = fresh;
  }
  return { state: { ...state, mode: 'note', back: state.mode === 'details' ? 'details' : 'list', pending, targets, input: '', message: undefined } };
}

/** One key press. `page` is how many rows a page-up/down moves. */
export function reduceKey(state: TriageState, input: string, key: KeyInfo, page = 10): Step {
  if (state.mode === 'note') return notePrompt(state, input, key);
  if (state.mode === 'filter') return filterPrompt(state, input, key);
  // The key help closes on any key (q included: it is what people press to leave a help page).
  if (state.mode === 'help') return { state: { ...state, mode: state.back } };
  if (input === 'q' && !key.ctrl) return { state, effect: { type: 'quit' } };
  if (state.busy) return { state };

  if (key.upArrow || input === 'k') return { state: move(state, -1, page) };
  if (key.downArrow || input === 'j') return { state: move(state, 1, page) };
  if (key.pageUp) return { state: move(state, -Infinity, page) };
  if (key.pageDown) return { state: move(state, Infinity, page) };
  if (key.home || input === 'g') return { state: move(state, 'home', page) };
  if (key.end || input === 'G') return { state: move(state, 'end', page) };
  if (input === '?') return { state: { ...state, mode: 'help', back: state.mode === 'details' ? 'details' : 'list', message: undefined } };

  if (state.mode === 'details' && (key.escape || key.return)) return { state: { ...state, mode: 'list' } };
  if (state.mode === 'list' && key.return) {
    return selectedItem(state) ? { state: { ...state, mode: 'details', message: undefined } } : { state };
  }
  if (input === 'r') return prompt(state, 'resolved');
  if (input === 'a') return prompt(state, 'acknowledged');
  if (input === 'w') return prompt(state, 'written_off'); // the prompt takes "<reason code> <note>"
  if (input === 'o') return prompt(state, 'assign');

  if (input === ' ' || input === 'm') {
    // Space selects and moves on (a run of items is space, space, space); m selects in place.
    const item = selectedItem(state);
    if (!item) return { state: { ...state, message: { text: 'nothing to select', tone: 'error' } } };
    const selection = toggle(state, item.id);
    const next = { ...state, selection, message: { text: selectionMessage(selection.length), tone: 'info' as const } };
    return { state: input === ' ' ? { ...move(next, 1, page), message: next.message } : next };
  }
  if (input === '*') {
    // Every item shown (the filter narrows it), or none of them when all are selected already.
    // Sets: with everything selected, array look-ups would be quadratic in the list.
    const shown = visibleItems(state).map((i) => i.id);
    const chosen = new Set(state.selection);
    const all = shown.length > 0 && shown.every((id) => chosen.has(id));
    const hide = new Set(shown);
    const selection = all ? state.selection.filter((id) => !hide.has(id)) : [...new Set([...state.selection, ...shown])];
    return { state: { ...state, selection, message: { text: selectionMessage(selection.length), tone: 'info' } } };
  }
  if (input === 'M') {
    if (state.selection.length < 2) return { state: { ...state, message: { text: 'select the items to pair with space (two or more), then M', tone: 'info' } } };
    return { state: { ...state, mode: 'note', back: state.mode === 'details' ? 'details' : 'list', pending: 'match', targets: state.selection, input: '', message: undefined } };
  }
  if (input === 's' || input === 'S') {
    // s: the next column (in its most useful direction first); S: the other direction.
    const hasOwner = state.items.some((i) => i.assignee);
    const order: ColumnId[] = COLUMN_IDS.filter((c) => c !== 'owner' || hasOwner);
    const sort = input === 's' ? nextSort(state.sort, order) : { ...state.sort, dir: state.sort.dir === 'asc' ? ('desc' as const) : ('asc' as const) };
    const next = keepCursor(state, { ...state, sort });
    return { state: { ...next, message: { text: sortMessage(next), tone: 'info' } } };
  }
  if (input === 'y' || input === 'n') {
    // y / n decide the pairing proposed for the item under the cursor (both its items change).
    const item = selectedItem(state);
    if (!item) return { state: { ...state, message: { text: 'nothing selected', tone: 'error' } } };
    if (!item.proposal) return { state: { ...state, message: { text: `#${item.id} has no proposed pairing`, tone: 'info' } } };
    return {
      state: { ...state, busy: true, message: { text: 'saving…', tone: 'info' } },
      effect: { type: 'proposal', id: item.proposal.id, decision: input === 'y' ? 'accepted' : 'rejected' },
    };
  }
  if (input === '/') return { state: { ...state, mode: 'filter', back: state.mode === 'details' ? 'details' : 'list', input: state.filter, message: undefined } };
  if (key.escape && state.selection.length > 0) return { state: { ...state, selection: [], message: { text: 'selection cleared', tone: 'info' } } };
  if (key.escape && state.filter) return { state: keepCursor(state, { ...state, filter: '', message: { text: 'filter cleared', tone: 'info' } }) };
  return { state };
}

/**
 * Keys typed faster than the terminal is read arrive as one string ("jjr"). Outside a prompt
 * each character is its own key; once a key opens a prompt the rest is text for it.
 */
export function reduceInput(state: TriageState, input: string, key: KeyInfo, page = 10): Step {
  const chars = [...input];
  if (chars.length <= 1 || state.mode === 'note' || state.mode === 'filter' || key.ctrl || key.meta) return reduceKey(state, input, key, page);
  let s = state;
  for (let i = 0; i < chars.length; i++) {
    if (s.mode === 'note' || s.mode === 'filter') return reduceKey(s, chars.slice(i).join(''), {}, page);
    const step = reduceKey(s, chars[i], {}, page);
    if (step.effect) return step; // quit, or a change: later keys would race the write
    s = step.state;
  }
  return { state: s };
}
