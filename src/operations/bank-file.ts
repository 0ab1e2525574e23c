/**
 * A bank file before it is parsed (size, head, hash; not checked as UTF-8, unlike settlement
 * files: MT940 and BAI2 come in Latin-1 and the SWIFT set), and the digest that tells an
 * unchanged statement from a corrected one.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { BankEntry, StatementHead } from '../domain/bank.js';
import { ioErrorFor } from '../errors.js';

/** Size, the first 64 KiB (for identification) and the SHA-256 of the bytes (the idempotency key). */
export async function examine(path: string, display: string): Promise<{ size: number; sha256: string; head: string }> {
  let size: number;
  let head: string;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = st.size;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size, 64 * 1024));
      const n = readSync(fd, buf, 0, buf.length, 0);
      head = buf.subarray(0, n).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw ioErrorFor(display, err);
  }
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw ioErrorFor(display, err);
  }
  return { size, sha256: hash.digest('hex'), head };
}

/** What makes two readings of a statement the same statement: balances, then every entry. */
export function digestHead(h: Pick<StatementHead, 'opening' | 'closing' | 'currency'>): string {
  return `${h.currency}|${h.opening?.minor ?? ''}|${h.opening?.date ?? ''}|${h.closing?.minor ?? ''}|${h.closing?.date ?? ''}\n`;
}

export function digestEntry(e: BankEntry): string {
  return [e.minor, e.currency, e.bookingDate, e.valueDate, e.bankReference, e.customerReference, e.endToEndId, e.remittance, e.reversal, e.typeCode].join('|') + '\n';
}

