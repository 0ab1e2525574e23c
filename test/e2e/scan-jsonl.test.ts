/**
 * Issue 12, item 3: `scan --jsonl` prints one ECS-named event per finding, one line each,
 * valid against docs/schemas/finding-event.schema.json, with control characters escaped and
 * never a full content digest.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureRecord } from '../../src/checksums/attributes.js';
import { compareToBaseline } from '../../src/checksums/compare.js';
import { findingEvent, findingItems, findingRecords } from '../../src/checksums/events.js';
import { onBackend } from '../helpers/backend.js';
import { cliEnv, ROOT } from '../helpers/cli.js';
import { readableInstall } from '../helpers/readable-install.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

const SCHEMAS = join(ROOT, 'docs/schemas');
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
for (const f of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')), f);
const validate = ajv.getSchema('finding-event.schema.json')!;
const expectValid = (ev: unknown, what: string) => expect(validate(ev), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let t: IntegrityEnv;
beforeEach(() => {
  t = integrityEnv({ 'a.conf': 'alpha secret\n', 'b.conf': 'beta secret\n', 'tls/server.key': KEY });
  expect(t.run(['baseline', 'init', 'keys', '--path', t.tree]).code).toBe(0);
});
afterEach(() => t.cleanup());

it('one valid event per finding of every kind a scan can raise here, escaped, without digests', () => {
  writeFileSync(join(t.tree, 'a.conf'), 'alpha changed\n');
  rmSync(join(t.tree, 'b.conf'));
  const odd = join(t.tree, 'new\nline\u0007\u0085.conf');
  writeFileSync(odd, 'x');
  chmodSync(join(t.tree, 'tls/server.key'), 0o644);
  const r = t.run(['scan', 'keys', '--jsonl', '--fail-on', 'added,removed,changed,unreadable,policy']);
  expect(r.code, r.stderr).toBe(7);
  const lines = r.stdout.trimEnd().split('\n');
  const events = lines.map((l) => JSON.parse(l));
  for (const [i, ev] of events.entries()) expectValid(ev, `line ${i + 1}`);
  expect(events.map((e) => `${e.payrecon.kind} ${e.file.name}`).sort()).toEqual(
    // ... and the tree itself, whose entries changed (issue 18).
    ['added new\nline\u0007\u0085.conf', 'changed a.conf', 'changed server.key', 'policy server.key', 'removed b.conf', `changed ${basename(t.tree)}`].sort(),
  );
  const changed = events.find((e) => e.file.name === 'server.key' && e.payrecon.kind === 'changed');
  expect(changed).toMatchObject({
    event: { kind: 'alert', category: ['file'], type: ['change'], action: 'file-changed', severity: 73, reason: 'mode 0600 -> 0644' },
    file: { path: join(t.tree, 'tls/server.key'), mode: '0644', type: 'file', uid: String(process.getuid!()) },
    payrecon: { baseline: 'keys', scan: 1, severity: 'high', attributes: ['mode', 'ctime'], first_seen_scan: 1 },
  });
  expect(changed.file.owner).toMatch(/\S/);
  expect(changed.host.name).toMatch(/\S/);
  // A removed file is described as the baseline recorded it.
  expect(events.find((e) => e.payrecon.kind === 'removed').file).toMatchObject({ type: 'file', mode: '0600', size: 'beta secret\n'.length });
  // Control characters never reach the line raw: a reader splitting on newlines gets whole events.
  expect(lines).toHaveLength(events.length);
  for (const l of lines) expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  // Digests: only the 12-hex prefixes of the reasons, never a full one.
  for (const content of ['alpha secret\n', 'alpha changed\n', 'beta secret\n', KEY]) expect(r.stdout).not.toContain(sha(content));
  expect(r.stdout).not.toMatch(/[0-9a-f]{13,}/);
  expect(r.stdout).toContain(sha('alpha secret\n').slice(0, 12));
});

it('an unreadable finding (root reads everything, so built from a compared state) is a valid event too', () => {
  const st = { mode: 0o100600n, size: 5n, uid: 0n, gid: 0n, ino: 9n, nlink: 1n, mtimeNs: 1n, ctimeNs: 1n };
  const old = captureRecord('/srv/keys/api.key', st, { sha256: sha('k') });
  const now = captureRecord('/srv/keys/api.key', st, {});
  const state = { records: [now], unreadable: new Map([['/srv/keys/api.key', 'permission denied']]), unreadableDirs: [], keys: new Map() };
  const findings = compareToBaseline(new Map([[old.path, old]]), state);
  expect(findings.map((f) => f.kind)).toEqual(['unreadable']);
  const [item] = findingItems({ scan: 3, baseline: 'keys', findings }, findingRecords(findings, new Map([[old.path, old]]), [now]), { user: () => 'root', group: () => undefined });
  const ev = findingEvent(item, new Date(), 'host-1');
  expectValid(JSON.parse(JSON.stringify(ev)), 'the unreadable event');
  expect(ev).toMatchObject({ event: { action: 'file-unreadable', reason: 'permission denied' }, file: { owner: 'root', group: '0' } });
});

it('a clean scan prints nothing; --jsonl with --json is a usage error', () => {
  const clean = t.run(['scan', 'keys', '--jsonl']);
  expect(clean.code).toBe(0);
  expect(clean.stdout).toBe('');
  const both = t.run(['--json', 'scan', 'keys', '--jsonl']);
  expect(both.code).toBe(16);
  expect(both.stderr).toContain('--jsonl');
});

// Root reads everything: the unreadable kind, for real, needs an unprivileged user (as in
// test/e2e/integrity-unreadable.test.ts).
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const dropper = have('setpriv') ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : have('runuser') ? ['runuser', '-u', 'nobody', '--'] : undefined;
const isRoot = process.getuid?.() === 0;
const install = isRoot && dropper ? readableInstall(dropper) : undefined;
const skipReason = !isRoot ? 'not running as root, cannot switch user' : !dropper ? 'neither setpriv nor runuser is installed' : install && 'skip' in install ? install.skip : undefined;
if (skipReason) console.log(`test/e2e/scan-jsonl.test.ts (every kind, as nobody) skipped: ${skipReason}`);
afterAll(() => install && 'cleanup' in install && install.cleanup());

describe.skipIf(skipReason !== undefined)('every finding kind in one scan, as an unprivileged user', () => {
  it('added, removed, changed, unreadable and policy events all validate', () => {
    const u = integrityEnv({ 'a.conf': 'alpha\n', 'b.conf': 'beta\n', 'c.conf': 'gamma\n', 'id.key': KEY });
    try {
      spawnSync('chown', ['-R', '65534:65534', u.dir]);
      const bin = install && 'bin' in install ? install.bin : '';
      const asNobody = (args: string[]) => {
        const run = onBackend(['--db', u.db, ...args], cliEnv({ PAYRECON_KEY_FILE: u.key }), u.dir);
        return spawnSync(dropper![0], [...dropper!.slice(1), process.execPath, bin, ...run.args], { cwd: u.dir, env: run.env, encoding: 'utf8' });
      };
      expect(asNobody(['baseline', 'init', 'keys', '--path', u.tree]).status).toBe(0);
      writeFileSync(join(u.tree, 'a.conf'), 'alpha changed\n');
      rmSync(join(u.tree, 'b.conf'));
      writeFileSync(join(u.tree, 'new.conf'), 'n');
      chmodSync(join(u.tree, 'c.conf'), 0o000);
      chmodSync(join(u.tree, 'id.key'), 0o640);
      const r = asNobody(['scan', 'keys', '--jsonl', '--fail-on', 'added,removed,changed,unreadable,policy']);
      expect(r.status, r.stderr).toBe(15);
      const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
      for (const [i, ev] of events.entries()) expectValid(ev, `line ${i + 1}`);
      expect(new Set(events.map((e) => e.payrecon.kind))).toEqual(new Set(['added', 'removed', 'changed', 'unreadable', 'policy']));
      expect(events.find((e) => e.payrecon.kind === 'unreadable')).toMatchObject({ event: { action: 'file-unreadable', reason: 'permission denied' }, file: { mode: '0000', uid: '65534' } });
    } finally {
      u.cleanup();
    }
  });
});
