/**
 * The one-line prompts of `payrecon tui`: the note (or owner, or reason code) an action needs,
 * and the live filter. Pure: a key in, the next state and at most one effect out.
 */
import { clampCursor, type KeyInfo, type Step, type TriageState } from './triage-model.js';

export const DEFAULT_ACK_NOTE = 'acknowledged in payrecon tui';

function isErase(key: KeyInfo): boolean {
  return Boolean(key.backspace || key.delete);
}

/** Printable text typed into a prompt (ink passes pasted text as one input). */
function typed(input: string, key: KeyInfo): string {
  if (key.ctrl || key.meta || key.tab) return '';
  return input.replace(/[\u0000-\u001f\u007f]/g, '');
}

export function notePrompt(state: TriageState, input: string, key: KeyInfo): Step {
  if (key.escape) return { state: { ...state, mode: state.back, input: '', pending: undefined, targets: undefined, message: { text: 'cancelled', tone: 'info' } } };
  if (isErase(key)) return { state: { ...state, input: state.input.slice(0, -1) } };
  if (!key.return) return { state: { ...state, input: state.input + typed(input, key), message: undefined } };

  const ids = state.targets ?? [];
  const status = state.pending ?? 'resolved';
  const note = state.input.trim();
  const saving: TriageState = { ...state, mode: state.back, input: '', targets: undefined, busy: true, message: { text: 'saving…', tone: 'info' } };
  const refuse = (text: string): Step => ({ state: { ...state, message: { text, tone: 'error' } } });
  if (status !== 'match' && ids.length === 0) return { state: { ...state, mode: 'list', input: '', targets: undefined } };
  if (status === 'assign') return { state: saving, effect: { type: 'assign', ids, assignee: note || null } };
  if (status === 'match') {
    if (!note) return refuse('a note is required to match (Esc cancels)');
    // The rows of the selected items, each side's ids (a split side shows them joined by '+').
    const selected = new Set(state.selection);
    const chosen = state.items.filter((i) => selected.has(i.id));
    const rows = (side: 'psp' | 'ledger') => [...new Set(chosen.flatMap((i) => (i[side] ? i[side]!.id.split('+') : [])))];
    return { state: { ...saving, selection: [] }, effect: { type: 'match', psp: rows('psp'), ledger: rows('ledger'), note } };
  }
  if (status === 'written_off') {
    const [reason, ...words] = note.split(/\s+/);
    if (!reason || words.length === 0) return refuse('type a reason code, then a note (Esc cancels)');
    return { state: saving, effect: { type: 'change', ids, status, note: words.join(' '), reason } };
  }
  if (!note && status === 'resolved') return refuse('a note is required to resolve (Esc cancels)');
  return { state: saving, effect: { type: 'change', ids, status, note: note || DEFAULT_ACK_NOTE } };
}

export function filterPrompt(state: TriageState, input: string, key: KeyInfo): Step {
  if (key.escape) return { state: clampCursor({ ...state, mode: state.back, filter: '', input: '', cursor: 0 }) };
  if (key.return) return { state: clampCursor({ ...state, mode: state.back, input: '' }) };
  const next = isErase(key) ? state.input.slice(0, -1) : state.input + typed(input, key);
  // Live: the list narrows as the user types.
  return { state: { ...state, input: next, filter: next, cursor: 0 } };
}
