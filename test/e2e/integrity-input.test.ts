import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/backend.js';
import { emptyDatabase, parseJson } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

let t: IntegrityEnv;
beforeEach(() => {
  t = integrityEnv();
});
afterEach(() => t.cleanup());

describe('bad input: a clear message and the right code', () => {
  it('a path that does not exist: 18, naming it', () => {
    const r = t.run(['baseline', 'init', 'x', '--path', t.tree, '--path', 'missing/dir']);
    expect(r.code).toBe(18);
    expect(r.stderr).toContain(`cannot read ${join(t.dir, 'missing/dir')}: no such file or directory`);
  });

  it('an empty selection: 16, saying what matched nothing', () => {
    const r = t.run(['baseline', 'init', 'x', '--path', `${t.tree}/*.p12`]);
    expect(r.code).toBe(16);
    expect(r.stderr).toContain(`the selection is empty: ${t.tree}/*.p12 matched no files`);
    const excluded = t.run(['baseline', 'init', 'x', '--path', t.tree, '--exclude', `${t.tree}`]);
    expect(excluded.code).toBe(16);
    expect(excluded.stderr).toContain('after --exclude');
  });

  it('an invalid glob: 16, quoting it', () => {
    const r = t.run(['baseline', 'init', 'x', '--path', `${t.tree}/*[ab`]);
    expect(r.code).toBe(16);
    expect(r.stderr).toContain(`invalid glob "${t.tree}/*[ab"`);
    expect(t.run(['baseline', 'init', 'x', '--path', t.tree, '--exclude', '{a']).code).toBe(16);
  });

  it('nothing to monitor, a bad name, an existing name: 16 with what to do instead', () => {
    expect(t.run(['baseline', 'init', 'x']).stderr).toContain('give --profile credentials|keystores|configs and/or --path');
    expect(t.run(['baseline', 'init', '../x', '--path', t.tree]).code).toBe(16);
    expect(t.run(['baseline', 'init', 'x', '--path', t.tree]).code).toBe(0);
    const again = t.run(['baseline', 'init', 'x', '--path', t.tree]);
    expect(again.code).toBe(16);
    expect(again.stderr).toContain('hint: to accept the current state run: payrecon baseline update x');
  });

  it('an unknown baseline: 16, listing the known ones; none at all: 16 saying how to start', () => {
    emptyDatabase(t.db);
    expect(t.run(['scan']).stderr).toContain('there are no baselines to scan yet');
    expect(t.run(['baseline', 'init', 'x', '--path', t.tree]).code).toBe(0);
    const r = t.run(['scan', 'nope']);
    expect(r.code).toBe(16);
    expect(r.stderr).toContain('no baseline named "nope"');
    expect(r.stderr).toContain('known baselines: x');
    expect(t.run(['baseline', 'update', 'nope']).code).toBe(16);
  });

  it('a database written by a newer payrecon: 19', () => {
    expect(t.run(['baseline', 'init', 'x', '--path', t.tree]).code).toBe(0);
    // The schema version: PRAGMA user_version in a file, the one row of payrecon_schema on PostgreSQL.
    if (onPostgres) t.sql('UPDATE payrecon_schema SET version = 999');
    else t.sql('PRAGMA user_version = 999');
    const r = t.run(['scan']);
    expect(r.code).toBe(19);
    expect(r.stderr).toContain('newer than this payrecon knows');
  });

  it('a symlinked root is recorded as a link and not followed, with a warning', () => {
    const link = join(t.dir, 'link');
    symlinkSync(t.tree, link);
    const r = t.run(['--json', 'baseline', 'init', 'x', '--path', link]);
    expect(r.code).toBe(0);
    expect(parseJson(r).files).toBe(1);
    expect(r.stderr).toContain(`${link} is a symbolic link: recorded as a link, not followed`);
  });
});

describe('policy findings', () => {
  const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n';
  const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('a world-readable private key is flagged at init and at scan; a certificate is not; bit 4 only with --fail-on policy', () => {
    writeFileSync(join(t.tree, 'server.pem'), key);
    writeFileSync(join(t.tree, 'server.crt'), cert);
    writeFileSync(join(t.tree, 'innocent-name.txt'), key); // content, not the name, decides
    for (const f of ['server.pem', 'server.crt', 'innocent-name.txt']) chmodSync(join(t.tree, f), 0o644);
    const init = t.run(['--json', 'baseline', 'init', 'tls', '--path', t.tree]);
    expect(init.code).toBe(0);
    expect(parseJson(init).findings.map((f: { path: string; kind: string }) => [f.kind, f.path.slice(t.tree.length)])).toEqual([
      ['policy', '/innocent-name.txt'],
      ['policy', '/server.pem'],
    ]);
    const scan = t.run(['--json', 'scan', 'tls']);
    expect(scan.code).toBe(0);
    expect(parseJson(scan).scans[0].findings).toContainEqual(
      expect.objectContaining({ path: join(t.tree, 'server.pem'), kind: 'policy', severity: 'high', reason: expect.stringContaining('readable by group and others') }),
    );
    expect(t.run(['scan', 'tls', '--fail-on', 'policy']).code).toBe(4);
    chmodSync(join(t.tree, 'server.pem'), 0o600);
    chmodSync(join(t.tree, 'innocent-name.txt'), 0o600);
    const fixed = t.run(['--json', 'scan', 'tls', '--fail-on', 'policy']);
    expect(fixed.code).toBe(0);
    expect(parseJson(fixed).scans[0].findings.filter((f: { kind: string }) => f.kind === 'policy')).toEqual([]);
  });

  it('a key whose owner changed since the baseline', () => {
    writeFileSync(join(t.tree, 'id_ed25519'), key.replace(/EC/g, 'OPENSSH'), { mode: 0o600 });
    expect(t.run(['baseline', 'init', 'ssh', '--path', t.tree]).code).toBe(0);
    chownSync(join(t.tree, 'id_ed25519'), 4242, 4242);
    const r = t.run(['--json', 'scan', 'ssh', '--fail-on', 'policy']);
    expect(r.code).toBe(4);
    expect(parseJson(r).scans[0].findings).toContainEqual(
      expect.objectContaining({ kind: 'policy', reason: expect.stringMatching(/OpenSSH private key now owned by uid 4242, was uid \d+ at baseline/) }),
    );
  });
});

describe('profiles', () => {
  it('credentials: default locations under HOME and the profile root, absent ones skipped', () => {
    const home = join(t.dir, 'home');
    const root = join(t.dir, 'root');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    mkdirSync(join(home, '.aws'), { recursive: true });
    mkdirSync(join(root, 'etc', 'ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA x\n');
    writeFileSync(join(home, '.netrc'), 'machine m login l password p\n', { mode: 0o600 });
    writeFileSync(join(home, '.aws', 'credentials'), '[default]\n', { mode: 0o644 });
    writeFileSync(join(home, 'unrelated.txt'), 'not watched');
    writeFileSync(join(root, 'etc', 'shadow'), 'root:*:1::::::\n', { mode: 0o640 });
    writeFileSync(join(root, 'etc', 'ssh', 'ssh_host_ed25519_key'), 'k', { mode: 0o600 });
    writeFileSync(join(root, 'etc', 'ssh', 'ssh_host_ed25519_key.pub'), 'pub');
    const env = { HOME: home, PAYRECON_PROFILE_ROOT: root };
    const init = t.run(['--json', 'baseline', 'init', 'creds', '--profile', 'credentials'], env);
    expect(init.code, init.stderr).toBe(0);
    const doc = parseJson(init);
    expect(doc.files).toBe(6); // .ssh, authorized_keys, .netrc, .aws/credentials, shadow, the host key
    // shadow is group-readable by design (0640 root:shadow); a world-readable AWS key file is not.
    expect(doc.findings.map((f: { path: string }) => f.path)).toEqual([join(home, '.aws', 'credentials')]);
    // The expanded selection is signed with the baseline: a scan without those variables looks at the same places.
    writeFileSync(join(home, '.ssh', 'id_ed25519'), 'new key', { mode: 0o600 });
    const scan = t.run(['--json', 'scan', 'creds']);
    expect(scan.code).toBe(5); // the key, and ~/.ssh whose entries changed
    expect(parseJson(scan).scans[0].findings).toContainEqual(expect.objectContaining({ kind: 'added', path: join(home, '.ssh', 'id_ed25519') }));
  });
});
