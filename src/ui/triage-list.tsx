/**
 * The triage list: a header naming the columns (the sort column marked with its direction) and
 * only the rows that fit on screen. Whatever the number of items, a key press draws one screen
 * of rows; the list scrolls so the cursor stays in view.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { fit } from './terminal-text.js';
import { layoutColumns, ROW_PREFIX, type PlacedColumn } from './triage-columns.js';
import { listHeight, useColour, type Size } from './triage-frame.js';
import { visibleItems, type TriageState } from './triage-model.js';

function Row(props: { item: DiscrepancyView; columns: PlacedColumn[]; cursor: boolean; selected: boolean }): React.ReactElement {
  const { item, columns, cursor, selected } = props;
  const line = columns.map((c) => fit(c.text(item), c.width, c.align)).join(' ');
  const colour = useColour(item.severity === 'high' ? 'red' : item.severity === 'medium' ? 'yellow' : undefined);
  return (
    <Text inverse={cursor} color={cursor ? undefined : colour} bold={selected} wrap="truncate">
      {cursor ? '›' : ' '}
      {selected ? '*' : ' '}
      {line}
    </Text>
  );
}

/** The first row shown: the cursor kept in the middle of the window where the list allows. */
export function windowTop(cursor: number, count: number, height: number): number {
  return Math.max(0, Math.min(cursor - Math.floor(height / 2), count - height));
}

export function ListScreen({ state, size }: { state: TriageState; size: Size }): React.ReactElement {
  const items = visibleItems(state);
  const h = listHeight(size);
  const top = windowTop(state.cursor, items.length, h);
  // The line is one cell short of the terminal: writing the last cell makes some terminals wrap.
  const columns = layoutColumns(items, size.columns - 1);
  const arrow = state.sort.dir === 'asc' ? '↑' : '↓';
  const header = columns.map((c) => fit(c.header + (c.id === state.sort.column ? arrow : ''), c.width, c.align)).join(' ');
  const selection = new Set(state.selection);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {' '.repeat(ROW_PREFIX)}
        {header}
      </Text>
      {items.length === 0 ? (
        <Text dimColor>{state.filter ? '  no discrepancy matches the filter (Esc clears it)' : '  no open discrepancies: nothing to triage'}</Text>
      ) : (
        items
          .slice(top, top + h)
          .map((item, i) => <Row key={item.id} item={item} columns={columns} cursor={top + i === state.cursor} selected={selection.has(item.id)} />)
      )}
    </Box>
  );
}
