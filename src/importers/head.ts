/**
 * `readHead`: the cheap first look at a file that identification runs on. It refuses files
 * that are not CSV text at all (empty, binary, not UTF-8) with a message saying so, before
 * any importer is asked.
 */
import { InputError } from '../errors.js';
import { CsvTokenizer, type CsvRecord } from './csv.js';
import type { FileHead } from './types.js';

const EXPECTED = 'expected a UTF-8 CSV file with a header line';

/** First bytes of a file -> FileHead (first record, BOM stripped). Throws InputError when unusable. */
export function readHead(head: Buffer, fileName: string, file: string, delimiter = ','): FileHead {
  if (head.length === 0) throw new InputError(`the file is empty; ${EXPECTED}`, { file });
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new InputError(`the file is UTF-16 encoded; ${EXPECTED} (re-export it as UTF-8)`, { file });
  }
  const nul = head.indexOf(0);
  if (nul !== -1) {
    throw new InputError(`binary content (a NUL byte at offset ${nul}); ${EXPECTED}`, { file, line: lineAt(head, nul) });
  }
  let text: string;
  try {
    // stream: true tolerates a multi-byte character cut off by the end of the head.
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    throw new InputError(`the file is not valid UTF-8 text; ${EXPECTED} (re-export it as UTF-8)`, { file });
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new InputError(`the file has no content but blank lines; ${EXPECTED}`, { file });
  }
  const tokenizer = new CsvTokenizer(file, delimiter);
  const out: CsvRecord[] = [];
  tokenizer.push(text, out);
  if (out.length === 0) {
    // No line end inside the head: either the whole file is one line (header only, no
    // newline) or the first record is cut off. Reading it as final tells the two apart by
    // whether its quotes close.
    try {
      tokenizer.end(out);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new InputError(`no complete first record (a quoted field never closes); ${EXPECTED}`, {
        file,
        line: tokenizer.currentLine,
      });
    }
  }
  return { firstRecord: out[0].fields, fileName };
}

function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = buf.indexOf(10); i !== -1 && i < offset; i = buf.indexOf(10, i + 1)) line++;
  return line;
}
