import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exposure } from '../../src/checksums/policy.js';
import { detectPrivateKey, isCredentialsPath } from '../../src/checksums/sensitive.js';
import { tempDir } from '../helpers/cli.js';

const pem = (label: string) => Buffer.from(`-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`);

describe('detectPrivateKey: by content, not by name', () => {
  const cases: Array<[string, Buffer, string | null]> = [
    ['PKCS#8 PEM', pem('PRIVATE KEY'), 'pem'],
    ['encrypted PKCS#8 PEM', pem('ENCRYPTED PRIVATE KEY'), 'pem'],
    ['RSA PEM', pem('RSA PRIVATE KEY'), 'pem'],
    ['EC PEM after a certificate in a bundle', Buffer.concat([pem('CERTIFICATE'), pem('EC PRIVATE KEY')]), 'pem'],
    ['PGP secret key block', pem('PGP PRIVATE KEY BLOCK'), 'pem'],
    ['OpenSSH private key', pem('OPENSSH PRIVATE KEY'), 'openssh'],
    ['certificate', pem('CERTIFICATE'), null],
    ['public key', pem('PUBLIC KEY'), null],
    ['SSH public key line', Buffer.from('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI user@host\n'), null],
    ['text that mentions private keys', Buffer.from('# keep the PRIVATE KEY out of git\n'), null],
    ['JKS magic', Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]), 'jks'],
    ['JCEKS magic', Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]), 'jceks'],
    ['PuTTY key', Buffer.from('PuTTY-User-Key-File-3: ssh-ed25519\n'), 'putty'],
    ['DER that is not PKCS#12', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]), null],
    ['empty', Buffer.alloc(0), null],
  ];
  it.each(cases)('%s', (_name, bytes, kind) => {
    expect(detectPrivateKey(bytes)).toBe(kind);
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
describe.skipIf(!hasOpenssl)('detectPrivateKey on files made by openssl (skipped: openssl not installed)', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const run = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=t');
  run('pkcs12', '-export', '-in', 'c.pem', '-inkey', 'k.pem', '-out', 'key.p12', '-passout', 'pass:x');
  it.each([
    ['k.pem', 'pem'],
    ['c.pem', null],
    ['key.p12', 'pkcs12'],
  ])('%s -> %s', (name, kind) => {
    expect(detectPrivateKey(readFileSync(join(dir, name)))).toBe(kind);
  });
});

describe('isCredentialsPath: secret by name', () => {
  it.each([
    ['/home/u/.netrc', true],
    ['/home/u/.pgpass', true],
    ['/home/u/.aws/credentials', true],
    ['/srv/app/.env', true],
    ['/srv/app/.env.production', true],
    ['/srv/app/.env.example', false],
    ['/etc/shadow', true],
    ['/home/u/.ssh/id_ed25519', true],
    ['/home/u/.ssh/id_ed25519.pub', false],
    ['/home/u/.ssh/known_hosts', false],
    ['/home/u/vault.kdbx', true],
    ['/etc/ssl/certs/ca.pem', false],
    ['/home/u/.gnupg/private-keys-v1.d/ABC.key', true],
  ])('%s -> %s', (path, yes) => {
    expect(isCredentialsPath(path)).toBe(yes);
  });
});

describe('exposure: who besides the owner can read or write', () => {
  it.each([
    [0o600, null],
    [0o700, null],
    [0o640, 'readable by group'],
    [0o644, 'readable by group and others'],
    [0o604, 'readable by others'],
    [0o620, 'writable by group'],
    [0o666, 'readable and writable by group and others'],
    [0o646, 'readable by group, readable and writable by others'],
  ])('%o -> %s', (mode, text) => {
    expect(exposure(mode)).toBe(text);
  });
});
