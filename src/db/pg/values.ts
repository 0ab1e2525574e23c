/**
 * Result values the way better-sqlite3 hands them out, so a caller cannot tell the backends
 * apart: integers as number, or bigint when the statement asked for `safeIntegers()` (money);
 * a non-integral number stays a number; bytes as Buffer; NULL as null; a boolean as 1/0 (SQLite
 * has no boolean); every other type (dates, json, text) as the server's text, as SQLite stores it.
 */
import { OID } from './protocol.js';

type Convert = (v: unknown) => unknown;

const INTEGRAL = /^-?\d+$/;

const toBuffer: Convert = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

/** The conversion a column of this type needs on the main thread, or null when none. */
export function converterFor(oid: number, safe: boolean): Convert | null {
  switch (oid) {
    case OID.int8:
      return safe ? (v) => BigInt(v as string) : (v) => Number(v);
    case OID.numeric:
      // SUM over bigint is numeric on PostgreSQL, an integer on SQLite: integral values are integers.
      return (v) => (safe && INTEGRAL.test(v as string) ? BigInt(v as string) : Number(v));
    case OID.int2:
    case OID.int4:
    case OID.oid:
    case OID.bool:
      return safe ? (v) => BigInt(v as number) : null;
    case OID.bytea:
      return toBuffer;
    default:
      return null;
  }
}

export interface Shape {
  pluck: boolean;
  raw: boolean;
  safe: boolean;
}

/** A function turning the worker's array rows into what the statement returns. */
export function shaper(fields: ReadonlyArray<[string, number]>, shape: Shape): (row: unknown[]) => unknown {
  const conv = fields.map(([, oid]) => converterFor(oid, shape.safe));
  const convert = (row: unknown[]) => {
    for (let i = 0; i < conv.length; i++) {
      const c = conv[i];
      if (c && row[i] !== null) row[i] = c(row[i]);
    }
    return row;
  };
  if (shape.pluck) {
    const c = conv[0];
    return (row) => (c && row[0] !== null ? c(row[0]) : row[0]);
  }
  if (shape.raw) return convert;
  const names = fields.map(([n]) => n);
  return (row) => {
    convert(row);
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i]] = row[i];
    return o;
  };
}

/** A bound value as the worker sends it: better-sqlite3 binds numbers, bigints, strings, Buffers, null. */
export function bindable(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  switch (typeof v) {
    case 'number':
    case 'bigint':
    case 'string':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    default:
      if (v instanceof Uint8Array) return v;
      throw new TypeError('PostgreSQL can only bind numbers, strings, bigints, buffers, and null');
  }
}
