/** Text fitted to the columns of a screen; escaping lives in src/output.ts (printable). */
export { printable } from '../output.js';

/** Fit text into exactly `width` columns: cut with an ellipsis, or pad. */
export function fit(value: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...value];
  const s = chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '…' : value;
  const pad = width - [...s].length;
  return align === 'right' ? ' '.repeat(pad) + s : s + ' '.repeat(pad);
}
