/**
 * better-sqlite3's parameter syntax translated to PostgreSQL's, once per SQL text: `?` becomes
 * `$1..$n` in order; `@name`, `:name` and `$name` (bound from one object argument, as
 * better-sqlite3 binds them) become `$k`, the same name always the same `$k`. String literals
 * ('', E'' with backslash escapes, $tag$ dollar quotes), quoted identifiers and comments (`--`,
 * nested `/* *\/`) are copied untouched, and a `::type` cast is a cast, not a `:name`.
 *
 * Known blind spot: an array slice written `a[1:hi]` reads as the parameter `:hi`; write
 * `a[1 : hi]` (a space after the colon) in port SQL.
 */

export interface Translation {
  /** The SQL with PostgreSQL placeholders. */
  text: string;
  /** Positional (`?`) parameter count; 0 when named. */
  positional: number;
  /** Named parameters in `$k` order (names without their prefix); empty when positional. */
  names: string[];
}

const IDENT_START = /[A-Za-z_\u0080-\uffff]/;
const IDENT_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

function identEnd(sql: string, from: number): number {
  let j = from;
  while (j < sql.length && IDENT_PART.test(sql[j]) && sql[j] !== '$') j++;
  return j;
}

/** Where a dollar-quoted string opening at `i` (`$$` or `$tag$`) ends, or -1 if `i` opens none. */
function dollarQuoteEnd(sql: string, i: number): number {
  let j = i + 1;
  if (sql[j] !== '$') {
    if (!IDENT_START.test(sql[j] ?? '')) return -1;
    j = identEnd(sql, j);
    if (sql[j] !== '$') return -1;
  }
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  return close < 0 ? sql.length : close + tag.length;
}

export function translate(sql: string): Translation {
  let out = '';
  let positional = 0;
  const names: string[] = [];
  const index = new Map<string, number>();
  let i = 0;
  let copiedTo = 0;
  const replace = (from: number, to: number, placeholder: string) => {
    out += sql.slice(copiedTo, from) + placeholder;
    copiedTo = to;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "'") {
      // E'...' takes backslash escapes; a standard string only doubles its quote.
      const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !IDENT_PART.test(sql[i - 2] ?? ' ');
      i++;
      while (i < sql.length) {
        if (escapes && sql[i] === '\\') i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      i++;
      while (i < sql.length && !(sql[i] === '"' && sql[i + 1] !== '"')) i += sql[i] === '"' ? 2 : 1;
      i++;
    } else if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < sql.length && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
    } else if (c === ':' && next === ':') {
      i += 2; // a cast
    } else if (c === '$' && dollarQuoteEnd(sql, i) >= 0) {
      // `$tag$` after an identifier character is part of that identifier, not a quote.
      if (i > 0 && IDENT_PART.test(sql[i - 1])) i++;
      else i = dollarQuoteEnd(sql, i);
    } else if (c === '?') {
      if (names.length) throw new TypeError(`SQL mixes ? and named parameters: ${sql}`);
      replace(i, i + 1, `$${++positional}`);
      i++;
    } else if ((c === '@' || c === ':' || c === '$') && IDENT_START.test(next ?? '') && !(i > 0 && IDENT_PART.test(sql[i - 1]))) {
      const end = identEnd(sql, i + 1);
      const name = sql.slice(i + 1, end);
      if (positional) throw new TypeError(`SQL mixes ? and named parameters: ${sql}`);
      let k = index.get(name);
      if (k === undefined) {
        names.push(name);
        k = names.length;
        index.set(name, k);
      }
      replace(i, end, `$${k}`);
      i = end;
    } else {
      i++;
    }
  }
  out += sql.slice(copiedTo);
  return { text: out, positional, names };
}

/**
 * The values to send for one call, from the arguments a better-sqlite3 statement takes:
 * positional values (arrays flattened one level) or one object of named values.
 */
const isBag = (a: unknown) => a !== null && typeof a === 'object' && !Array.isArray(a) && !Buffer.isBuffer(a) && !(a instanceof Uint8Array);

export function bindArguments(t: Translation, args: unknown[]): unknown[] {
  if (t.names.length) {
    const bag = args.find(isBag) as Record<string, unknown> | undefined;
    if (!bag) throw new TypeError('Missing named parameters: pass one object whose keys name them');
    return t.names.map((n) => {
      if (!(n in bag)) throw new RangeError(`Missing named parameter "${n}"`);
      return bag[n];
    });
  }
  // An object is a bag of named values: with no named parameter in the SQL better-sqlite3 binds
  // nothing from it (a scoped statement whose scope has no bounds), and so does this.
  const values = args.filter((a) => !isBag(a)).flatMap((a) => (Array.isArray(a) ? a : [a]));
  if (values.length < t.positional) throw new RangeError('Too few parameter values were provided');
  if (values.length > t.positional) throw new RangeError('Too many parameter values were provided');
  return values;
}
