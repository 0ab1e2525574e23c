/**
 * What the parse worker (src/importers/parse-worker.ts) and the import's main thread say to
 * each other, and the compact form a batch of transactions travels in: its 15 values per
 * transaction joined into one string (one copy to clone, one native split to read back), or,
 * when a value holds one of the separators, one array of plain values. Measured on 1M Stripe
 * rows, the main thread's CPU to receive them: objects 4.6 s, one array 1.9 s, one string
 * (docs/benchmarks/import.md).
 */
import type { NormalizedTransaction, RejectedRow, Side, TxType } from '../domain/transaction.js';
import type { ParseItem } from './types.js';

export interface ParseJob {
  path: string;
  file: string;
  /** An importer name (importers/index.ts), or with `mapping` the mapping file to load. */
  importer: string;
  mapping?: string;
  source: string;
  referenceColumn?: string | readonly string[];
  /** How many batches the worker may be ahead of the writes. */
  window: number;
}

export interface WireBlock {
  byteOffset: number;
  firstLine: number | null;
  bytes: Uint8Array;
}

export type ToMain =
  | {
      type: 'batch';
      /** Items in file order: a transaction as TX_VALUES values, a reject as -(index into rejects) - 1. */
      rows: unknown[] | string;
      rejects: RejectedRow[];
      blocks: WireBlock[];
      /** The parser's header, once, with the first batch that has items. */
      header?: string[] | null;
      count: number;
      bytesRead: number;
    }
  | { type: 'end'; header: string[] | null; countedEmpty: boolean }
  | { type: 'error'; message: string; exitCode: number | null; hint?: string; summary?: string; stack?: string };

export type ToWorker = { type: 'more' };

const TX_VALUES = 15;
/** Between values; the value standing for null; between aliases. No CSV field a provider sends holds them, and one that does takes the array form. */
const SEP = '\u0000';
const NULL = '\u0001';
const ALIAS_SEP = '\u0002';
/** Leads a rejected item: its index in the batch's rejects. */
const REJECT = '\u0003';
const clean = (v: string) => !v.includes(SEP) && !v.includes(ALIAS_SEP) && !v.includes(REJECT) && v !== NULL;

export function encodeItems(items: ParseItem[]): { rows: unknown[] | string; rejects: RejectedRow[] } {
  const plain = encodeArray(items);
  const parts: string[] = [];
  for (const v of plain.rows) {
    if (v === null) parts.push(NULL);
    else if (typeof v === 'string') {
      if (!clean(v)) return plain;
      parts.push(v);
    } else if (Array.isArray(v)) {
      if (!v.every(clean)) return plain;
      parts.push(ALIAS_SEP + v.join(ALIAS_SEP));
    } else parts.push(typeof v === 'number' && v < 0 ? REJECT + (-v - 1) : String(v));
  }
  return { rows: parts.join(SEP), rejects: plain.rejects };
}

function encodeArray(items: ParseItem[]): { rows: unknown[]; rejects: RejectedRow[] } {
  const rows: unknown[] = [];
  const rejects: RejectedRow[] = [];
  for (const item of items) {
    if ('reject' in item) {
      rows.push(-rejects.length - 1);
      rejects.push(item.reject);
      continue;
    }
    const t = item.tx;
    rows.push(
      t.externalId,
      t.reference,
      t.pspReference,
      t.type,
      t.currency,
      t.amountMinor,
      t.feeMinor,
      t.netMinor,
      t.settlementCurrency,
      t.exchangeRate,
      t.bookedAt,
      t.payoutId,
      t.description,
      t.line,
      t.aliases.length === 0 ? null : t.aliases.length === 1 ? t.aliases[0] : t.aliases,
    );
  }
  return { rows, rejects };
}

/**
 * The items again, for the writer. A transaction comes back without its raw fields: a bulk
 * load never needs them (its rows are not compared with restatements, and the file itself is
 * kept), so they do not travel.
 */
export function decodeItems(side: Side, source: string, wire: unknown[] | string, rejects: RejectedRow[]): ParseItem[] {
  if (typeof wire === 'string') return decodeText(side, source, wire, rejects);
  const rows = wire;
  const items: ParseItem[] = [];
  for (let i = 0; i < rows.length; ) {
    const v = rows[i];
    if (typeof v === 'number') {
      items.push({ reject: rejects[-v - 1] });
      i++;
      continue;
    }
    const aliases = rows[i + 14];
    const tx: NormalizedTransaction = {
      side,
      source,
      externalId: v as string,
      reference: rows[i + 1] as string | null,
      pspReference: rows[i + 2] as string | null,
      type: rows[i + 3] as TxType,
      currency: rows[i + 4] as string,
      amountMinor: rows[i + 5] as bigint,
      feeMinor: rows[i + 6] as bigint | null,
      netMinor: rows[i + 7] as bigint | null,
      settlementCurrency: rows[i + 8] as string | null,
      exchangeRate: rows[i + 9] as string | null,
      bookedAt: rows[i + 10] as string,
      payoutId: rows[i + 11] as string | null,
      description: rows[i + 12] as string | null,
      line: rows[i + 13] as number,
      aliases: aliases === null ? [] : typeof aliases === 'string' ? [aliases] : (aliases as string[]),
      raw: [],
    };
    items.push({ tx });
    i += TX_VALUES;
  }
  return items;
}

function decodeText(side: Side, source: string, text: string, rejects: RejectedRow[]): ParseItem[] {
  const items: ParseItem[] = [];
  if (text === '') return items;
  const v = text.split(SEP);
  const str = (x: string) => (x === NULL ? null : x);
  const int = (x: string) => (x === NULL ? null : BigInt(x));
  for (let i = 0; i < v.length; ) {
    const first = v[i];
    if (first.charCodeAt(0) === 3) {
      items.push({ reject: rejects[Number(first.slice(1))] });
      i++;
      continue;
    }
    const aliases = v[i + 14];
    items.push({
      tx: {
        side,
        source,
        externalId: first,
        reference: str(v[i + 1]),
        pspReference: str(v[i + 2]),
        type: v[i + 3] as TxType,
        currency: v[i + 4],
        amountMinor: BigInt(v[i + 5]),
        feeMinor: int(v[i + 6]),
        netMinor: int(v[i + 7]),
        settlementCurrency: str(v[i + 8]),
        exchangeRate: str(v[i + 9]),
        bookedAt: v[i + 10],
        payoutId: str(v[i + 11]),
        description: str(v[i + 12]),
        line: Number(v[i + 13]),
        aliases: aliases === NULL ? [] : aliases.charCodeAt(0) === 2 ? aliases.slice(1).split(ALIAS_SEP) : [aliases],
        raw: [],
      },
    });
    i += TX_VALUES;
  }
  return items;
}
