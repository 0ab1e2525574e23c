/**
 * Text fitted to the columns of a screen; escaping lives in src/output.ts (printable). Widths
 * are terminal cells (string-width), not code points: a CJK reference takes two cells a
 * character, and a column cut by code points would push the columns after it out of line.
 */
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

export { printable } from '../output.js';

/** Cells `value` takes on a terminal. */
export function cells(value: string): number {
  return stringWidth(value);
}

/** Fit text into exactly `width` cells: cut with an ellipsis, or pad. */
export function fit(value: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  let s = value;
  if (cells(value) > width) {
    let used = 0;
    s = '';
    for (const ch of value) {
      const w = cells(ch);
      if (used + w > width - 1) break;
      s += ch;
      used += w;
    }
    s += '…';
  }
  const pad = Math.max(0, width - cells(s));
  return align === 'right' ? ' '.repeat(pad) + s : s + ' '.repeat(pad);
}

/**
 * `text` as lines of at most `width` cells, broken at spaces where possible and inside a word
 * only when a word is longer than a line (a file path, a long id): nothing is cut.
 */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0) return [text];
  return wrapAnsi(text, width, { hard: true, trim: true }).split('\n');
}
