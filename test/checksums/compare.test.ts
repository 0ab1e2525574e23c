import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/checksums/attributes.js';
import { compareToBaseline, countFindings, findingKey, initFindings, type ObservedState } from '../../src/checksums/compare.js';
import type { FindingKind, ScanFinding } from '../../src/domain/integrity.js';

const file = (path: string, over: Partial<FileRecord> = {}): FileRecord => ({
  path, type: 'file', size: 10n, mode: 0o600, uid: 1000, gid: 1000, inode: 7n, nlink: 1, mtime: 1n, ctime: 1n, link_target: null, sha256: 'aa', sha512: null, ...over,
});
const dir = (path: string): FileRecord => file(path, { type: 'dir', mode: 0o700, sha256: null, size: 4096n });

function observed(records: FileRecord[], extra: Partial<ObservedState> = {}): ObservedState {
  return { records, unreadable: new Map(), unreadableDirs: [], keys: new Map(), ...extra };
}
const baselineOf = (...recs: FileRecord[]) => new Map(recs.map((r) => [r.path, r]));
const brief = (fs: ScanFinding[]) => fs.map((f) => `${f.kind} ${f.path}${f.attributes ? ' ' + f.attributes.join(',') : ''}`);

describe('compareToBaseline', () => {
  const baseline = baselineOf(dir('/k'), file('/k/a'), file('/k/b'), file('/k/sub/c'));
  const cases: Array<[string, ObservedState, string[]]> = [
    ['nothing changed', observed([dir('/k'), file('/k/a'), file('/k/b'), file('/k/sub/c')]), []],
    ['a file added', observed([dir('/k'), file('/k/a'), file('/k/b'), file('/k/sub/c'), file('/k/new')]), ['added /k/new']],
    ['a file removed', observed([dir('/k'), file('/k/a'), file('/k/sub/c')]), ['removed /k/b']],
    ['content changed', observed([dir('/k'), file('/k/a', { sha256: 'bb' }), file('/k/b'), file('/k/sub/c')]), ['changed /k/a sha256']],
    [
      'unreadable now: reported, and neither removed nor unchanged',
      observed([dir('/k'), file('/k/a', { sha256: null }), file('/k/b'), file('/k/sub/c')], { unreadable: new Map([['/k/a', 'permission denied']]) }),
      ['unreadable /k/a'],
    ],
    [
      'unreadable and its mode changed: both',
      observed([dir('/k'), file('/k/a', { sha256: null, mode: 0o000 }), file('/k/b'), file('/k/sub/c')], { unreadable: new Map([['/k/a', 'permission denied']]) }),
      ['changed /k/a mode', 'unreadable /k/a'],
    ],
    [
      'vanished while scanning: unreadable, not removed',
      observed([dir('/k'), file('/k/b'), file('/k/sub/c')], { unreadable: new Map([['/k/a', 'vanished while scanning']]) }),
      ['unreadable /k/a'],
    ],
    [
      'a directory that cannot be listed: what the baseline had below it is unreadable, not removed',
      observed([dir('/k'), file('/k/a'), file('/k/b'), dir('/k/sub')], {
        unreadable: new Map([['/k/sub', 'permission denied']]),
        unreadableDirs: ['/k/sub'],
      }),
      ['added /k/sub', 'unreadable /k/sub', 'unreadable /k/sub/c'],
    ],
  ];
  it.each(cases)('%s', (_name, now, expected) => {
    expect(brief(compareToBaseline(baseline, now))).toEqual(expected);
  });

  it('says why a file could not be read', () => {
    const now = observed([dir('/k'), file('/k/b'), file('/k/sub/c'), file('/k/a', { sha256: null })], { unreadable: new Map([['/k/a', 'changed while being read']]) });
    expect(compareToBaseline(baseline, now).find((f) => f.kind === 'unreadable')).toMatchObject({ path: '/k/a', severity: 'high', reason: 'changed while being read' });
  });
});

describe('policy findings', () => {
  const cases: Array<[string, FileRecord, FileRecord | undefined, Map<string, 'pem' | 'openssh'>, string[]]> = [
    ['private key readable by others', file('/k/tls.pem', { mode: 0o644 }), undefined, new Map([['/k/tls.pem', 'pem']]), ['private key readable by group and others (mode 0644; chmod 600 it)']],
    ['private key group-readable only', file('/k/id', { mode: 0o640 }), undefined, new Map([['/k/id', 'openssh']]), ['OpenSSH private key readable by group (mode 0640; chmod 600 it)']],
    ['private key 0600', file('/k/tls.pem', { mode: 0o600 }), undefined, new Map([['/k/tls.pem', 'pem']]), []],
    ['world-readable certificate (no key inside)', file('/k/cert.pem', { mode: 0o644 }), undefined, new Map(), []],
    ['credentials file by name', file('/home/u/.pgpass', { mode: 0o604 }), undefined, new Map(), ['credentials file readable by others (mode 0604; chmod 600 it)']],
    ['/etc/shadow readable by its group is by design', file('/etc/shadow', { mode: 0o640 }), undefined, new Map(), []],
    ['/etc/shadow readable by others is not', file('/etc/shadow', { mode: 0o644 }), undefined, new Map(), ['credentials file readable by others (mode 0644; chmod 600 it)']],
    ['.env.example is not a secret', file('/app/.env.example', { mode: 0o644 }), undefined, new Map(), []],
    ['owner changed since baseline', file('/k/tls.pem', { uid: 0 }), file('/k/tls.pem'), new Map([['/k/tls.pem', 'pem']]), ['private key now owned by uid 0, was uid 1000 at baseline']],
  ];
  it.each(cases)('%s', (_name, rec, old, keys, reasons) => {
    const fs = compareToBaseline(old ? baselineOf(old) : baselineOf(rec), observed([rec], { keys }));
    expect(fs.filter((f) => f.kind === 'policy').map((f) => f.reason)).toEqual(reasons);
    for (const f of fs.filter((x) => x.kind === 'policy')) expect(f.severity).toBe('high');
  });

  it('are reported at init too, as are unreadable files; nothing counts as added', () => {
    const now = observed([file('/k/tls.pem', { mode: 0o644 }), file('/k/x', { sha256: null })], {
      keys: new Map([['/k/tls.pem', 'pem']]),
      unreadable: new Map([['/k/x', 'permission denied']]),
    });
    expect(brief(initFindings(now))).toEqual(['policy /k/tls.pem', 'unreadable /k/x']);
  });
});

describe('counts', () => {
  const f = (kind: FindingKind): ScanFinding => ({ path: '/p/' + kind, kind, severity: 'high' });
  const all = [f('added'), f('removed'), f('changed'), f('unreadable'), f('policy')];
  it('counts per kind, policy not among them', () => {
    expect(countFindings(12, all)).toEqual({ files: 12, added: 1, removed: 1, changed: 1, unreadable: 1 });
  });
  it('a finding is the same finding across scans when path, kind and description are', () => {
    expect(findingKey({ path: '/a', kind: 'changed', attributes: ['mode'], reason: 'mode 0600 -> 0644' })).toBe(
      findingKey({ path: '/a', kind: 'changed', attributes: ['mode'], reason: 'mode 0600 -> 0644' }),
    );
    expect(findingKey({ path: '/a', kind: 'changed', attributes: ['sha256'], reason: 'sha256 a -> b' })).not.toBe(
      findingKey({ path: '/a', kind: 'changed', attributes: ['sha256'], reason: 'sha256 a -> c' }),
    );
  });
});

describe('finding order', () => {
  it('follows comparePaths (UTF-8 byte order, as the database and the records are sorted), not UTF-16 `<`', () => {
    const now = observed([dir('/k'), file('/k/\u{1F600}'), file('/k/\uFFFF')]);
    // UTF-16 `<` would put the emoji (a surrogate pair, 0xD83D...) before U+FFFF; UTF-8 does not.
    expect(brief(compareToBaseline(baselineOf(dir('/k')), now))).toEqual(['added /k/\uFFFF', 'added /k/\u{1F600}']);
  });
});
