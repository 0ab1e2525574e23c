/**
 * What `payrecon tui` draws for a given state and terminal size: a title line, then the list,
 * the details of one discrepancy or the key help, then the prompt or message and a key hint.
 * Pure (state in, elements out).
 */
import React from 'react';
import { Box, Text } from 'ink';
import { printable } from './terminal-text.js';
import { columnHeader } from './triage-columns.js';
import { DetailsScreen } from './triage-details.js';
import { MIN_COLUMNS, MIN_ROWS, useColours, type Size } from './triage-frame.js';
import { HelpScreen } from './triage-help.js';
import { ListScreen } from './triage-list.js';
import { idList, selectedItem, visibleItems, type TriageState } from './triage-model.js';

export { ColourContext, MIN_COLUMNS, MIN_ROWS, listHeight, type Size } from './triage-frame.js';

const WHAT = { acknowledged: 'Acknowledge', resolved: 'Resolve', written_off: 'Write off', assign: 'Assign', match: 'Match' } as const;
const FIELD = { acknowledged: 'note (optional)', resolved: 'note', written_off: 'reason code + note', assign: 'to (empty clears)', match: 'note' } as const;

function StatusLine({ state }: { state: TriageState }): React.ReactElement {
  const c = useColours();
  if (state.mode === 'note') {
    const pending = state.pending ?? 'resolved';
    const ids = state.targets ?? [];
    // Several items: say how many, so a selection is never acted on unawares.
    const which = pending === 'match' ? ids.map((id) => `#${id}`).join(' + ') : ids.length > 1 ? `${ids.length} selected (${idList(ids)})` : `#${ids[0]}`;
    return (
      <Text wrap="truncate">
        <Text color={c('cyan')}>
          {WHAT[pending]} {which} {FIELD[pending]} ›{' '}
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

const HINT = {
  list: '↑↓ move · Enter details · space select · r resolve · a ack · s sort · / filter · ? all keys · q quit',
  details: 'Enter/Esc back · r resolve · a ack · w write off · o owner · y/n proposal · ↑↓ next/previous · ? keys · q quit',
  help: 'any key closes the help',
};

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
  const inDetails = state.mode === 'details' || (state.back === 'details' && state.mode !== 'list');
  const { column, dir } = state.sort;
  return (
    <Box flexDirection="column" width={size.columns}>
      <Text wrap="truncate">
        <Text bold color={c('cyan')}>payrecon triage</Text>
        <Text>
          {'  '}
          {open} open · {acked} acknowledged
        </Text>
        {items.length > 0 ? <Text dimColor>  [{state.cursor + 1}/{items.length}]</Text> : null}
        {state.selection.length > 0 ? <Text bold>  {state.selection.length} selected</Text> : null}
        <Text dimColor>  sort: {columnHeader(column).toLowerCase()} {dir === 'asc' ? '↑' : '↓'}</Text>
        {state.filter ? <Text dimColor>  filter “{printable(state.filter)}”: {items.length} shown</Text> : null}
      </Text>
      {state.mode === 'help' ? (
        <HelpScreen size={size} />
      ) : inDetails && selected ? (
        <DetailsScreen item={selected} size={size} />
      ) : (
        <ListScreen state={state} size={size} />
      )}
      <StatusLine state={state} />
      <Text dimColor wrap="truncate">
        {state.mode === 'help' ? HINT.help : inDetails ? HINT.details : HINT.list}
      </Text>
    </Box>
  );
}
