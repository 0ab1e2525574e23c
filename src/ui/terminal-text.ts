/**
 * Text as the terminal screens print it. References and file names come from provider files:
 * control characters (an ESC could move the cursor or retitle the window) are made visible
 * instead of being sent to the terminal.
 */

// C0, DEL and C1 controls, including ESC and CSI.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function printable(value: unknown): string {
  return String(value ?? '').replace(CONTROL, (ch) => (ch === '\t' ? ' ' : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Fit text into exactly `width` columns: cut with an ellipsis, or pad. */
export function fit(value: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = [...value];
  const s = chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '…' : value;
  const pad = width - [...s].length;
  return align === 'right' ? ' '.repeat(pad) + s : s + ' '.repeat(pad);
}
