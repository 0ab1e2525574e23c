/**
 * Issue 17 item 3, as a security engineer meets it after a deploy: `baseline update --dry-run`
 * shows what would be accepted and changes nothing; `--path` accepts only matching changes and
 * the rest stay findings; the audit entry names the approved paths with digest prefixes (never
 * content); `payrecon scans` lists the history and `baseline show` what a baseline covers.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson, ROOT } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

const SECRET = 'db-password=hunter2-never-in-the-log\n';
const sha12 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
for (const f of readdirSync(join(ROOT, 'docs/schemas'))) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'docs/schemas', f), 'utf8')), f);
function expectSchema(name: string, doc: unknown): void {
  const validate = ajv.getSchema(name)!;
  expect(validate(doc), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

let env: IntegrityEnv;
beforeEach(() => {
  env = integrityEnv({ 'conf/app.conf': 'alpha\n', 'conf/db.conf': SECRET, 'keys/tls.pem': 'cert\n', 'keep.txt': 'same\n' });
  const init = env.run(['baseline', 'init', 'cfg', '--path', env.tree]);
  expect(init.code, init.stderr).toBe(0);
  // A deploy: one config edited, one added, a key removed, a mode changed. (The directories of the
  // added and the removed file change too: their entries, issue 18.)
  writeFileSync(join(env.tree, 'conf/app.conf'), 'alpha v2\n');
  writeFileSync(join(env.tree, 'conf/new.conf'), 'new\n', { mode: 0o600 });
  rmSync(join(env.tree, 'keys/tls.pem'));
  chmodSync(join(env.tree, 'keep.txt'), 0o640);
});
afterEach(() => env.cleanup());

const paths = (list: Array<{ path: string }>) => list.map((c) => c.path.slice(env.tree.length + 1)).sort();

describe('baseline update --dry-run', () => {
  it('shows each change it would accept and changes nothing (exit 0)', () => {
    const dry = env.run(['baseline', 'update', 'cfg', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const doc = parseJson(dry);
    expectSchema('baseline-update.schema.json', doc);
    expect(doc).toMatchObject({ baseline: 'cfg', dry_run: true, generation: 1, accepted: { added: 1, removed: 1, changed: 4 }, left: [] });
    expect(paths(doc.changes)).toEqual(['conf', 'conf/app.conf', 'conf/new.conf', 'keep.txt', 'keys', 'keys/tls.pem']);
    const app = doc.changes.find((c: { path: string }) => c.path.endsWith('app.conf'));
    expect(app).toMatchObject({ change: 'changed', old_sha256: sha12('alpha\n'), new_sha256: sha12('alpha v2\n') });
    expect(app.attributes).toContain('sha256');
    expect(doc.changes.find((c: { path: string }) => c.path.endsWith('keep.txt')).attributes).toContain('mode');

    const text = env.run(['baseline', 'update', 'cfg', '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`sha256 ${sha12('alpha\n')} -> ${sha12('alpha v2\n')}`);
    expect(text.stdout).toContain('dry run: nothing was changed');
    // Nothing changed: the same generation, no audit entry, the same findings.
    expect(parseJson(env.run(['baseline', 'list', '--json'])).baselines[0].generation).toBe(1);
    expect(parseJson(env.run(['audit', 'log', '--json'])).entries.map((e: { action: string }) => e.action)).toEqual(['baseline_init']);
    const scan = env.run(['scan', 'cfg', '--json']);
    expect(scan.code).toBe(7);
  });
});

describe('baseline update --path', () => {
  it('accepts only the matching changes; the rest stay findings; the audit entry names the approved paths', () => {
    const up = env.run(['baseline', 'update', 'cfg', '--path', 'tree/conf/*.conf', '--note', 'deploy 1.4: new app config', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const doc = parseJson(up);
    expectSchema('baseline-update.schema.json', doc);
    expect(doc).toMatchObject({ generation: 2, accepted: { added: 1, removed: 0, changed: 1 } });
    expect(paths(doc.left)).toEqual(['conf', 'keep.txt', 'keys', 'keys/tls.pem']);
    expect(paths(doc.changes)).toEqual(['conf/app.conf', 'conf/new.conf']);

    // The next scan still reports what was not approved, and only that.
    const scan = parseJson(env.run(['scan', 'cfg', '--json'])).scans[0];
    expect(scan.findings.map((f: { path: string; kind: string }) => [f.path.slice(env.tree.length + 1), f.kind])).toEqual([
      ['conf', 'changed'],
      ['keep.txt', 'changed'],
      ['keys', 'changed'],
      ['keys/tls.pem', 'removed'],
    ]);

    const entry = parseJson(env.run(['audit', 'log', '--json'])).entries.find((e: { action: string }) => e.action === 'baseline_update');
    expect(entry.details).toMatchObject({ generation: 2, note: 'deploy 1.4: new app config', selection: ['tree/conf/*.conf'], left: 4, added: 1, changed: 1 });
    expect(entry.details.paths).toEqual([
      { path: join(env.tree, 'conf/app.conf'), change: 'changed', attributes: expect.arrayContaining(['sha256']), old_sha256: sha12('alpha\n'), new_sha256: sha12('alpha v2\n') },
      { path: join(env.tree, 'conf/new.conf'), change: 'added', old_sha256: null, new_sha256: sha12('new\n') },
    ]);
    // Prefixes only, never content and never a whole digest.
    const log = env.run(['audit', 'log', '--json']).stdout;
    expect(log).not.toContain('hunter2');
    expect(log).not.toContain(createHash('sha256').update('alpha v2\n').digest('hex'));
    expect(env.run(['audit', 'verify']).code).toBe(0);

    // Approving the rest: plain directory paths (themselves and everything under them) and a name glob (any depth).
    const rest = ['--path', join(env.tree, 'keys'), '--path', join(env.tree, 'conf'), '--path', '*.txt'];
    expect(env.run(['baseline', 'update', 'cfg', ...rest, '--note', 'tls moved to the vault']).code).toBe(0);
    expect(env.run(['scan', 'cfg']).code).toBe(0);
  });

  it('a --path that selects no change is refused, and nothing is accepted', () => {
    const r = env.run(['baseline', 'update', 'cfg', '--path', '/nowhere/**']);
    expect(r.code).toBe(16);
    expect(r.stderr).toContain('selects none of the 6 changes');
    expect(env.run(['scan', 'cfg']).code).toBe(7);
    // One typo among several: the others apply, the typo is named.
    const typo = env.run(['baseline', 'update', 'cfg', '--dry-run', '--path', 'tree/conf/*.conf', '--path', 'tree/cnof']);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toContain('--path tree/cnof selected no change');
    const empty = env.run(['baseline', 'update', 'cfg', '--note', '  ']);
    expect(empty.code).toBe(16);
  });
});

describe('payrecon scans and baseline show', () => {
  it('scans lists the history newest first, per baseline, with --limit', () => {
    expect(env.run(['scan', 'cfg']).code).toBe(7);
    expect(env.run(['baseline', 'update', 'cfg']).code).toBe(0);
    expect(env.run(['scan', 'cfg']).code).toBe(0);
    const all = parseJson(env.run(['scans', '--json']));
    expectSchema('scans.schema.json', all);
    expect(all.scans.map((s: { exit_code: number; generation: number }) => [s.exit_code, s.generation])).toEqual([
      [0, 2],
      [7, 1],
    ]);
    expect(all.scans[1].counts).toEqual({ files: 7, added: 1, removed: 1, changed: 4, unreadable: 0 });
    expect(parseJson(env.run(['scans', 'cfg', '--limit', '1', '--json'])).scans).toHaveLength(1);
    const text = env.run(['scans']);
    expect(text.stdout.split('\n')[0]).toMatch(/^\s+2 .* cfg .*exit 0$/);
    const unknown = env.run(['scans', 'nope']);
    expect(unknown.code).toBe(16);
    expect(unknown.stderr).toContain('known baselines: cfg');
  });

  it('baseline show expands a profile to its locations and lists attributes, key id and files', () => {
    const home = join(env.dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'config'), 'Host x\n', { mode: 0o600 });
    const penv = { HOME: home, PAYRECON_PROFILE_ROOT: join(env.dir, 'sysroot') };
    expect(env.run(['baseline', 'init', 'creds', '--profile', 'credentials', '--sha512'], penv).code).toBe(0);
    const show = env.run(['baseline', 'show', 'creds', '--json'], penv);
    expect(show.code, show.stderr).toBe(0);
    const doc = parseJson(show);
    expectSchema('baseline-show.schema.json', doc);
    expect(doc).toMatchObject({ name: 'creds', generation: 1, profile: 'credentials', verified: true });
    expect(doc.key_id).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.roots).toContainEqual({ path: join(home, '.ssh'), pattern: null, from: 'profile', exists: true });
    expect(doc.roots).toContainEqual({ path: join(env.dir, 'sysroot', 'etc/shadow'), pattern: null, from: 'profile', exists: false });
    expect(doc.attributes).toEqual(expect.arrayContaining(['sha256', 'sha512', 'mode']));
    expect(doc.entries).toContainEqual({ path: join(home, '.ssh', 'config'), type: 'file' });

    // Without a key it still shows, and says the files were not verified.
    const nokey = env.run(['baseline', 'show', 'cfg'], { PAYRECON_KEY_FILE: '' });
    expect(nokey.code).toBe(0);
    expect(nokey.stdout).toContain('NOT verified');
    expect(nokey.stdout).toContain(join(env.tree, 'keys/tls.pem'));
    // With a key, tampering outside payrecon fails as a scan would.
    env.sql('UPDATE baseline_entries SET size = size + 1 WHERE path LIKE ?', '%app.conf');
    expect(env.run(['baseline', 'show', 'cfg']).code).toBe(20);
  });
});
