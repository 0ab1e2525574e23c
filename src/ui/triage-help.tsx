/**
 * `?` in `payrecon tui`: every key, what it does, on one screen (two columns when the terminal
 * is wide and short). docs/reports.md lists the same keys; test/ui/triage-help.test.ts compares them.
 */
import React from 'react';
import { Box, Text } from 'ink';
import { fit } from './terminal-text.js';
import { boxHeight, type Size } from './triage-frame.js';

export const TRIAGE_KEYS: ReadonlyArray<readonly [keys: string, what: string]> = [
  ['↑ ↓  j k', 'move'],
  ['PgUp PgDn', 'a page up / down'],
  ['g G  Home End', 'first / last item'],
  ['Enter', 'details of the item (Enter or Esc: back)'],
  ['space', 'select the item and move down'],
  ['m', 'select the item, stay on it'],
  ['*', 'select every item shown (again: none)'],
  ['Esc', 'clear the selection, then the filter'],
  ['r', 'resolve (a note is required)'],
  ['a', 'acknowledge (note optional)'],
  ['w', 'write off: a reason code, then a note'],
  ['o', 'set the owner (empty clears it)'],
  ['M', 'pair the selected items\u2019 rows as one manual match'],
  ['y n', 'accept / reject the proposed pairing'],
  ['s S', 'sort by the next column / reverse the order'],
  ['/', 'filter: every word typed must match'],
  ['?', 'this help (any key closes it)'],
  ['q', 'quit'],
];

export const SELECTION_RULE = 'r a w o: on the selected items, else on the one under the cursor (in details: the one shown)';

export function HelpScreen({ size }: { size: Size }): React.ReactElement {
  const inner = size.columns - 4;
  const keyWidth = Math.max(...TRIAGE_KEYS.map(([k]) => k.length)) + 2;
  const room = boxHeight(size) - 2; // a title and the selection rule
  const two = TRIAGE_KEYS.length > room && inner >= 2 * (keyWidth + 30);
  const perColumn = two ? Math.ceil(TRIAGE_KEYS.length / 2) : TRIAGE_KEYS.length;
  const half = two ? Math.floor(inner / 2) : inner;
  const cell = ([k, what]: readonly [string, string]) => fit(fit(k, keyWidth) + what, half);
  const lines: string[] = [];
  for (let i = 0; i < perColumn; i++) {
    const right = two ? TRIAGE_KEYS[i + perColumn] : undefined;
    lines.push(cell(TRIAGE_KEYS[i]) + (right ? cell(right) : ''));
  }
  const shown = lines.length > room ? [...lines.slice(0, Math.max(0, room - 1)), '… (enlarge the terminal to see every key)'] : lines;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={size.columns}>
      <Text bold>Keys</Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text wrap="truncate" dimColor>
        {SELECTION_RULE}
      </Text>
    </Box>
  );
}
