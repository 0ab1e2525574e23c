import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IoError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/report/write-atomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'payrecon-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes a new file and leaves no temporary file', () => {
    writeFileAtomic(join(dir, 'a.csv'), 'x');
    expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('x');
    expect(readdirSync(dir)).toEqual(['a.csv']);
  });

  it('replaces an existing file and keeps its permissions', () => {
    const p = join(dir, 'private.html');
    writeFileSync(p, 'old');
    chmodSync(p, 0o600);
    writeFileAtomic(p, 'new');
    expect(readFileSync(p, 'utf8')).toBe('new');
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it('a missing directory is an IoError (exit 18) naming it', () => {
    expect(() => writeFileAtomic(join(dir, 'nope', 'a.csv'), 'x', 'nope/a.csv')).toThrowError(IoError);
    expect(() => writeFileAtomic(join(dir, 'nope', 'a.csv'), 'x', 'nope/a.csv')).toThrow(/cannot write nope\/a.csv: directory .*nope does not exist/);
  });

  it('a target that is a directory fails as IoError and cleans up', () => {
    const err = (() => {
      try {
        writeFileAtomic(dir, 'x');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(IoError);
    expect(readdirSync(join(dir, '..')).filter((f) => f.includes('.tmp') && f.includes('payrecon-atomic'))).toEqual([]);
  });
});
