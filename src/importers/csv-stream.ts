/**
 * Bytes to CSV records: UTF-8 decoding (with or without BOM, invalid bytes naming the line)
 * in front of the tokenizer (src/importers/csv.ts), streamed in batches or all at once.
 */
import { InputError } from '../errors.js';
import { CsvTokenizer, type CsvRecord } from './csv.js';

function utf8Error(file: string, line: number): InputError {
  return new InputError('the file is not valid UTF-8 text; expected a UTF-8 CSV (re-export it as UTF-8)', {
    file,
    line,
  });
}

/**
 * Stream `input` (bytes or text) as batches of records. UTF-8 with or without BOM; invalid
 * UTF-8 and CSV syntax errors throw InputError naming the file and line.
 */
export async function* readRecords(
  input: NodeJS.ReadableStream,
  file: string,
  delimiter = ',',
): AsyncIterable<CsvRecord[]> {
  const tokenizer = new CsvTokenizer(file, delimiter);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else {
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw utf8Error(file, tokenizer.currentLine);
      }
    }
    const out: CsvRecord[] = [];
    tokenizer.push(text, out);
    if (out.length > 0) yield out;
  }
  const out: CsvRecord[] = [];
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw utf8Error(file, tokenizer.currentLine);
  }
  if (tail) tokenizer.push(tail, out);
  tokenizer.end(out);
  if (out.length > 0) yield out;
}

/** The same records as `readRecords`, synchronously from text (tests, small files). */
export function readRecordsSync(text: string, file: string, delimiter = ','): CsvRecord[] {
  const tokenizer = new CsvTokenizer(file, delimiter);
  const out: CsvRecord[] = [];
  tokenizer.push(text, out);
  tokenizer.end(out);
  return out;
}
