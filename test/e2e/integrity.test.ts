import { openTestStore } from '../helpers/backend.js';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
beforeEach(() => {
  t = integrityEnv();
  const init = t.run(['baseline', 'init', 'conf', '--path', t.tree]);
  expect(init.code, init.stderr).toBe(0);
});
afterEach(() => t.cleanup());

/** A scan of one baseline: `doc` is its document, the one entry of the envelope's `scans`. */
const scan = (...args: string[]) => {
  const r = t.run(['--json', 'scan', ...args]);
  const envelope = parseJson(r);
  expect(envelope.scans).toHaveLength(1);
  return { ...r, envelope, doc: envelope.scans[0] };
};

describe('baseline init and scan', () => {
  it('init records every path and a clean scan of one baseline exits 0 with the one envelope shape', () => {
    const r = scan('conf');
    expect(r.code, r.stderr).toBe(0);
    expect(r.envelope).toEqual({
      exit_code: 0,
      scans: [
        {
          scan: 1,
          baseline: 'conf',
          exit_code: 0,
          counts: { files: 5, added: 0, removed: 0, changed: 0, unreadable: 0 }, // tree, sub, 3 files
          findings: [],
        },
      ],
      // The audit log's anchor (README, "The audit log as evidence"): baseline init's entry, keyed.
      audit: { entries: 1, head: expect.stringMatching(/^[0-9a-f]{64}$/), keyed: true },
    });
  });

  it('a file added exits 5: the file (1) and its directory, whose entries changed (4), with the cause', () => {
    writeFileSync(join(t.tree, 'sub', 'new.conf'), 'new\n');
    const r = scan('conf');
    expect(r.code).toBe(5);
    expect(r.doc.findings).toEqual([
      { path: join(t.tree, 'sub'), kind: 'changed', attributes: ['mtime', 'ctime', 'entries'], severity: 'medium',
        reason: expect.stringMatching(/^mtime \S+ -> \S+; entries 1 -> 2 \(added new\.conf\)$/), first_seen_scan: 1 },
      { path: join(t.tree, 'sub', 'new.conf'), kind: 'added', severity: 'medium', first_seen_scan: 1 },
    ]);
  });

  it('a file removed exits 2', () => {
    rmSync(join(t.tree, 'b.conf'));
    const r = scan('conf');
    expect(r.code).toBe(6);
    expect(r.doc.findings).toMatchObject([
      { path: t.tree, kind: 'changed', reason: expect.stringContaining('entries 3 -> 2 (removed b.conf)') },
      { path: join(t.tree, 'b.conf'), kind: 'removed', severity: 'high' },
    ]);
    expect(r.doc.counts).toMatchObject({ files: 4, removed: 1 });
  });

  it('content changed exits 4 and names the attributes, not the content', () => {
    writeFileSync(join(t.tree, 'a.conf'), 'alpha, edited\n');
    const r = scan('conf');
    expect(r.code).toBe(4);
    expect(r.doc.findings).toHaveLength(1);
    expect(r.doc.findings[0]).toMatchObject({ path: join(t.tree, 'a.conf'), kind: 'changed', severity: 'high' });
    expect(r.doc.findings[0].attributes).toEqual(expect.arrayContaining(['size', 'sha256']));
    expect(r.stdout).not.toContain('edited');
  });

  it('a permission change exits 4 naming mode', () => {
    chmodSync(join(t.tree, 'b.conf'), 0o644);
    const r = scan('conf');
    expect(r.code).toBe(4);
    expect(r.doc.findings[0].attributes).toContain('mode');
    expect(r.doc.findings[0].reason).toContain('mode 0600 -> 0644');
  });

  it('bits combine, and --fail-on narrows them while findings are still listed', () => {
    writeFileSync(join(t.tree, 'new.conf'), 'n');
    rmSync(join(t.tree, 'b.conf'));
    writeFileSync(join(t.tree, 'a.conf'), 'changed');
    expect(scan('conf').code).toBe(7);
    const narrowed = scan('conf', '--fail-on', 'removed');
    expect(narrowed.code).toBe(2);
    expect(narrowed.doc.findings.map((f: { kind: string }) => f.kind).sort()).toEqual(['added', 'changed', 'changed', 'removed']);
    expect(t.run(['scan', '--fail-on', 'bogus']).code).toBe(16);
  });

  it('a finding that persists keeps the scan where it first appeared', () => {
    writeFileSync(join(t.tree, 'new.conf'), 'n');
    const first = scan('conf');
    rmSync(join(t.tree, 'b.conf'));
    const second = scan('conf');
    const byKind = Object.fromEntries(second.doc.findings.map((f: { kind: string; first_seen_scan: number }) => [f.kind, f.first_seen_scan]));
    // The directory's change is new: its mtime and entries moved again.
    expect(byKind).toEqual({ added: first.doc.scan, removed: second.doc.scan, changed: second.doc.scan });
  });

  it('baseline update accepts the current state (audited) and the next scan is clean', () => {
    writeFileSync(join(t.tree, 'a.conf'), 'accepted change');
    const up = t.run(['--json', 'baseline', 'update', 'conf']);
    expect(up.code, up.stderr).toBe(0);
    expect(parseJson(up)).toMatchObject({ baseline: 'conf', generation: 2, files: 5, accepted: { added: 0, removed: 0, changed: 1 } });
    expect(scan('conf').code).toBe(0);
    const db = openTestStore(t.db);
    const actions = db.prepare("SELECT action, subject FROM audit_log WHERE action LIKE 'baseline%' ORDER BY id").all();
    db.close();
    expect(actions).toEqual([
      { action: 'baseline_init', subject: 'conf' },
      { action: 'baseline_update', subject: 'conf' },
    ]);
  });

  it('several baselines: one document per baseline and the OR of the exit codes', () => {
    const second = integrityEnv({ 'x.key': 'x' });
    try {
      expect(t.run(['baseline', 'init', 'more', '--path', join(second.tree, 'x.key')]).code).toBe(0);
      rmSync(join(second.tree, 'x.key'));
      writeFileSync(join(t.tree, 'added.conf'), '+');
      const r = t.run(['--json', 'scan']);
      expect(r.code).toBe(7);
      const doc = parseJson(r);
      expect(doc.exit_code).toBe(7);
      expect(doc.scans.map((s: { baseline: string; exit_code: number }) => [s.baseline, s.exit_code])).toEqual([
        ['conf', 5],
        ['more', 2],
      ]);
    } finally {
      second.cleanup();
    }
  });

  it('baseline list shows what is watched and the last scan', () => {
    scan('conf');
    const r = t.run(['--json', 'baseline', 'list']);
    expect(r.code).toBe(0);
    expect(parseJson(r).baselines).toEqual([
      expect.objectContaining({ name: 'conf', files: 5, generation: 1, paths: [t.tree], sha512: false, last_scan: { scan: 1, exit_code: 0, findings: 0 } }),
    ]);
  });

  it('plain output in CI: a summary line and one line per finding', () => {
    writeFileSync(join(t.tree, 'new.conf'), 'n');
    const r = t.run(['scan']);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/^scan 1 of baseline "conf": 6 files: 1 added, 0 removed, 1 changed, 0 unreadable, 0 policy - exit 5\n/);
    expect(r.stdout).toContain(`  added      ${join(t.tree, 'new.conf')}`);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('--report writes the scan documents; an unknown report format fails before scanning (16)', () => {
    writeFileSync(join(t.tree, 'new.conf'), 'n');
    const bad = t.run(['scan', '--report', join(t.dir, 'r.txt')]);
    expect(bad.code).toBe(16);
    const r = t.run(['--json', 'scan', '--report', join(t.dir, 'r.json')]);
    expect(r.code).toBe(5);
    expect(parseJson(r).scans[0].scan).toBe(1); // the refused run recorded nothing
    expect(readFileSync(join(t.dir, 'r.json'), 'utf8')).toContain(join(t.tree, 'new.conf'));
  });

  it('a selection large enough for the hashing worker finds the same changes as one thread', () => {
    const many = join(t.dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < 400; i++) writeFileSync(join(many, `f${i}`), `file ${i}`);
    expect(t.run(['baseline', 'init', 'many', '--path', many]).code).toBe(0);
    writeFileSync(join(many, 'f0'), 'edited');
    writeFileSync(join(many, 'f399'), 'edited');
    rmSync(join(many, 'f200'));
    const brief = (r: { doc: { findings: Array<{ kind: string; path: string }> } }) => r.doc.findings.map((f) => `${f.kind} ${f.path}`);
    const threaded = scan('many');
    const single = { ...t.run(['--json', 'scan', 'many'], { PAYRECON_HASH_WORKERS: '0' }) };
    expect(threaded.code).toBe(6);
    expect(brief(threaded)).toEqual([`changed ${many}`, `changed ${join(many, 'f0')}`, `removed ${join(many, 'f200')}`, `changed ${join(many, 'f399')}`]);
    expect(brief({ doc: parseJson(single).scans[0] })).toEqual(brief(threaded));
    expect(threaded.doc.counts.files).toBe(400);
  });

  it('--sha512 records and compares SHA-512 as well', () => {
    expect(t.run(['baseline', 'init', 'strong', '--path', t.tree, '--sha512']).code).toBe(0);
    writeFileSync(join(t.tree, 'a.conf'), 'alpha\r\n');
    const r = scan('strong');
    expect(r.code).toBe(4);
    expect(r.doc.findings[0].attributes).toEqual(expect.arrayContaining(['sha256', 'sha512']));
  });
});
