/**
 * The details of one discrepancy. Long values wrap under their label instead of being cut: the
 * reason is what a person reads to decide, so it is shown whole. When the terminal is too short
 * for everything, the lines after the reason give way first and the screen says so.
 */
import React from 'react';
import { Box, Text } from 'ink';
import type { DiscrepancySide, DiscrepancyView } from '../domain/discrepancy.js';
import { printable, wrapText } from './terminal-text.js';
import { boxHeight, type Size } from './triage-frame.js';

/** A label and its value; the value wraps, continuation lines indented under it. */
interface Field {
  label: string;
  value: string;
  /** Kept when the screen is short (the header and the reason). */
  keep?: boolean;
  /** Cells before the value (and before its continuation lines); the label is padded to it. */
  indent?: number;
}

const LABEL = 12;

function sideFields(label: string, s: DiscrepancySide | null, currency: string | null): Field[] {
  const indent = label.length + 2;
  if (!s) return [{ label: `${label}:`, value: '(none)', indent }];
  return [
    { label: `${label}:`, indent, value: `${printable(s.id)}  ${s.amount} ${s.currency ?? currency ?? ''}  source ${printable(s.source)}${s.booked_at ? `  booked ${s.booked_at}` : ''}` },
    { label: '', indent, value: `${printable(s.file)}:${s.line}` },
  ];
}

function fieldsOf(item: DiscrepancyView): Field[] {
  return [
    { label: '', indent: 0, value: `#${item.id}  ${item.kind}  severity ${item.severity}  status ${item.status}${item.assignee ? `  owner ${printable(item.assignee)}` : ''}`, keep: true },
    { label: 'reference:', value: printable(item.reference ?? '(none)') },
    { label: 'reason:', value: printable(item.reason), keep: true },
    // No difference across currencies (a currency mismatch): the two amounts are below.
    { label: 'difference:', value: item.difference !== null ? `${item.difference} ${item.currency ?? ''}` : '(n/a)' },
    { label: 'age:', value: `${item.age_days} day(s), first seen in run ${item.first_seen_run}` },
    ...sideFields('psp', item.psp, item.currency),
    ...sideFields('ledger', item.ledger, item.currency),
    // Payout/deposit kinds name the bank entry; other kinds have no bank side.
    ...(item.bank ? sideFields('bank', item.bank, item.currency) : []),
    ...(item.proposal
      ? [
          {
            label: 'proposed:',
            value: `${item.proposal.counterpart.side} ${printable(item.proposal.counterpart.id)} (${item.proposal.rule}, confidence ${item.proposal.confidence}${item.proposal.counterpart.discrepancy !== null ? `, item #${item.proposal.counterpart.discrepancy}` : ''})  y accept · n reject`,
          },
        ]
      : []),
    ...(item.note ? [{ label: 'note:', value: `${printable(item.note)}${item.resolved_by ? ` (${printable(item.resolved_by)})` : ''}` }] : []),
  ];
}

/** The lines of `item` in `width` cells, each marked with whether it must stay. */
export function detailLines(item: DiscrepancyView, width: number): Array<{ text: string; keep: boolean }> {
  const out: Array<{ text: string; keep: boolean }> = [];
  for (const f of fieldsOf(item)) {
    const indent = f.indent ?? LABEL;
    const head = f.label.padEnd(indent);
    wrapText(f.value, Math.max(10, width - indent)).forEach((l, j) => out.push({ text: (j === 0 ? head : ' '.repeat(indent)) + l, keep: Boolean(f.keep) }));
  }
  return out;
}

/** Which lines fit in `height`: all, or the kept ones and as many others as fit, then a note of what is left out. */
export function fitLines(lines: Array<{ text: string; keep: boolean }>, height: number): string[] {
  if (lines.length <= height) return lines.map((l) => l.text);
  let room = height - 1 - lines.filter((l) => l.keep).length;
  const shown = lines.filter((l) => l.keep || room-- > 0);
  const cut = shown.length > height - 1;
  const texts = shown.slice(0, height - 1).map((l) => l.text);
  const hidden = lines.length - texts.length;
  return [...texts, cut ? `… the reason goes on: enlarge the terminal to read it all` : `… ${hidden} more line${hidden === 1 ? '' : 's'}: enlarge the terminal`];
}

export function DetailsScreen({ item, size }: { item: DiscrepancyView; size: Size }): React.ReactElement {
  // The box's border and padding take two cells each side.
  const lines = fitLines(detailLines(item, size.columns - 4), boxHeight(size));
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={size.columns}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate" bold={i === 0}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
