/**
 * `payrecon tui`: the ink component. Keys go through the pure state machine
 * (triage-state.ts); status changes go to the injected `onChange`, which the command wires to
 * the audited database write. The component ends with `exit()`; the command awaits
 * waitUntilExit().
 */
import React, { useEffect, useRef, useState } from 'react';
import { useApp, useInput, useStdout } from 'ink';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { applyChange, applyError, initialState, reduceInput, type ProposalDecision, type TargetStatus, type TriageState } from './triage-state.js';
import { ColourContext, MIN_COLUMNS, MIN_ROWS, TriageView, listHeight, type Size } from './triage-view.js';

export interface TriageAppProps {
  /** Open and acknowledged discrepancies to triage. */
  items: DiscrepancyView[];
  /** Persist a status change (audited) and return the updated discrepancies. */
  onChange(ids: number[], status: TargetStatus, note: string, reason?: string): Promise<DiscrepancyView[]> | DiscrepancyView[];
  /** Pair these rows as one manual match (audited); return the items it closed or opened, as they are now. */
  onMatch?(psp: string[], ledger: string[], note: string): Promise<DiscrepancyView[]> | DiscrepancyView[];
  /** Set (or clear) the owner (audited) and return the updated discrepancies. */
  onAssign?(ids: number[], assignee: string | null): Promise<DiscrepancyView[]> | DiscrepancyView[];
  /** Accept or reject a proposal (audited) and return the items it touched, as they are now. */
  onProposal?(id: number, decision: ProposalDecision): Promise<DiscrepancyView[]> | DiscrepancyView[];
  /** A fixed size (tests); by default the terminal's, following resizes. */
  size?: Size;
  /** False under --no-color / NO_COLOR. */
  colour?: boolean;
}

function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState<Size>(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed?.columns, fixed?.rows]);
  return fixed ?? size;
}

export function TriageApp(props: TriageAppProps): React.ReactElement {
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const [state, setState] = useState<TriageState>(() => initialState(props.items));
  // Keys can arrive faster than React re-renders: always step from the latest state.
  const current = useRef(state);
  const set = (s: TriageState) => {
    current.current = s;
    setState(s);
  };

  const save = (ids: number[], status: TargetStatus, note: string, reason?: string) => {
    Promise.resolve()
      .then(() => (reason === undefined ? props.onChange(ids, status, note) : props.onChange(ids, status, note, reason)))
      .then(
        (updated) => set(applyChange(current.current, updated, status === 'written_off' ? `written off (${reason})` : status)),
        (err: unknown) => set(applyError(current.current, `could not save: ${(err as Error)?.message ?? String(err)}`)),
      );
  };

  const match = (psp: string[], ledger: string[], note: string) => {
    Promise.resolve()
      .then(() => {
        if (!props.onMatch) throw new Error('rows cannot be matched here');
        return props.onMatch(psp, ledger, note);
      })
      .then(
        (updated) => set(applyChange(current.current, updated, 'matched:')),
        (err: unknown) => set(applyError(current.current, `could not match: ${(err as Error)?.message ?? String(err)}`)),
      );
  };

  const assign = (ids: number[], assignee: string | null) => {
    Promise.resolve()
      .then(() => {
        if (!props.onAssign) throw new Error('owners cannot be set here');
        return props.onAssign(ids, assignee);
      })
      .then(
        (updated) => set(applyChange(current.current, updated, assignee ? `assigned to ${assignee}:` : 'owner cleared:')),
        (err: unknown) => set(applyError(current.current, `could not save: ${(err as Error)?.message ?? String(err)}`)),
      );
  };

  const decide = (id: number, decision: ProposalDecision) => {
    Promise.resolve()
      .then(() => {
        if (!props.onProposal) throw new Error('proposals cannot be decided here');
        return props.onProposal(id, decision);
      })
      .then(
        (updated) => set(applyChange(current.current, updated, `proposal ${id} ${decision}:`)),
        (err: unknown) => set(applyError(current.current, `could not save: ${(err as Error)?.message ?? String(err)}`)),
      );
  };

  useInput((input, key) => {
    if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
      if (input === 'q' || key.escape) exit();
      return;
    }
    const step = reduceInput(current.current, input, key, listHeight(size));
    set(step.state);
    if (step.effect?.type === 'quit') exit();
    else if (step.effect?.type === 'change') save(step.effect.ids, step.effect.status, step.effect.note, step.effect.reason);
    else if (step.effect?.type === 'assign') assign(step.effect.ids, step.effect.assignee);
    else if (step.effect?.type === 'match') match(step.effect.psp, step.effect.ledger, step.effect.note);
    else if (step.effect?.type === 'proposal') decide(step.effect.id, step.effect.decision);
  });

  return (
    <ColourContext.Provider value={props.colour ?? true}>
      <TriageView state={state} size={size} />
    </ColourContext.Provider>
  );
}
