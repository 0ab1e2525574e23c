/**
 * Physical lines of a bank file, decoded one line at a time: UTF-8 where the line is valid
 * UTF-8, else Latin-1 (ISO 8859-1). MT940 and BAI2 files come in the SWIFT character set (a
 * subset of ASCII), UTF-8, or a legacy 8-bit code page; deciding per line keeps a file with one
 * odd byte readable without guessing a code page for the whole file, and never holds the file.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const LATIN1 = new TextDecoder('latin1');

export interface PhysicalLine {
  text: string;
  /** 1-based line number. */
  line: number;
}

function decode(bytes: Uint8Array): string {
  // Plain ASCII (the SWIFT set) is the common case and needs no validation.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    return UTF8.decode(bytes);
  } catch {
    return LATIN1.decode(bytes);
  }
}

/** Lines in batches (one batch per chunk read), CR LF or LF, a leading BOM and a final Ctrl-Z dropped. */
export async function* physicalLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<PhysicalLine[]> {
  let carry: Buffer = Buffer.alloc(0);
  let line = 0;
  let first = true;
  const emit = (raw: Buffer, out: PhysicalLine[]) => {
    let bytes = raw;
    if (bytes.length && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    if (first) {
      first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    let text = decode(bytes);
    if (text.endsWith('\x1a')) text = text.slice(0, -1);
    out.push({ text, line: ++line });
  };
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    const data = carry.length ? Buffer.concat([carry, buf]) : buf;
    const out: PhysicalLine[] = [];
    let start = 0;
    for (let i = data.indexOf(0x0a, start); i !== -1; i = data.indexOf(0x0a, start)) {
      emit(data.subarray(start, i), out);
      start = i + 1;
    }
    carry = Buffer.from(data.subarray(start));
    if (out.length) yield out;
  }
  if (carry.length) {
    const out: PhysicalLine[] = [];
    emit(carry, out);
    if (out[0].text !== '') yield out;
  }
}

/** YYMMDD as YYYY-MM-DD (years 80-99 are 19xx), or null when it is not six digits of a plausible date. */
export function yymmdd(text: string): string | null {
  if (!/^\d{6}$/.test(text)) return null;
  const yy = Number(text.slice(0, 2));
  const mm = Number(text.slice(2, 4));
  const dd = Number(text.slice(4, 6));
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
  return `${yy >= 80 ? 19 : 20}${text.slice(0, 2)}-${text.slice(2, 4)}-${text.slice(4, 6)}`;
}
