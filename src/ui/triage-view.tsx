/**
 * What `payrecon tui` draws for a given state and terminal size: the list, the details of one
 * discrepancy, the prompts and the key help. Pure (state in, elements out).
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { DiscrepancySide, DiscrepancyView } from '../domain/discrepancy.js';
import { fit, printable } from './terminal-text.js';
import { selectedItem, visibleItems, type TriageState } from './triage-state.js';

/** False under --no-color / NO_COLOR: ink's own chalk only knows the --no-color flag. */
export const ColourContext = React.createContext(true);

/** The colour when colour is on, else nothing (inverse and bold still mark things). */
function useColour(colour: string | undefined): string | undefined {
  return React.useContext(ColourContext) ? colour : undefined;
}

function useColours(): (colour: string) => string | undefined {
  const on = React.useContext(ColourContext);
  return (colour) => (on ? colour : undefined);
}

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 10;
/** Lines around the list: title, column header, prompt/message, key help. */
const CHROME = 4;

export interface Size {
  columns: number;
  rows: number;
}

/** Rows of the list that fit on screen. */
export function listHeight(size: Size): number {
  return Math.max(1, size.rows - CHROME - 1);
}

function amountText(d: DiscrepancyView): string {
  const cur = d.currency ?? d.psp?.currency ?? d.ledger?.currency ?? '';
  const amount = d.difference ?? d.psp?.amount ?? d.ledger?.amount ?? d.bank?.amount;
  return amount === undefined ? '' : `${amount} ${cur}`.trim();
}

function columnsFor(width: number) {
  const id = 6;
  const kind = 20; // the longest kind, payout_not_deposited
  const amount = 16;
  const age = 5;
  const status = 5;
  const gaps = 5;
  const reference = Math.max(8, width - id - kind - amount - age - status - gaps - 1);
  return { id, kind, reference, amount, age, status };
}

function Row({ item, width, selected, marked }: { item: DiscrepancyView; width: number; selected: boolean; marked: boolean }): React.ReactElement {
  const w = columnsFor(width);
  const line = [
    fit(String(item.id), w.id, 'right'),
    fit(item.kind, w.kind),
    fit(printable(item.reference ?? item.psp?.id ?? item.ledger?.id ?? item.bank?.id ?? ''), w.reference),
    fit(amountText(item), w.amount, 'right'),
    fit(`${item.age_days}d`, w.age, 'right'),
    fit(item.status === 'acknowledged' ? 'ack' : item.proposal ? 'prop' : '', w.status),
  ].join(' ');
  const colour = useColour(item.severity === 'high' ? 'red' : item.severity === 'medium' ? 'yellow' : undefined);
  return (
    <Text inverse={selected} color={selected ? undefined : colour} wrap="truncate">
      {selected ? '›' : marked ? '*' : ' '}
      {line}
    </Text>
  );
}

function ListScreen({ state, size }: { state: TriageState; size: Size }): React.ReactElement {
  const items = visibleItems(state);
  const h = listHeight(size);
  const top = Math.max(0, Math.min(state.cursor - Math.floor(h / 2), items.length - h));
  const w = columnsFor(size.columns - 1);
  const header = [
    fit('ID', w.id, 'right'),
    fit('KIND', w.kind),
    fit('REFERENCE', w.reference),
    fit('DIFFERENCE', w.amount, 'right'),
    fit('AGE', w.age, 'right'),
    fit('', w.status),
  ].join(' ');
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {' '}
        {header}
      </Text>
      {items.length === 0 ? (
        <Text dimColor>{state.filter ? '  no discrepancy matches the filter (Esc clears it)' : '  no open discrepancies: nothing to triage'}</Text>
      ) : (
        items.slice(top, top + h).map((item, i) => <Row key={item.id} item={item} width={size.columns - 1} selected={top + i === state.cursor} marked={(state.marked ?? []).includes(item.id)} />)
      )}
    </Box>
  );
}

function sideLines(label: string, s: DiscrepancySide | null, currency: string | null): string[] {
  if (!s) return [`${label}: (none)`];
  return [
    `${label}: ${printable(s.id)}  ${s.amount} ${s.currency ?? currency ?? ''}  source ${printable(s.source)}${s.booked_at ? `  booked ${s.booked_at}` : ''}`,
    `${' '.repeat(label.length + 2)}${printable(s.file)}:${s.line}`,
  ];
}

function DetailsScreen({ item, size }: { item: DiscrepancyView; size: Size }): React.ReactElement {
  const lines = [
    `#${item.id}  ${item.kind}  severity ${item.severity}  status ${item.status}`,
    `reference:  ${printable(item.reference ?? '(none)')}`,
    `reason:     ${printable(item.reason)}`,
    `difference: ${item.difference !== null ? `${item.difference} ${item.currency ?? ''}` : '(n/a)'}`,
    `age:        ${item.age_days} day(s), first seen in run ${item.first_seen_run}`,
    ...sideLines('psp', item.psp, item.currency),
    ...sideLines('ledger', item.ledger, item.currency),
    // Payout/deposit kinds name the bank entry; other kinds have no bank side.
    ...(item.bank ? sideLines('bank', item.bank, item.currency) : []),
    ...(item.proposal
      ? [
          `proposed:   ${item.proposal.counterpart.side} ${printable(item.proposal.counterpart.id)} (${item.proposal.rule}, confidence ${item.proposal.confidence}${item.proposal.counterpart.discrepancy !== null ? `, item #${item.proposal.counterpart.discrepancy}` : ''})  y accept · n reject`,
        ]
      : []),
    ...(item.note ? [`note:       ${printable(item.note)}${item.resolved_by ? ` (${printable(item.resolved_by)})` : ''}`] : []),
  ];
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={size.columns}>
      {lines.slice(0, Math.max(1, size.rows - CHROME - 2)).map((l, i) => (
        <Text key={i} wrap="truncate" bold={i === 0}>
          {l}
        </Text>
      ))}
    </Box>
  );
}

function StatusLine({ state }: { state: TriageState }): React.ReactElement {
  const c = useColours();
  if (state.mode === 'note') {
    const what = { acknowledged: 'Acknowledge', resolved: 'Resolve', written_off: 'Write off', assign: 'Assign', match: 'Match' }[state.pending ?? 'resolved'];
    const field = { acknowledged: 'note (optional)', resolved: 'note', written_off: 'reason code + note', assign: 'to (empty clears)', match: 'note' }[state.pending ?? 'resolved'];
    return (
      <Text wrap="truncate">
        <Text color={c('cyan')}>
          {what} {state.pending === 'match' ? (state.marked ?? []).map((id) => `#${id}`).join(' + ') : `#${selectedItem(state)?.id}`} {field} ›{' '}
        </Text>
        {printable(state.input)}
        <Text inverse> </Text>
        {state.message?.tone === 'error' ? <Text color={c('red')}>  {printable(state.message.text)}</Text> : <Text dimColor>  Enter confirms · Esc cancels</Text>}
      </Text>
    );
  }
  if (state.mode === 'filter') {
    return (
      <Text wrap="truncate">
        <Text color={c('cyan')}>/ </Text>
        {printable(state.input)}
        <Text inverse> </Text>
        <Text dimColor>  Enter keeps · Esc clears</Text>
      </Text>
    );
  }
  if (state.message) {
    return (
      <Text color={c(state.message.tone === 'error' ? 'red' : 'green')} wrap="truncate">
        {printable(state.message.text)}
      </Text>
    );
  }
  return <Text> </Text>;
}

const HELP = '↑↓/jk · Enter details · r resolve · a ack · w write off · o owner · m mark, M match · y/n proposal · / filter · q quit';

export function TriageView({ state, size }: { state: TriageState; size: Size }): React.ReactElement {
  const c = useColours();
  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <Box flexDirection="column">
        <Text color={c('yellow')} wrap="wrap">
          Terminal too small ({size.columns}x{size.rows}); payrecon tui needs at least {MIN_COLUMNS}x{MIN_ROWS}.
        </Text>
        <Text wrap="wrap">Enlarge the window, or use `payrecon discrepancies` and `payrecon resolve`. q quits.</Text>
      </Box>
    );
  }
  const items = visibleItems(state);
  const open = state.items.filter((i) => i.status === 'open').length;
  const acked = state.items.length - open;
  const selected = selectedItem(state);
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text wrap="truncate">
        <Text bold color={c('cyan')}>payrecon triage</Text>
        <Text>
          {'  '}
          {open} open · {acked} acknowledged
        </Text>
        {state.filter ? <Text dimColor>  filter “{printable(state.filter)}”: {items.length} shown</Text> : null}
        {items.length > 0 ? <Text dimColor>  [{state.cursor + 1}/{items.length}]</Text> : null}
      </Text>
      {state.mode === 'details' || (state.back === 'details' && (state.mode === 'note' || state.mode === 'filter')) ? (
        selected ? <DetailsScreen item={selected} size={size} /> : <ListScreen state={state} size={size} />
      ) : (
        <ListScreen state={state} size={size} />
      )}
      <StatusLine state={state} />
      <Text dimColor wrap="truncate">
        {state.mode === 'details' ? 'Enter/Esc back · r resolve · a ack · w write off · o owner · y/n proposal · ↑↓ next/previous · q quit' : HELP}
      </Text>
    </Box>
  );
}
