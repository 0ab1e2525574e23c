/**
 * Issue 17 item 2, as a finance analyst meets it at month-end: items resolved, written off and
 * reopened between runs show in the next run's report with who, when, the reason and the note
 * (the HTML read in a real chromium), the report carries the audit head, and a mistaken
 * resolution reopened goes back to the open queue with `audit verify` still agreeing.
 */
import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/backend.js';
import { parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { dropTemplate, seededCopy } from '../helpers/report-setup.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) console.warn(`skipping the chromium part of report-story: ${CHROMIUM} not found (apt-get install -y chromium)`);

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));
afterAll(() => dropTemplate());

const cli = (args: string[], actor = 'ana') => runCli(['--db', db, ...args], { env: { PAYRECON_ACTOR: actor } });

function openIds(): Array<{ id: number; kind: string; reference: string | null }> {
  const r = cli(['discrepancies', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return parseJson(r).discrepancies;
}

describe('resolve --status open (reopen)', () => {
  it('puts a mistaken resolution back in the open queue, audited, and audit verify still agrees', () => {
    seededCopy(dir, db);
    const [first] = openIds();
    expect(cli(['resolve', String(first.id), '--note', 'refund booked by hand']).code).toBe(0);
    expect(openIds().map((d) => d.id)).not.toContain(first.id);

    const reopen = cli(['resolve', String(first.id), '--status', 'open', '--note', 'resolved by mistake: the refund never arrived', '--json'], 'ben');
    expect(reopen.code, reopen.stderr).toBe(0);
    const item = parseJson(reopen).discrepancies[0];
    expect(item).toMatchObject({ id: first.id, status: 'open', note: 'resolved by mistake: the refund never arrived', resolved_by: null, resolved_at: null });
    expect(openIds().map((d) => d.id)).toContain(first.id);

    const log = parseJson(cli(['audit', 'log', '--json'])).entries.at(-1);
    expect(log).toMatchObject({ action: 'reopen', subject: `discrepancy ${first.id}`, actor: 'ben' });
    expect(log.details).toMatchObject({ from: 'resolved', to: 'open', note: 'resolved by mistake: the refund never arrived', undone: { note: 'refund booked by hand', by: 'ana' } });

    const verify = cli(['audit', 'verify', '--json']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(parseJson(verify).differences).toEqual([]);
    // And it can be resolved again, with a fresh note.
    expect(cli(['resolve', String(first.id), '--note', 'refund arrived on the 14th']).code).toBe(0);
    expect(cli(['audit', 'verify']).code).toBe(0);
  });

  it('needs a note and a named id, and refuses an item that is open already (nothing changes)', () => {
    seededCopy(dir, db);
    const [first, second] = openIds();
    expect(cli(['resolve', String(second.id), '--note', 'ok']).code).toBe(0);
    const noNote = cli(['resolve', String(second.id), '--status', 'open']);
    expect(noNote.code).toBe(16);
    expect(noNote.stderr).toContain('--note is required to reopen');
    const bulk = cli(['resolve', '--status', 'open', '--kind', 'missing_in_ledger', '--note', 'x']);
    expect(bulk.code).toBe(16);
    expect(bulk.stderr).toContain('reopens the discrepancies you name by id');
    const mixed = cli(['resolve', String(first.id), String(second.id), '--status', 'open', '--note', 'x']);
    expect(mixed.code).toBe(16);
    expect(mixed.stderr).toContain(`discrepancy ${first.id} is already open; nothing was changed`);
    // All or nothing: the resolved one stayed resolved.
    expect(openIds().map((d) => d.id)).not.toContain(second.id);
  });
});

describe('the report tells what was settled since the last run', () => {
  function settleThenRerun() {
    seededCopy(dir, db);
    const [a, b, c] = openIds();
    expect(cli(['resolve', String(a.id), '--note', 'booked late <b>by hand</b>']).code).toBe(0);
    expect(cli(['resolve', String(b.id), '--status', 'written_off', '--reason', 'fx_rounding', '--note', 'rounding on conversion'], 'carla').code).toBe(0);
    expect(cli(['resolve', String(c.id), '--note', 'wrong item']).code).toBe(0);
    expect(cli(['resolve', String(c.id), '--status', 'open', '--note', 'reopened: still unexplained'], 'ben').code).toBe(0);
    // The next night's run no longer lists the resolved and written-off items: only the report's story does.
    const rerun = cli(['reconcile', '--json']);
    expect(rerun.code).toBeLessThan(16);
    const doc = parseJson(rerun);
    expect(doc.discrepancies.map((d: { id: number }) => d.id)).not.toContain(a.id);
    return { a, b, c, run: doc.run as number };
  }

  it('JSON and CSV list each settlement with who, when, the reason and the note', () => {
    const { a, b, c, run } = settleThenRerun();
    expect(cli(['report', '--out', join(dir, 'r.json')]).code).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(doc.run).toBe(run);
    expect(doc.resolved.total).toBe(4);
    expect(doc.resolved.by_action).toEqual({ resolve: 2, write_off: 1, reopen: 1 });
    expect(doc.resolved.items.map((e: { id: number; action: string }) => [e.id, e.action])).toEqual([
      [c.id, 'reopen'],
      [c.id, 'resolve'],
      [b.id, 'write_off'],
      [a.id, 'resolve'],
    ]);
    expect(doc.resolved.items[2]).toMatchObject({ by: 'carla', reason_code: 'fx_rounding', note: 'rounding on conversion', status_now: 'written_off' });
    expect(doc.resolved.items[1]).toMatchObject({ note: 'wrong item', status_now: 'open' });

    expect(cli(['report', '--out', join(dir, 'r.csv')]).code).toBe(0);
    const tables = readFileSync(join(dir, 'r.csv'), 'utf8').split('\r\n\r\n');
    const story = parse(tables.find((t) => t.startsWith('resolved_id'))!, { columns: true }) as Array<Record<string, string>>;
    expect(story.find((r) => r.action === 'write_off')).toMatchObject({ resolved_id: String(b.id), by: 'carla', reason_code: 'fx_rounding', note: 'rounding on conversion' });

    // --since after everything: an empty period, and the JSON report is the run document again.
    expect(cli(['report', '--since', '2999-01-01', '--out', join(dir, 'later.json')]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'later.json'), 'utf8')).resolved).toBeUndefined();
    const bad = cli(['report', '--since', 'last week', '--out', join(dir, 'x.json')]);
    expect(bad.code).toBe(16);
    expect(bad.stderr).toContain('--since must be a date');
  });

  it('an audit log edited behind payrecon\'s back shows as a broken chain in the HTML report', () => {
    seededCopy(dir, db);
    const [a] = openIds();
    expect(cli(['resolve', String(a.id), '--note', 'fine']).code).toBe(0);
    const h = openTestStore(db);
    const entry = h.prepare("SELECT id FROM audit_log WHERE action = 'resolve'").pluck().get() as number;
    h.prepare(`UPDATE audit_log SET details = '{"note":"invented"}' WHERE id = ?`).run(entry);
    h.close();
    expect(cli(['report', '--out', join(dir, 'r.html')]).code).toBe(0);
    const page = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(page).toContain(`CHAIN BROKEN at entry ${entry}: its content was altered after it was written`);
  });

  it.skipIf(!existsSync(CHROMIUM))('the HTML report, opened in chromium, shows the section and the audit head', async () => {
    const { a, b } = settleThenRerun();
    expect(cli(['report', '--out', join(dir, 'r.html')]).code).toBe(0);
    const head = parseJson(cli(['audit', 'verify', '--json'])).head as string;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(dir, 'r.html')).href);
      await expect(page.locator('h2#resolved').textContent()).resolves.toBe('Resolved this period');
      const rows = page.locator('table.resolved tbody tr');
      expect(await rows.count()).toBe(4);
      const resolvedA = page.locator(`table.resolved tr[data-id="${a.id}"]`);
      // The note is text, not markup.
      await expect(resolvedA.locator('td.note-text').textContent()).resolves.toBe('booked late <b>by hand</b>');
      await expect(resolvedA.locator('td.by').textContent()).resolves.toBe('ana');
      const writeOff = page.locator(`table.resolved tr[data-id="${b.id}"]`);
      await expect(writeOff.textContent()).resolves.toMatch(/written off.*carla.*fx_rounding.*rounding on conversion/);
      expect(await page.locator('table.resolved tr[data-action="reopen"] td.note-text').textContent()).toBe('reopened: still unexplained');
      const audit = (await page.locator('p.audit').textContent())!;
      expect(audit).toContain(head);
      expect(audit).toContain('chain intact');
      expect(await page.locator('table.resolved').isVisible()).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
