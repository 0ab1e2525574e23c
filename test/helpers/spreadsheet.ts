/**
 * Open a CSV in a real LibreOffice Calc (Debian's libreoffice-calc-nogui, `soffice --headless`)
 * the way a person in a given locale would, and read back what the spreadsheet made of each
 * cell: a number, a date or text.
 *
 * The locale is LibreOffice's own "Locale setting" (Tools > Options > Language Settings), kept
 * in the user profile: each call uses a throw-away profile whose registrymodifications.xcu sets
 * it, so the machine's locale (often C.UTF-8 in CI) does not matter and nothing is shared with
 * another soffice running on the machine. The import options are what a person picks in the
 * Text Import dialog: the separator and UTF-8 (token 3 = 76); the decimal mark comes from the
 * locale (token 6, language, left empty).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

export const SOFFICE = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => existsSync(p));

/** A cell as the spreadsheet typed it. */
export interface SheetCell {
  type: 'float' | 'string' | 'date' | 'percentage' | 'currency' | 'boolean' | 'time' | 'empty';
  /** The number (float), the date, or the text (string). */
  value: string;
  /** The formula LibreOffice kept for the cell, if any (e.g. `of:="0012345"`). */
  formula?: string;
}

/** A start-up of soffice takes seconds, far more on a busy machine: a generous deadline, no sleep. */
const DEADLINE_MS = 180_000;

function profile(dir: string, locale: string): string {
  const user = join(dir, `lo-profile-${locale}`, 'user');
  mkdirSync(user, { recursive: true });
  const prop = (name: string) => `<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="${name}" oor:op="fuse"><value>${locale}</value></prop></item>`;
  writeFileSync(
    join(user, 'registrymodifications.xcu'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n${prop('ooSetupSystemLocale')}\n${prop('ooLocale')}\n</oor:items>\n`,
  );
  return `file://${join(dir, `lo-profile-${locale}`)}`;
}

/** Run soffice with a profile for `locale`, converting `file` (read with `infilter`) to `to` in `outDir`. */
export function soffice(dir: string, locale: string, file: string, infilter: string, to: string, outDir: string): string {
  if (!SOFFICE) throw new Error('soffice not found');
  mkdirSync(outDir, { recursive: true });
  const r = spawnSync(SOFFICE, [`-env:UserInstallation=${profile(dir, locale)}`, '--headless', '--norestore', `--infilter=${infilter}`, '--convert-to', to, '--outdir', outDir, file], {
    encoding: 'utf8',
    timeout: DEADLINE_MS,
    env: { ...process.env, HOME: dir },
  });
  const ext = to.split(':')[0];
  const out = join(outDir, basename(file).replace(/\.[^.]+$/, `.${ext}`));
  if (r.status !== 0 || !existsSync(out)) {
    throw new Error(`soffice did not convert ${file} (exit ${r.status}, ${r.error ?? ''}):\n${r.stdout}\n${r.stderr}\nin ${outDir}: ${readdirSync(outDir).join(', ')}`);
  }
  return out;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Cell text stays text: `0012345` must not become 12345 on our side of the test either.
  parseTagValue: false,
  isArray: (name) => ['table:table', 'table:table-row', 'table:table-cell', 'text:p'].includes(name),
});

function textOf(p: unknown): string {
  if (p === undefined || p === null) return '';
  if (typeof p === 'string' || typeof p === 'number') return String(p);
  if (Array.isArray(p)) return p.map(textOf).join('\n');
  const o = p as Record<string, unknown>;
  return Object.entries(o)
    .filter(([k]) => !k.includes(':') || k.startsWith('text:'))
    .map(([k, v]) => (k === '#text' ? textOf(v) : k === 'text:s' ? ' ' : textOf(v)))
    .join('');
}

/** The first sheet of a flat ODF spreadsheet as rows of typed cells (repeats expanded, trailing empties dropped). */
export function readFods(path: string): SheetCell[][] {
  const doc = parser.parse(readFileSync(path, 'utf8'));
  const table = doc['office:document']['office:body']['office:spreadsheet']['table:table'][0];
  const rows: SheetCell[][] = [];
  for (const row of table['table:table-row'] ?? []) {
    const cells: SheetCell[] = [];
    for (const c of row['table:table-cell'] ?? []) {
      const type = (c['office:value-type'] ?? 'empty') as SheetCell['type'];
      const value =
        type === 'float' || type === 'percentage' || type === 'currency'
          ? String(c['office:value'])
          : type === 'date'
            ? String(c['office:date-value'])
            : type === 'string'
              ? String(c['office:string-value'] ?? textOf(c['text:p']))
              : textOf(c['text:p']);
      const repeat = Math.min(Number(c['table:number-columns-repeated'] ?? 1), 1000);
      for (let i = 0; i < repeat; i++) cells.push({ type, value, ...(c['table:formula'] ? { formula: String(c['table:formula']) } : {}) });
    }
    while (cells.length && cells[cells.length - 1].type === 'empty' && !cells[cells.length - 1].value) cells.pop();
    const repeatRows = Math.min(Number(row['table:number-rows-repeated'] ?? 1), 1000);
    for (let i = 0; i < repeatRows; i++) rows.push(cells);
  }
  while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
  return rows;
}

/** What LibreOffice in `locale` makes of a CSV with `separator`: rows of typed cells, the header row first. */
export function openCsv(dir: string, csv: string, locale: string, separator: ',' | ';'): SheetCell[][] {
  const fods = soffice(dir, locale, csv, `CSV:${separator.charCodeAt(0)},34,76,1`, 'fods', join(dir, `fods-${locale}-${basename(csv)}`));
  return readFods(fods);
}

/** Header row -> the cells of `column` in each data row (up to the first empty row). */
export function columnOf(rows: SheetCell[][], column: string): SheetCell[] {
  const at = rows[0].findIndex((c) => c.value === column);
  if (at < 0) throw new Error(`no column ${column} in ${rows[0].map((c) => c.value).join(',')}`);
  const out: SheetCell[] = [];
  for (const r of rows.slice(1)) {
    if (r.length === 0) break;
    out.push(r[at] ?? { type: 'empty', value: '' });
  }
  return out;
}
