/**
 * Issue 12, item 2: verify-only hosts. `key generate` writes an Ed25519 pair; baselines are signed
 * with the private key; a host holding only the public key can scan but cannot create or accept
 * a baseline; a baseline signed by another key, or downgraded to HMAC, is tamper (exit 20).
 */
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';
import { copyStore } from '../helpers/store-copy.js';

let t: IntegrityEnv;
let priv: string;
let pub: string;
beforeEach(() => {
  t = integrityEnv();
  const keys = parseJson(t.run(['--json', 'key', 'generate', '--out', join(t.dir, 'keys')]));
  expect(keys.key_id).toMatch(/^ed25519:[0-9a-f]{16}$/);
  ({ private_key: priv, public_key: pub } = keys);
  expect(t.run(['baseline', 'init', 'conf', '--path', t.tree], { PAYRECON_KEY_FILE: priv }).code).toBe(0);
});
afterEach(() => t.cleanup());

const asHost = (args: string[]) => t.run(args, { PAYRECON_KEY_FILE: pub });

describe('key generate', () => {
  it('writes the private key 0600 and the public key 0644, and never overwrites them (16)', () => {
    expect(statSync(priv).mode & 0o777).toBe(0o600);
    expect(statSync(pub).mode & 0o777).toBe(0o644);
    const again = t.run(['key', 'generate', '--out', join(t.dir, 'keys')]);
    expect(again.code).toBe(16);
    expect(again.stderr).toMatch(/payrecon-ed25519\.key already exists; payrecon never overwrites a key/);
  });
});

describe('a host with only the public key', () => {
  it('scans, finds changes, and verifies the history and the audit log', () => {
    expect(asHost(['scan', 'conf']).code).toBe(0);
    writeFileSync(join(t.tree, 'a.conf'), 'changed by someone');
    const doc = parseJson(asHost(['--json', 'scan', 'conf']));
    expect(doc).toMatchObject({ exit_code: 4, scans: [{ findings: [{ kind: 'changed', attributes: expect.arrayContaining(['sha256']) }] }] });
    expect(asHost(['scan', '--verify-history', 'conf']).code).toBe(4);
    expect(asHost(['baseline', 'prune', 'conf', '--keep', '1']).code).toBe(0);
    const audit = asHost(['audit', 'verify']);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/every MAC verifies/);
  });

  it('cannot accept a change or create a baseline (16), and the change stays reported', () => {
    writeFileSync(join(t.tree, 'a.conf'), 'changed by someone');
    for (const args of [['baseline', 'update', 'conf'], ['baseline', 'init', 'other', '--path', t.tree]]) {
      const r = asHost(args);
      expect(r.code, args.join(' ')).toBe(16);
      expect(r.stderr).toMatch(/needs the private key: the key file given holds the Ed25519 public key ed25519:/);
    }
    expect(asHost(['scan', 'conf']).code).toBe(4);
    expect(t.run(['baseline', 'update', 'conf'], { PAYRECON_KEY_FILE: priv }).code).toBe(0); // where the private key is
    expect(asHost(['scan', 'conf']).code).toBe(0);
  });

  it('a public key file others can write is refused (17); reading it is fine', () => {
    chmodSync(pub, 0o664);
    const r = asHost(['scan', 'conf']);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/public key file .* is writable by group or others/);
    chmodSync(pub, 0o644);
    chmodSync(priv, 0o640);
    expect(t.run(['scan', 'conf'], { PAYRECON_KEY_FILE: priv }).code).toBe(17); // a private key must be private
  });
});

describe('a baseline replaced by one signed with another key is tamper (20)', () => {
  /** Someone with write access to the database swaps in a baseline of their own. */
  function forge(env: NodeJS.ProcessEnv): void {
    const forged = join(t.dir, 'forged.db');
    const r = t.run(['--db', forged, 'baseline', 'init', 'conf', '--path', t.tree], env);
    expect(r.code, r.stderr).toBe(0);
    copyStore(forged, t.db);
  }

  it('downgraded to HMAC: the attacker signs with an HMAC key they hold', () => {
    writeFileSync(join(t.tree, 'a.conf'), 'backdoor');
    forge({ PAYRECON_KEY_FILE: t.key });
    const r = asHost(['scan', 'conf']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/baseline "conf" is signed with an HMAC key .* this host verifies with an Ed25519 key .*downgrade/);
  });

  it('signed by another Ed25519 key', () => {
    const other = parseJson(t.run(['--json', 'key', 'generate', '--out', join(t.dir, 'other')]));
    forge({ PAYRECON_KEY_FILE: other.private_key });
    const r = asHost(['scan', 'conf']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/was signed with a different key \(key id ed25519:/);
  });

  it('the record edited (the selection)', () => {
    t.sql("UPDATE baselines SET spec = '{}'");
    const r = asHost(['scan', 'conf']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/its record .* was altered outside payrecon/);
  });

  it('the history pointer of an Ed25519 baseline edited', () => {
    expect(asHost(['scan', 'conf']).code).toBe(0);
    t.sql('UPDATE baselines SET last_scan_id = NULL, last_scan_mac = NULL');
    const r = asHost(['scan', 'conf']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/its scan history pointer was altered outside payrecon/);
  });
});
