/**
 * One value in the text format of PostgreSQL's COPY: NULL as \N; bytes as bytea's hex form;
 * integers as written; text with the characters that end a field or a row escaped. A NUL cannot
 * be stored in a PostgreSQL text value at all (SQLite keeps it): it is written as U+FFFD, and an
 * import keeps the file's own bytes exactly in import_blocks regardless.
 */
export function copyField(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
  const s = typeof v === 'string' ? v : String(v);
  // Most fields need no escaping: test once, rewrite only those that do.
  if (!/[\\\n\r\t\0]/.test(s)) return s;
  return s.replace(/[\\\n\r\t\0]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : '\uFFFD'));
}

/** One row of COPY text: its fields tab-separated, ended by a newline. */
export function copyRow(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyField(values[i]);
  return line + '\n';
}
