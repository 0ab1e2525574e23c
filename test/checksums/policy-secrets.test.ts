/**
 * Issue 19, item 6: README said policy findings are decided "by content, not by name"; private
 * keys are recognised by content and credentials files by name (docs/integrity.md). Both halves
 * of the sentence the README now says, as a table.
 */
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/checksums/attributes.js';
import { policyFindings } from '../../src/checksums/policy.js';
import { detectPrivateKey } from '../../src/checksums/sensitive.js';

const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n';
const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAV2gAwIBAgIUJ\n-----END CERTIFICATE-----\n';

function record(path: string): FileRecord {
  return { path, type: 'file', size: 1n, mode: 0o644, uid: 1000, gid: 1000, inode: 1n, nlink: 1, mtime: 0n, ctime: 0n, link_target: null, sha256: 'x', sha512: null,
    xattrs: null, acl: null, default_acl: null, caps: null, selinux: null, entries: null };
}

describe('which world-readable files are policy findings', () => {
  it.each([
    ['a private key in a .txt file (content)', '/srv/notes.txt', PEM_KEY, true],
    ['a certificate in a .pem file (content says not a key)', '/srv/tls/server.pem', PEM_CERT, false],
    ['.pgpass with plain text (name)', '/home/u/.pgpass', 'db:5432:*:app:secret\n', true],
    ['.env (name)', '/srv/app/.env', 'TOKEN=abc\n', true],
    ['.env.example (name says a template)', '/srv/app/.env.example', 'TOKEN=\n', false],
    ['an ordinary config', '/srv/app/app.conf', 'port = 80\n', false],
  ])('%s', (_what, path, content, found) => {
    const findings = policyFindings(record(path), detectPrivateKey(Buffer.from(content)));
    expect(findings.length > 0).toBe(found);
  });
});
