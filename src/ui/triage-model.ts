/**
 * The state of `payrecon tui` and what follows from it (the listed items in their order, the
 * item under the cursor, the items an action applies to), pure. Keys are reduced over it in
 * triage-state.ts; writes come back through applyChange.
 */
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { DEFAULT_SORT, sortItems, type SortOrder } from './triage-columns.js';

export type Mode = 'list' | 'details' | 'note' | 'filter' | 'help';
export type TargetStatus = 'resolved' | 'acknowledged' | 'written_off';
/** What the prompt's Enter does: a status change, or setting the owner. */
export type Pending = TargetStatus | 'assign' | 'match';

export interface TriageState {
  /** Unresolved discrepancies (open or acknowledged), as loaded and updated. */
  items: DiscrepancyView[];
  filter: string;
  sort: SortOrder;
  /** Index into the visible (filtered, sorted) list. */
  cursor: number;
  mode: Mode;
  /** The mode to return to after a note or filter prompt, or the key help. */
  back: 'list' | 'details';
  /** What Enter in the note prompt will do. */
  pending?: Pending;
  /** The items the pending action applies to, fixed when its prompt opened. */
  targets?: number[];
  /** Text being typed in a prompt. */
  input: string;
  message?: { text: string; tone: 'info' | 'error' };
  /** A write is in flight: keys other than quit are ignored until it settles. */
  busy: boolean;
  /** Items selected with space (or m): r/a/w/o act on them in the list, M pairs their rows. */
  selection: number[];
}

/** The subset of ink's Key the reducers read. */
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

export function initialState(items: DiscrepancyView[]): TriageState {
  return { items, filter: '', sort: DEFAULT_SORT, cursor: 0, mode: 'list', back: 'list', input: '', busy: false, selection: [] };
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
      item.assignee ?? '',
      item.reason,
    ]
      .join('\u0000')
      .toLowerCase();
    haystacks.set(item, hay);
  }
  return hay;
}

let lastVisible: { items: DiscrepancyView[]; filter: string; sort: SortOrder; result: DiscrepancyView[] } | undefined;

/**
 * The items the filter lets through (every word of it must match), in the chosen order. A
 * screen asks several times per key for the same answer: the last one is kept, so moving the
 * cursor neither filters nor sorts again.
 */
export function visibleItems(state: TriageState): DiscrepancyView[] {
  const { items, filter, sort } = state;
  if (lastVisible && lastVisible.items === items && lastVisible.filter === filter && lastVisible.sort === sort) return lastVisible.result;
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const passed = words.length === 0 ? items : items.filter((i) => words.every((w) => haystack(i).includes(w)));
  const result = sort.column === 'id' && sort.dir === 'asc' && isById(passed) ? passed : sortItems(passed, sort);
  lastVisible = { items, filter, sort, result };
  return result;
}

function isById(items: DiscrepancyView[]): boolean {
  for (let i = 1; i < items.length; i++) if (items[i - 1].id > items[i].id) return false;
  return true;
}

export function selectedItem(state: TriageState): DiscrepancyView | undefined {
  return visibleItems(state)[state.cursor];
}

export function clampCursor(state: TriageState): TriageState {
  const n = visibleItems(state).length;
  return { ...state, cursor: Math.max(0, Math.min(state.cursor, n - 1)) };
}

/**
 * What r, a, w and o act on: in the list, the selection when there is one, else the item under
 * the cursor; in the details, the item shown (a selection elsewhere is not what one is reading).
 */
export function actionTargets(state: TriageState): number[] {
  if (state.mode === 'list' && state.selection.length > 0) return state.selection;
  const item = selectedItem(state);
  return item ? [item.id] : [];
}

/** `#1 #2 #3`, or the first few and how many more: a prompt has one line. */
export function idList(ids: number[], max = 5): string {
  const shown = ids.slice(0, max).map((id) => `#${id}`).join(' ');
  return ids.length > max ? `${shown} … +${ids.length - max}` : shown;
}

/** Fold a completed write into the state: resolved (or closed) items leave the list, others update. `status` words the message. */
export function applyChange(state: TriageState, updated: DiscrepancyView[], status: TargetStatus | string): TriageState {
  const byId = new Map(updated.map((u) => [u.id, u]));
  const known = new Set(state.items.map((i) => i.id));
  // Keep the cursor on the item it was on when that item stays (others above it may leave).
  const at = selectedItem(state)?.id;
  // An item the write created (a manual match's difference) joins the list.
  const items = [...state.items.map((i) => byId.get(i.id) ?? i), ...updated.filter((u) => !known.has(u.id))].filter(
    (i) => i.status === 'open' || i.status === 'acknowledged',
  );
  const ids = updated.map((u) => `#${u.id}`);
  const text = `${status} ${ids.length > 8 ? `${ids.slice(0, 8).join(', ')} … (${ids.length} items)` : ids.join(', ')}`;
  // The selection was acted on: it is done with.
  const selection = state.selection.filter((id) => !byId.has(id));
  let next: TriageState = { ...state, items, busy: false, selection: selection.length === state.selection.length ? state.selection : [], message: { text, tone: 'info' } };
  const stay = at === undefined ? -1 : visibleItems(next).findIndex((i) => i.id === at);
  next = clampCursor(stay >= 0 ? { ...next, cursor: stay } : next);
  // A resolved item disappears; its details screen would show the next item unasked.
  const left = updated.some((u) => u.status !== 'open' && u.status !== 'acknowledged');
  return left && next.mode === 'details' ? { ...next, mode: 'list' } : next;
}

export function applyError(state: TriageState, text: string): TriageState {
  return { ...state, busy: false, message: { text, tone: 'error' } };
}
