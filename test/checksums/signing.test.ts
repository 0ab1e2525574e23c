import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/checksums/attributes.js';
import {
  baselineCanonical,
  digestOfMacs,
  entryCanonical,
  findingCanonical,
  mac,
  macEquals,
  scanCanonical,
  signingKey,
  type BaselineSigned,
  type FindingSigned,
  type ScanSigned,
} from '../../src/checksums/signing.js';
import { verifyBaselineRecord, verifyEntries, verifyScanChain, type SignedEntry, type SignedScan } from '../../src/checksums/verify.js';

const key = signingKey(Buffer.from('0123456789abcdef0123456789abcdef'));
const otherKey = signingKey(Buffer.from('fedcba9876543210fedcba9876543210'));

const rec = (path: string, sha: string): FileRecord => ({
  path, type: 'file', size: 3n, mode: 0o600, uid: 0, gid: 0, inode: 1n, nlink: 1, mtime: 5n, ctime: 5n, link_target: null, sha256: sha, sha512: null,
});

/** A correctly signed baseline with entries and a chain of two scans, built like the db layer does. */
function signedFixture() {
  const records = [rec('/k/b', 'bb'), rec('/k/a', 'aa'), rec('/k/c', 'cc')];
  const entries: SignedEntry[] = records.map((r) => ({ record: r, mac: mac(key, entryCanonical(1, 2, r)) }));
  const sortedMacs = [...entries].sort((x, y) => (x.record.path < y.record.path ? -1 : 1)).map((e) => e.mac);
  const scans: SignedScan[] = [];
  let prev: string | null = null;
  for (const id of [1, 2]) {
    const findings = [{ scan_id: id, seq: 0, path: '/k/a', kind: 'changed', attributes: '["sha256"]', severity: 'high', reason: null, first_seen_scan: 1 } satisfies FindingSigned];
    const signedFindings = findings.map((f) => ({ ...f, mac: mac(key, findingCanonical(f)) }));
    const s: ScanSigned = {
      id, baseline_id: 1, generation: 2, started_at: 't0', finished_at: 't1', fail_on: null, exit_code: 4, counts: '{}',
      finding_count: 1, findings_digest: digestOfMacs(signedFindings.map((f) => f.mac)), prev_mac: prev,
    };
    const m = mac(key, scanCanonical(s));
    scans.push({ ...s, mac: m, findings: signedFindings });
    prev = m;
  }
  const b: BaselineSigned = {
    id: 1, name: 'keys', spec: '{}', created_at: 't', updated_at: 't', generation: 2, entry_count: 3,
    entries_digest: digestOfMacs(sortedMacs), key_id: key.id, last_scan_id: 2, last_scan_mac: prev,
  };
  return { b: { ...b, mac: mac(key, baselineCanonical(b)) }, entries, scans };
}

describe('mac', () => {
  it('is HMAC-SHA-256 over the canonical JSON array', () => {
    const parts = ['entry', 1, '/p', null];
    expect(mac(key, parts)).toBe(createHmac('sha256', key.bytes).update('["entry",1,"/p",null]').digest('hex'));
  });
  it('depends on the key and on every field', () => {
    const e = entryCanonical(1, 1, rec('/a', 'aa'));
    expect(mac(key, e)).not.toBe(mac(otherKey, e));
    expect(mac(key, e)).not.toBe(mac(key, entryCanonical(2, 1, rec('/a', 'aa')))); // moved to another baseline
    expect(mac(key, e)).not.toBe(mac(key, entryCanonical(1, 2, rec('/a', 'aa')))); // replayed from another generation
    expect(mac(key, e)).not.toBe(mac(key, entryCanonical(1, 1, rec('/b', 'aa')))); // renamed path
  });
  it('compares in constant time and rejects empty or malformed values', () => {
    const m = mac(key, ['x']);
    expect(macEquals(m, m)).toBe(true);
    expect(macEquals(m, mac(key, ['y']))).toBe(false);
    expect(macEquals('', '')).toBe(false);
    expect(macEquals(m, m.slice(0, 10))).toBe(false);
  });
  it('key ids tell keys apart without revealing them', () => {
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(key.id).not.toBe(otherKey.id);
  });
});

describe('verification names what failed', () => {
  it('accepts an untouched baseline, its entries and its scan chain', () => {
    const { b, entries, scans } = signedFixture();
    expect(verifyBaselineRecord(key, b)).toBeNull();
    expect(verifyEntries(key, b, entries)).toBeNull();
    expect(verifyScanChain(key, b, scans)).toBeNull();
  });

  type Tamper = (f: ReturnType<typeof signedFixture>) => void;
  const cases: Array<[string, Tamper, 'record' | 'entries' | 'chain', RegExp]> = [
    ['a stored attribute edited', (f) => (f.entries[1].record = { ...f.entries[1].record, mode: 0o644 }), 'entries', /entry \/k\/a does not verify/],
    ['a stored digest edited', (f) => (f.entries[0].record = { ...f.entries[0].record, sha256: 'ff' }), 'entries', /entry \/k\/b does not verify/],
    ['an entry deleted', (f) => f.entries.pop(), 'entries', /entry count: signed with 3 entries, the database holds 2/],
    ['an entry added', (f) => f.entries.push({ record: rec('/k/d', 'dd'), mac: 'ab'.repeat(32) }), 'entries', /entry count/],
    [
      'an entry swapped for a validly signed one from another baseline',
      (f) => (f.entries[2] = { record: rec('/k/c', 'cc'), mac: mac(key, entryCanonical(9, 2, rec('/k/c', 'cc'))) }),
      'entries',
      /entry \/k\/c does not verify/,
    ],
    ['the entry count edited', (f) => (f.b.entry_count = 2), 'record', /record .* was altered/],
    ['the selection edited', (f) => (f.b.spec = '{"roots":[]}'), 'record', /record .* was altered/],
    ['a finding edited', (f) => (f.scans[0].findings[0].reason = 'nothing to see'), 'chain', /scan 1: finding for \/k\/a was altered/],
    ['a finding deleted', (f) => f.scans[1].findings.pop(), 'chain', /scan 2: finding count/],
    ['a scan deleted from the middle', (f) => f.scans.shift(), 'chain', /scan 2 does not follow the previous scan/],
    ['the latest scan deleted', (f) => f.scans.pop(), 'chain', /latest signed scan is 2, the database has 1/],
    ['a scan exit code edited', (f) => (f.scans[1].exit_code = 0), 'chain', /scan 2 was altered/],
  ];
  it.each(cases)('%s', (_name, tamper, part, message) => {
    const f = signedFixture();
    tamper(f);
    const failure =
      part === 'record' ? verifyBaselineRecord(key, f.b) : part === 'entries' ? verifyEntries(key, f.b, f.entries) : verifyScanChain(key, f.b, f.scans);
    expect(failure).toMatch(message);
    expect(failure).toContain('baseline "keys"');
  });

  it('says so when another key is used, rather than calling it an alteration', () => {
    const { b } = signedFixture();
    expect(verifyBaselineRecord(otherKey, b)).toMatch(/signed with a different key/);
  });
});
