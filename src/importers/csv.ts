/**
 * The CSV reader every importer is fed by: RFC 4180 records with the 1-based line where each
 * record starts (bytes to records: src/importers/csv-stream.ts).
 *
 * Why not csv-parse here: measured on 1,000,000 Stripe rows (124 MB) csv-parse alone takes
 * ~4.5 s, twice what sqlite3's `.import` needs for the whole job, so the import could never
 * stay within 2x of it. This tokenizer splits unquoted lines with native `split` and only walks
 * characters on lines that contain a quote (~0.6 s for the same file). csv-parse stays the
 * reference: test/importers/csv.test.ts checks this reader against it on every fixture and on
 * generated input.
 *
 * Dialect: `"` quotes, `""` escapes, quoted fields may hold delimiters and line breaks; CRLF
 * or LF ends a record; empty (or blank) lines are skipped; a quote inside an unquoted field
 * is kept literally (PayPal quotes inconsistently); ragged rows are returned as they are.
 */
import { InputError } from '../errors.js';

/** One CSV record and the physical line (1-based) where it starts. */
export interface CsvRecord {
  fields: string[];
  line: number;
  /**
   * Set when a field is longer than MAX_FIELD_CHARS or the record longer than
   * MAX_RECORD_CHARS: `fields` is then empty (the text was not kept) and the importer never
   * sees the record; the import operation stores it as a rejected row.
   */
  oversized?: true;
}

/**
 * The longest field an import accepts (characters): no settlement or ledger column comes near
 * it, and a record holding a longer one is rejected (with its line) instead of being held in
 * memory. Documented in docs/importers.md.
 */
export const MAX_FIELD_CHARS = 1024 * 1024;
/**
 * The longest record (all its fields) held while it is read; past it the reader stops keeping
 * the text and skips to the record's end. Bounds memory whatever one line of a file holds.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/** Below this, appended text is parsed at once (records are emitted as soon as they end). */
const MIN_REPARSE_CHARS = 64 * 1024;

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Incremental tokenizer: feed text chunks with `push`, then `end`. */
export class CsvTokenizer {
  private rest = '';
  private line = 1;
  private started = false;
  // Set when the carried-over record is inside a quoted field with no closing quote yet: a
  // chunk without any quote cannot finish it, so it is appended without reparsing (keeps a
  // truncated file with an early open quote linear instead of quadratic).
  private awaitingQuote = false;
  // Likewise when the carried-over text has no line end yet: only a chunk with a "\n" helps.
  private awaitingLineEnd = false;
  private readonly delimCode: number;
  // Skipping an oversized record: whether the skipped text is inside quotes (quote parity: a
  // doubled quote toggles twice), where the record started, and the line breaks it held so far.
  private skipping: { inQuote: boolean; line: number; lines: number } | null = null;
  // Characters appended to `rest` since it was last parsed.
  private unparsed = 0;

  constructor(
    private readonly file: string,
    private readonly delimiter = ',',
    /** The line the text starts on: 1 for a file, a block's first line when reading one back. */
    firstLine = 1,
  ) {
    this.line = firstLine;
    // A BOM can only lead the file itself, not a block read back from inside it.
    this.started = firstLine > 1;
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new InputError(`invalid CSV delimiter ${JSON.stringify(delimiter)}; expected one character such as , or ;`, {
        file,
      });
    }
    this.delimCode = delimiter.charCodeAt(0);
  }

  /** The line the next record will start on (or where an unfinished record started). */
  get currentLine(): number {
    return this.line;
  }

  /**
   * Where the next record starts, for reading the file back from there (src/importers/
   * csv-stream.ts): the text held for it, or null while an oversized record is being skipped.
   */
  get pending(): string | null {
    return this.skipping ? null : this.rest;
  }

  /** Append complete records found in `text` (after what earlier chunks left over) to `out`. */
  push(text: string, out: CsvRecord[]): void {
    // The BOM check waits for the first character: a stream may hand over '' first (the BOM's
    // first bytes, still inside the decoder).
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipping) {
      text = this.skip(text, out);
      if (this.skipping) return;
    }
    const awaiting = this.awaitingQuote || this.awaitingLineEnd;
    const cannotFinish = (this.awaitingQuote && text.indexOf('"') === -1) || (this.awaitingLineEnd && text.indexOf('\n') === -1);
    // A long unfinished record is reparsed from its start only once the text appended since
    // the last parse is as long as what was parsed: a record growing over many chunks costs
    // linear time, not one full reparse per chunk (quadratic: 40 s for 8 MiB of quotes).
    if (awaiting && (cannotFinish || this.unparsed + text.length < Math.max(this.rest.length - this.unparsed, MIN_REPARSE_CHARS))) {
      this.rest += text;
      this.unparsed += text.length;
    } else {
      this.parse(this.rest === '' ? text : this.rest + text, false, out);
      this.unparsed = 0;
    }
    if (this.rest.length > MAX_RECORD_CHARS) {
      // Only the unfinished record itself may be skipped: parse what was appended unparsed first.
      if (this.unparsed > 0) {
        this.parse(this.rest, false, out);
        this.unparsed = 0;
      }
      if (this.rest.length > MAX_RECORD_CHARS) this.startSkipping();
    }
  }

  /** The unfinished record is too long to hold: forget its text, skip to its end. */
  private startSkipping(): void {
    const r = this.rest;
    let quotes = 0;
    for (let i = r.indexOf('"'); i !== -1; i = r.indexOf('"', i + 1)) quotes++;
    this.skipping = { inQuote: quotes % 2 === 1, line: this.line, lines: countLineBreaks(r) };
    this.rest = '';
    this.awaitingQuote = false;
    this.awaitingLineEnd = false;
  }

  /** Consume `text` while skipping; returns what follows the skipped record ('' if it goes on). */
  private skip(text: string, out: CsvRecord[]): string {
    const k = this.skipping!;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) k.inQuote = !k.inQuote;
      else if (c === LF) {
        if (!k.inQuote) {
          out.push({ fields: [], line: k.line, oversized: true });
          this.line = k.line + k.lines + 1;
          this.skipping = null;
          return text.slice(i + 1);
        }
        k.lines++;
      }
    }
    return '';
  }

  /** The input is complete: emit the last record, or throw if it is unterminated. */
  end(out: CsvRecord[]): void {
    if (this.skipping) {
      out.push({ fields: [], line: this.skipping.line, oversized: true });
      this.skipping = null;
      return;
    }
    this.unparsed = 0;
    this.parse(this.rest, true, out);
  }

  private parse(s: string, final: boolean, out: CsvRecord[]): void {
    const n = s.length;
    const d = this.delimiter;
    let i = 0;
    let line = this.line;
    // Position of the next quote at or after i; -1 = none left. Cached so that unquoted files
    // are not rescanned once per line (which would be quadratic).
    let nextQuote = s.indexOf('"');
    this.awaitingQuote = false;
    this.awaitingLineEnd = false;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === LF) {
        i++;
        line++;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) break;
        i += i + 1 < n && s.charCodeAt(i + 1) === LF ? 2 : 1;
        line++;
        continue;
      }
      let nl = s.indexOf('\n', i);
      if (nl === -1) {
        if (!final) {
          this.awaitingLineEnd = true;
          break;
        }
        nl = n;
      }
      if (nextQuote !== -1 && nextQuote < i) nextQuote = s.indexOf('"', i);
      if (nextQuote === -1 || nextQuote >= nl) {
        const end = nl > i && s.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
        if (end - i > MAX_FIELD_CHARS && longField(s, i, end, d)) out.push({ fields: [], line, oversized: true });
        else {
          const fields = s.slice(i, end).split(d);
          if (fields.length > 1 || fields[0].trim() !== '') out.push({ fields, line });
        }
        i = nl + 1;
        line++;
        continue;
      }
      const r = this.parseQuotedRecord(s, i, line, final);
      if (r === null) break;
      if (r.fields.some((f) => f.length > MAX_FIELD_CHARS)) out.push({ fields: [], line, oversized: true });
      else if (r.fields.length > 1 || r.fields[0].trim() !== '') out.push({ fields: r.fields, line });
      i = r.next;
      line += r.lines;
    }
    this.rest = i >= n ? '' : s.slice(i);
    this.line = line;
  }

  /**
   * Character walk over one record that contains a quote. Returns null when the chunk ends
   * before the record does (and more input may come).
   */
  private parseQuotedRecord(
    s: string,
    start: number,
    line: number,
    final: boolean,
  ): { fields: string[]; next: number; lines: number } | null {
    const n = s.length;
    const dc = this.delimCode;
    const fields: string[] = [];
    let lines = 0;
    let pos = start;
    for (;;) {
      if (pos < n && s.charCodeAt(pos) === QUOTE) {
        let value = '';
        let j = pos + 1;
        for (;;) {
          const q = s.indexOf('"', j);
          if (q === -1) {
            if (!final) {
              this.awaitingQuote = true;
              return null;
            }
            throw new InputError(
              `the record starting here has a quoted field that never closes (truncated file?); expected a closing "`,
              { file: this.file, line },
            );
          }
          value += s.slice(j, q);
          if (q + 1 >= n && !final) return null; // cannot tell "" from a closing quote yet
          if (s.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          pos = q + 1;
          break;
        }
        lines += countLineBreaks(value);
        fields.push(value);
        if (pos < n) {
          const c = s.charCodeAt(pos);
          if (c !== dc && c !== LF && c !== CR) {
            throw new InputError(
              `unexpected ${JSON.stringify(s[pos])} after a closing quote; expected ${JSON.stringify(this.delimiter)} or the end of the line`,
              { file: this.file, line: line + lines },
            );
          }
        }
      } else {
        let j = pos;
        while (j < n) {
          const c = s.charCodeAt(j);
          if (c === dc || c === LF || c === CR) break;
          j++;
        }
        fields.push(s.slice(pos, j));
        pos = j;
      }
      if (pos >= n) {
        if (!final) return null;
        return { fields, next: n, lines: lines + 1 };
      }
      const c = s.charCodeAt(pos);
      if (c === dc) {
        pos++;
        continue;
      }
      if (c === CR) {
        if (pos + 1 >= n && !final) return null;
        pos += pos + 1 < n && s.charCodeAt(pos + 1) === LF ? 2 : 1;
      } else {
        pos++; // LF
      }
      return { fields, next: pos, lines: lines + 1 };
    }
  }
}

/** Whether the unquoted record s[start, end) has a field longer than MAX_FIELD_CHARS. */
function longField(s: string, start: number, end: number, delimiter: string): boolean {
  let from = start;
  for (;;) {
    const at = s.indexOf(delimiter, from);
    const stop = at === -1 || at >= end ? end : at;
    if (stop - from > MAX_FIELD_CHARS) return true;
    if (stop === end) return false;
    from = stop + 1;
  }
}

function countLineBreaks(v: string): number {
  let k = 0;
  for (let i = v.indexOf('\n'); i !== -1; i = v.indexOf('\n', i + 1)) k++;
  // A lone CR is a line break too (old Mac files); CRLF was counted once above.
  for (let i = v.indexOf('\r'); i !== -1; i = v.indexOf('\r', i + 1)) if (v.charCodeAt(i + 1) !== LF) k++;
  return k;
}
