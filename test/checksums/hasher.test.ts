import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANGED_WHILE_READ, Hasher, NODE_HASH_IO, type HashIo } from '../../src/checksums/hasher.js';
import { WorkQueue } from '../../src/checksums/work-queue.js';
import { tempDir } from '../helpers/cli.js';

describe('Hasher on real files', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('computes SHA-256 (and SHA-512 on request) across buffer boundaries', () => {
    const data = Buffer.alloc(3 * 4096 + 17, 7);
    writeFileSync(join(dir, 'f'), data);
    const r = new Hasher(NODE_HASH_IO, 4096).hash(join(dir, 'f'), true);
    expect(r).toMatchObject({
      ok: true,
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      sha512: createHash('sha512').update(data).digest('hex'),
    });
  });

  it('does not follow a file swapped for a symbolic link, nor hang on one swapped for a FIFO', () => {
    writeFileSync(join(dir, 'secret'), 'outside the tree\n');
    symlinkSync(join(dir, 'secret'), join(dir, 'link'));
    expect(new Hasher().hash(join(dir, 'link'), false)).toMatchObject({ ok: false, bytes: 0 });
    const fifo = join(dir, 'fifo');
    if (spawnSync('mkfifo', [fifo]).status === 0) {
      expect(new Hasher().hash(fifo, false)).toMatchObject({ ok: false, reason: CHANGED_WHILE_READ });
    }
  });

  it('hashInterruptible yields between chunks; a throw from between stops it, and the same digest otherwise', async () => {
    const data = Buffer.alloc(10 * 4096, 3);
    writeFileSync(join(dir, 'big'), data);
    const hasher = new Hasher(NODE_HASH_IO, 4096);
    let yields = 0;
    const r = await hasher.hashInterruptible(join(dir, 'big'), false, async () => void yields++, 8192);
    expect(r).toMatchObject({ ok: true, sha256: createHash('sha256').update(data).digest('hex') });
    expect(yields).toBeGreaterThanOrEqual(4);
    await expect(
      hasher.hashInterruptible(join(dir, 'big'), false, async () => {
        throw new Error('interrupted');
      }, 8192),
    ).rejects.toThrow('interrupted');
    // The hasher is usable afterwards (its file was closed, its buffer cleared).
    expect(hasher.hash(join(dir, 'big'), false)).toMatchObject({ ok: true, bytes: data.length });
  });

  it('reports a missing file as vanished, not as an empty one', () => {
    expect(new Hasher().hash(join(dir, 'missing'), false)).toEqual({ ok: false, reason: 'vanished while scanning', bytes: 0 });
  });

  it('classifies a private key from the first block', () => {
    writeFileSync(join(dir, 'k'), '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
    expect(new Hasher().hash(join(dir, 'k'), false)).toMatchObject({ ok: true, key: 'pem' });
  });
});

/** A file whose stat moves `changes` times while being read (a writer racing the scan). */
function racingIo(changes: number): { io: HashIo; opens: () => number } {
  let opens = 0;
  let fstats = 0;
  let served = false; // one read per open returns the content, the next one EOF
  const content = Buffer.from('hello');
  const io: HashIo = {
    open: () => {
      served = false;
      return ++opens;
    },
    fstat: () => {
      fstats++;
      // Before and after of attempt k are fstat 2k-1 and 2k; the first `changes` attempts differ.
      const attempt = Math.ceil(fstats / 2);
      const after = fstats % 2 === 0;
      const mtimeNs = attempt <= changes && after ? 2n : 1n;
      return { isFile: () => true, size: 5n, mtimeNs, ctimeNs: mtimeNs, mode: 0o100600n, uid: 0n, gid: 0n, ino: 1n, nlink: 1n } as unknown as BigIntStats;
    },
    read: (_fd, buf) => {
      if (served) return 0;
      served = true;
      content.copy(buf);
      return content.length;
    },
    close: () => {},
  };
  return { io, opens: () => opens };
}

describe('Hasher: a file that changes while being read', () => {
  it('is read once more, and trusted when the second read is stable', () => {
    const { io, opens } = racingIo(1);
    const r = new Hasher(io).hash('/x', false);
    expect(opens()).toBe(2);
    expect(r).toMatchObject({ ok: true, sha256: createHash('sha256').update('hello').digest('hex') });
  });
  it('is reported as unreadable when it changes again', () => {
    const { io, opens } = racingIo(2);
    const r = new Hasher(io).hash('/x', false);
    expect(opens()).toBe(2);
    expect(r).toMatchObject({ ok: false, reason: CHANGED_WHILE_READ });
  });
});

describe('WorkQueue', () => {
  it('hands every index out exactly once from both ends', () => {
    for (const n of [0, 1, 2, 7, 100]) {
      const q = new WorkQueue(n);
      const view = new WorkQueue(n, q.cells.buffer as SharedArrayBuffer); // what the worker sees
      const got: number[] = [];
      for (let turn = 0; ; turn++) {
        const i = turn % 3 === 0 ? view.takeFront() : q.takeBack();
        if (i < 0) break;
        got.push(i);
      }
      expect(got.sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(q.takeFront()).toBe(-1);
    }
  });
});
