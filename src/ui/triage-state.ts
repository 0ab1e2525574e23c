/**
 * The state machine behind `payrecon tui`, pure so every key path is testable without a
 * terminal: a key in, the next state and at most one effect (quit, or a status change the
 * caller writes to the database) out.
 */
import type { DiscrepancyView } from '../domain/discrepancy.js';

export type Mode = 'list' | 'details' | 'note' | 'filter';
export type TargetStatus = 'resolved' | 'acknowledged' | 'written_off';
/** What the prompt's Enter does: a status change, or setting the owner. */
export type Pending = TargetStatus | 'assign' | 'match';

export interface TriageState {
  /** Unresolved discrepancies (open or acknowledged), as loaded and updated. */
  items: DiscrepancyView[];
  filter: string;
  /** Index into the visible (filtered) list. */
  cursor: number;
  mode: Mode;
  /** The mode to return to after a note or filter prompt. */
  back: 'list' | 'details';
  /** What Enter in the note prompt will do. */
  pending?: Pending;
  /** Text being typed in a prompt. */
  input: string;
  message?: { text: string; tone: 'info' | 'error' };
  /** A write is in flight: keys other than quit are ignored until it settles. */
  busy: boolean;
  /** Items marked with `m`, whose rows `M` pairs as one manual match. */
  marked?: number[];
}

/** The subset of ink's Key this machine reads. */
export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  tab?: boolean;
}

export type ProposalDecision = 'accepted' | 'rejected';

export type Effect =
  | { type: 'quit' }
  | { type: 'change'; ids: number[]; status: TargetStatus; note: string; reason?: string }
  | { type: 'assign'; ids: number[]; assignee: string | null }
  | { type: 'match'; psp: string[]; ledger: string[]; note: string }
  | { type: 'proposal'; id: number; decision: ProposalDecision };

export interface Step {
  state: TriageState;
  effect?: Effect;
}

export const DEFAULT_ACK_NOTE = 'acknowledged in payrecon tui';

export function initialState(items: DiscrepancyView[]): TriageState {
  return { items, filter: '', cursor: 0, mode: 'list', back: 'list', input: '', busy: false };
}

// The text a filter searches, built once per item: the list may hold 100,000 items and the
// filter runs on every key typed.
const haystacks = new WeakMap<DiscrepancyView, string>();

function haystack(item: DiscrepancyView): string {
  let hay = haystacks.get(item);
  if (hay === undefined) {
    hay = [
      String(item.id),
      item.kind,
      item.status,
      item.reference ?? '',
      item.currency ?? '',
      item.psp?.source ?? '',
      item.psp?.id ?? '',
      item.ledger?.id ?? '',
      item.reason,
    ]
      .join('\u0000')
      .toLowerCase();
    haystacks.set(item, hay);
  }
  return hay;
}

let lastVisible: { items: DiscrepancyView[]; filter: string; result: DiscrepancyView[] } | undefined;

/** The items the filter lets through, in list order. Every word of the filter must match. */
export function visibleItems(state: TriageState): DiscrepancyView[] {
  if (!state.filter.trim()) return state.items;
  // A screen asks several times per key for the same (items, filter): answer from the last call.
  if (lastVisible && lastVisible.items === state.items && lastVisible.filter === state.filter) return lastVisible.result;
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const result = state.items.filter((i) => {
    const hay = haystack(i);
    return words.every((w) => hay.includes(w));
  });
  lastVisible = { items: state.items, filter: state.filter, result };
  return result;
}

export function selectedItem(state: TriageState): DiscrepancyView | undefined {
  return visibleItems(state)[state.cursor];
}

function clampCursor(state: TriageState): TriageState {
  const n = visibleItems(state).length;
  return { ...state, cursor: Math.max(0, Math.min(state.cursor, n - 1)) };
}

function move(state: TriageState, delta: number | 'home' | 'end', page: number): TriageState {
  const n = visibleItems(state).length;
  let c = state.cursor;
  if (delta === 'home') c = 0;
  else if (delta === 'end') c = n - 1;
  else c += delta === Infinity ? page : delta === -Infinity ? -page : delta;
  return { ...state, cursor: Math.max(0, Math.min(c, n - 1)), message: undefined };
}

function isErase(key: KeyInfo): boolean {
  return Boolean(key.backspace || key.delete);
}

/** Printable text typed into a prompt (ink passes pasted text as one input). */
function typed(input: string, key: KeyInfo): string {
  if (key.ctrl || key.meta || key.tab) return '';
  return input.replace(/[\u0000-\u001f\u007f]/g, '');
}

/** One key press. `page` is how many rows a page-up/down moves. */
export function reduceKey(state: TriageState, input: string, key: KeyInfo, page = 10): Step {
  if (state.mode === 'note') return notePrompt(state, input, key);
  if (state.mode === 'filter') return filterPrompt(state, input, key);
  if (input === 'q' && !key.ctrl) return { state, effect: { type: 'quit' } };
  if (state.busy) return { state };

  if (key.upArrow || input === 'k') return { state: move(state, -1, page) };
  if (key.downArrow || input === 'j') return { state: move(state, 1, page) };
  if (key.pageUp) return { state: move(state, -Infinity, page) };
  if (key.pageDown) return { state: move(state, Infinity, page) };
  if (key.home || input === 'g') return { state: move(state, 'home', page) };
  if (key.end || input === 'G') return { state: move(state, 'end', page) };

  if (state.mode === 'details' && (key.escape || key.return)) return { state: { ...state, mode: 'list' } };
  if (state.mode === 'list' && key.return) {
    return selectedItem(state) ? { state: { ...state, mode: 'details', message: undefined } } : { state };
  }
  if (input === 'r' || input === 'a') {
    const item = selectedItem(state);
    if (!item) return { state: { ...state, message: { text: 'nothing selected', tone: 'error' } } };
    if (input === 'a' && item.status === 'acknowledged') {
      return { state: { ...state, message: { text: `#${item.id} is already acknowledged`, tone: 'info' } } };
    }
    return {
      state: { ...state, mode: 'note', back: state.mode, pending: input === 'r' ? 'resolved' : 'acknowledged', input: '', message: undefined },
    };
  }
  if (input === 'm') {
    const item = selectedItem(state);
    if (!item) return { state: { ...state, message: { text: 'nothing selected', tone: 'error' } } };
    const marked = state.marked ?? [];
    const next = marked.includes(item.id) ? marked.filter((id) => id !== item.id) : [...marked, item.id];
    return { state: { ...state, marked: next, message: { text: `${next.length} marked${next.length >= 2 ? ': M pairs their rows as one manual match' : ''}`, tone: 'info' } } };
  }
  if (input === 'M') {
    if ((state.marked ?? []).length < 2) return { state: { ...state, message: { text: 'mark the items to pair with m (two or more), then M', tone: 'info' } } };
    return { state: { ...state, mode: 'note', back: state.mode, pending: 'match', input: '', message: undefined } };
  }
  if (input === 'w' || input === 'o') {
    // w: write off (the prompt takes "<reason code> <note>"); o: set the owner.
    if (!selectedItem(state)) return { state: { ...state, message: { text: 'nothing selected', tone: 'error' } } };
    return { state: { ...state, mode: 'note', back: state.mode, pending: input === 'w' ? 'written_off' : 'assign', input: '', message: undefined } };
  }
  if (input === 'y' || input === 'n') {
    // y / n decide the pairing proposed for the selected item (both its items change).
    const item = selectedItem(state);
    if (!item) return { state: { ...state, message: { text: 'nothing selected', tone: 'error' } } };
    if (!item.proposal) return { state: { ...state, message: { text: `#${item.id} has no proposed pairing`, tone: 'info' } } };
    return {
      state: { ...state, busy: true, message: { text: 'saving…', tone: 'info' } },
      effect: { type: 'proposal', id: item.proposal.id, decision: input === 'y' ? 'accepted' : 'rejected' },
    };
  }
  if (input === '/') return { state: { ...state, mode: 'filter', back: state.mode === 'details' ? 'details' : 'list', input: state.filter, message: undefined } };
  if (key.escape && state.filter) return { state: clampCursor({ ...state, filter: '', message: { text: 'filter cleared', tone: 'info' } }) };
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

function notePrompt(state: TriageState, input: string, key: KeyInfo): Step {
  if (key.escape) return { state: { ...state, mode: state.back, input: '', pending: undefined, message: { text: 'cancelled', tone: 'info' } } };
  if (isErase(key)) return { state: { ...state, input: state.input.slice(0, -1) } };
  if (key.return) {
    const item = selectedItem(state);
    const status = state.pending ?? 'resolved';
    const note = state.input.trim();
    if (!item) return { state: { ...state, mode: 'list', input: '' } };
    const saving = { ...state, mode: state.back, input: '', busy: true, message: { text: 'saving…', tone: 'info' as const } };
    if (status === 'assign') return { state: saving, effect: { type: 'assign', ids: [item.id], assignee: note || null } };
    if (status === 'match') {
      if (!note) return { state: { ...state, message: { text: 'a note is required to match (Esc cancels)', tone: 'error' } } };
      // The rows of the marked items, each side's ids (a split side shows them joined by '+').
      const marked = state.items.filter((i) => (state.marked ?? []).includes(i.id));
      const ids = (side: 'psp' | 'ledger') => [...new Set(marked.flatMap((i) => (i[side] ? i[side]!.id.split('+') : [])))];
      return { state: { ...saving, marked: [] }, effect: { type: 'match', psp: ids('psp'), ledger: ids('ledger'), note } };
    }
    if (status === 'written_off') {
      const [reason, ...words] = note.split(/\s+/);
      if (!reason || words.length === 0) {
        return { state: { ...state, message: { text: 'type a reason code, then a note (Esc cancels)', tone: 'error' } } };
      }
      return { state: saving, effect: { type: 'change', ids: [item.id], status, note: words.join(' '), reason } };
    }
    if (!note && status === 'resolved') {
      return { state: { ...state, message: { text: 'a note is required to resolve (Esc cancels)', tone: 'error' } } };
    }
    return {
      state: { ...state, mode: state.back, input: '', busy: true, message: { text: 'saving…', tone: 'info' } },
      effect: { type: 'change', ids: [item.id], status, note: note || DEFAULT_ACK_NOTE },
    };
  }
  return { state: { ...state, input: state.input + typed(input, key), message: undefined } };
}

function filterPrompt(state: TriageState, input: string, key: KeyInfo): Step {
  if (key.escape) return { state: clampCursor({ ...state, mode: state.back, filter: '', input: '', cursor: 0 }) };
  if (key.return) return { state: clampCursor({ ...state, mode: state.back, input: '' }) };
  const next = isErase(key) ? state.input.slice(0, -1) : state.input + typed(input, key);
  // Live: the list narrows as the user types.
  return { state: { ...state, input: next, filter: next, cursor: 0 } };
}

/** Fold a completed write into the state: resolved (or closed) items leave the list, others update. `status` words the message. */
export function applyChange(state: TriageState, updated: DiscrepancyView[], status: TargetStatus | string): TriageState {
  const byId = new Map(updated.map((u) => [u.id, u]));
  const known = new Set(state.items.map((i) => i.id));
  // An item the write created (a manual match's difference) joins the list.
  const items = [...state.items.map((i) => byId.get(i.id) ?? i), ...updated.filter((u) => !known.has(u.id))]
    .filter((i) => i.status === 'open' || i.status === 'acknowledged');
  const ids = updated.map((u) => `#${u.id}`).join(', ');
  const next = clampCursor({ ...state, items, busy: false, message: { text: `${status} ${ids}`, tone: 'info' } });
  // A resolved item disappears; its details screen would show the next item unasked.
  const left = updated.some((u) => u.status !== 'open' && u.status !== 'acknowledged');
  return left && next.mode === 'details' ? { ...next, mode: 'list' } : next;
}

export function applyError(state: TriageState, text: string): TriageState {
  return { ...state, busy: false, message: { text, tone: 'error' } };
}
